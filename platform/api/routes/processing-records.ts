// Records of processing activities (GDPR art. 30) of the caller's tenant, generated from the
// platform's state at each request, as JSON and as a self-contained HTML page.
import { Router } from 'express';
import type { AgreementService } from '../../policy/agreement-service.ts';
import { buildProcessingRecords, processingRecordsHtml, type ProcessingPilot, type ProcessingRecords } from '../../policy/processing-records.ts';
import type { PlatformServices } from '../../services/index.ts';
import { allow, tenantOf } from '../auth.ts';
import { anyObject, doc } from '../route-doc.ts';
import type { TenantId } from '../../ids.ts';

export function processingRecordRoutes(s: PlatformServices, agreements: AgreementService, pilots: ProcessingPilot[]): Router {
  const r = Router();
  const build = async (tenantId: TenantId): Promise<ProcessingRecords> => {
    const tenant = await s.tenants.require(tenantId);
    return buildProcessingRecords({
      tenant,
      pilots,
      agreements: await agreements.listFor(tenantId),
      regionLocation: s.config.regions?.[tenant.region] ? 'own location' : 'default location',
      generatedAt: Date.now(),
    });
  };
  const record = (req: Parameters<typeof tenantOf>[0], format: string) =>
    s.audit.record(tenantOf(req), { actor: req.principal!.label, action: 'processing-records.read', target: `tenant:${tenantOf(req)}`, outcome: 'success', details: { format } });

  r.get('/processing-records', allow('processing:read'), doc({ summary: "the tenant's records of processing activities (GDPR art. 30), generated from the platform's state", responses: { 200: anyObject } }), async (req, res) => {
    const records = await build(tenantOf(req));
    await record(req, 'json');
    res.json(records);
  });
  r.get('/processing-records/html', allow('processing:read'), doc({ summary: 'the records of processing as a self-contained HTML page', responses: { 200: { description: 'HTML page', contentType: 'text/html' } } }), async (req, res) => {
    const html = processingRecordsHtml(await build(tenantOf(req)));
    await record(req, 'html');
    // Nothing in the page may load or run anything.
    res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.type('html').send(html);
  });
  return r;
}
