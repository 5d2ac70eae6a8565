// Key management for tenant-admins: key versions (never key material) and rotation.
import { Router } from 'express';
import type { PlatformServices } from '../../services/index.ts';
import { allow, tenantOf } from '../auth.ts';
import { z } from 'zod';
import { anyObject, doc } from '../route-doc.ts';

export function keyRoutes(s: PlatformServices): Router {
  const r = Router();
  r.get('/keys', allow('keys:manage'), doc({ summary: 'key versions of the tenant (never key material)', responses: { 200: z.object({ items: z.array(anyObject), subjectKeys: z.object({ count: z.number().int() }) }) } }), async (req, res) => {
    const infos = await s.keyring.describe(tenantOf(req));
    // Subject key scopes name patients' ids: report counts, not the list.
    const subjects = infos.filter((k) => k.scope.startsWith('subject:'));
    res.json({
      items: infos.filter((k) => !k.scope.startsWith('subject:')),
      subjectKeys: { count: new Set(subjects.map((k) => k.scope)).size },
    });
  });
  r.post('/keys/rotate', allow('keys:manage'), doc({ summary: 'rotates the tenant key', responses: { 200: z.object({ scope: z.literal('tenant'), version: z.number().int() }) } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const version = await s.keyring.rotateTenantKey(tenantId);
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'key.rotate', target: 'key:tenant', outcome: 'success', details: { version } });
    res.json({ scope: 'tenant', version });
  });
  return r;
}
