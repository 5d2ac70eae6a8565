// Client certificates of a tenant's devices (docs/integration.md "Devices with X.509
// certificates"): issued from a CSR (the key never leaves the device) or, failing that, with a key
// pair the platform generates and returns once; listed; revoked (live connections close). The
// tenant's CA certificate is public: a device needs it before it has any credential.
import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '../../errors.ts';
import { MAX_VALIDITY_DAYS, type DeviceCertRecord } from '../../identity/device-certs.ts';
import type { PlatformServices } from '../../services/index.ts';
import { allow, tenantOf } from '../auth.ts';
import { body, params } from '../validate.ts';
import { doc, itemsOf } from '../route-doc.ts';
import { deviceIdParamSchema, tenantIdSchema } from '../../ids.ts';

const idParam = z.object({ id: deviceIdParamSchema });
const serialSchema = z.string().regex(/^[0-9a-f]{2,40}$/, 'a certificate serial in lower-case hex');
const certParam = z.object({ id: deviceIdParamSchema, serial: serialSchema });
const tenantParam = z.object({ tenantId: tenantIdSchema });
const pemText = (label: string) => z.string().max(16_384).refine((s) => s.includes(`-----BEGIN ${label}-----`), `a PEM ${label}`);

const issueSchema = z.union([
  z.object({ csr: pemText('CERTIFICATE REQUEST'), validityDays: z.number().int().min(1).max(MAX_VALIDITY_DAYS).optional() }).strict(),
  z.object({ generateKey: z.literal(true), validityDays: z.number().int().min(1).max(MAX_VALIDITY_DAYS).optional() }).strict(),
]);

const certResponse = z.object({
  serial: z.string(),
  deviceId: z.string(),
  notBefore: z.number().int(),
  notAfter: z.number().int(),
  fingerprint: z.string(),
  source: z.enum(['csr', 'generated']),
  status: z.enum(['active', 'revoked']),
  issuedAt: z.number().int(),
  revokedAt: z.number().int().nullable(),
});
const issuedResponse = z.object({
  certificate: certResponse,
  certificatePem: z.string(),
  privateKeyPem: z.string().optional().meta({ description: 'only when the platform generated the key pair; shown once' }),
  caCertificatePem: z.string(),
});

const pemDoc = { description: 'the tenant device CA certificate (PEM)', contentType: 'application/x-pem-file', schema: z.string() };

/** Public: the CA certificate of a tenant's devices. */
export function deviceCaRoutes(s: PlatformServices): Router {
  const r = Router();
  r.get('/tenants/:tenantId/device-ca.pem', doc({ summary: 'the CA certificate a tenant issues device certificates with', public: true, tags: ['devices'], params: tenantParam, responses: { 200: pemDoc } }), async (req, res) => {
    const { tenantId } = params(req, tenantParam);
    const pem = (await s.tenants.get(tenantId)) ? await s.deviceCerts.caCertificate(tenantId) : null;
    if (!pem) throw notFound('no device CA for this tenant');
    res.type('application/x-pem-file').send(pem);
  });
  return r;
}

export function deviceCertRoutes(s: PlatformServices): Router {
  const r = Router();
  r.post('/devices/:id/certificates', allow('devices:manage'), doc({ summary: 'issues a client certificate for a device, from a CSR or with a generated key shown once', params: idParam, body: issueSchema, responses: { 201: issuedResponse } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const { id } = params(req, idParam);
    const input = body(req, issueSchema);
    await s.devices.require(id);
    const issued = await s.deviceCerts.issue(tenantId, id, 'csr' in input ? { csr: input.csr } : { generateKey: true }, input.validityDays ? { validityDays: input.validityDays } : {});
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'device.certificate-issue', target: `device:${id}`, outcome: 'success', details: { serial: issued.record.serial, source: issued.record.source, notAfter: issued.record.notAfter } });
    res.status(201).json({
      certificate: issued.record,
      certificatePem: issued.certificate,
      ...(issued.privateKey ? { privateKeyPem: issued.privateKey } : {}),
      caCertificatePem: issued.caCertificate,
    });
  });
  r.get('/devices/:id/certificates', allow('devices:read'), doc({ summary: 'client certificates issued for a device', params: idParam, responses: { 200: itemsOf(certResponse) } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const { id } = params(req, idParam);
    await s.devices.require(id);
    const items: DeviceCertRecord[] = await s.deviceCerts.list(tenantId, id);
    res.json({ items });
  });
  r.post('/devices/:id/certificates/:serial/revoke', allow('devices:manage'), doc({ summary: 'revokes a device certificate; the device\'s connections close', params: certParam, responses: { 200: certResponse } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const { id, serial } = params(req, certParam);
    await s.devices.require(id);
    const record = await s.deviceCerts.revoke(tenantId, id, serial);
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'device.certificate-revoke', target: `device:${id}`, outcome: 'success', details: { serial } });
    res.json(record);
  });
  return r;
}
