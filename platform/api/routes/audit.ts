// The audit log for auditors (their tenant's chain) and the platform operator (the platform's).
import { Router, type Request } from 'express';
import { z } from 'zod';
import { forbidden } from '../../errors.ts';
import type { PlatformServices } from '../../services/index.ts';
import { allow } from '../auth.ts';
import { query } from '../validate.ts';
import { anyObject, doc } from '../route-doc.ts';

const listQuery = z
  .object({
    fromSeq: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
    action: z.string().max(80).optional(),
    actor: z.string().max(120).optional(),
    outcome: z.enum(['success', 'failure', 'denied']).optional(),
    since: z.coerce.number().int().min(0).optional(),
    until: z.coerce.number().int().min(0).optional(),
  })
  .strict();

/** An auditor reads its tenant's chain; the platform operator the platform's own chain. */
function chainOf(req: Request): string {
  const p = req.principal!;
  if (p.role === 'platform-admin') return '_platform';
  if (p.role === 'auditor' && p.tenantId) return p.tenantId;
  throw forbidden('only auditors read the audit log');
}

export function auditRoutes(s: PlatformServices): Router {
  const r = Router();
  r.get('/audit', allow('audit:verify'), doc({ summary: "entries of the caller's audit chain", query: listQuery, responses: { 200: z.object({ chain: z.string(), items: z.array(anyObject), nextFromSeq: z.number().int().nullable() }) } }), async (req, res) => {
    const scope = chainOf(req);
    const q = query(req, listQuery);
    const page = await s.audit.list(scope, q);
    await s.audit.record(scope, { actor: req.principal!.label, action: 'audit.read', target: `chain:${scope}`, outcome: 'success', details: { count: page.entries.length } });
    res.json({ chain: scope, items: page.entries, nextFromSeq: page.nextFromSeq });
  });
  r.post('/audit/verify', allow('audit:verify'), doc({ summary: "verifies the caller's audit chain", responses: { 200: z.looseObject({ chain: z.string(), ok: z.boolean() }) } }), async (req, res) => {
    const scope = chainOf(req);
    await s.audit.checkpoint(scope);
    const result = await s.audit.verify(scope);
    await s.audit.record(scope, { actor: req.principal!.label, action: 'audit.verify', target: `chain:${scope}`, outcome: result.ok ? 'success' : 'failure', details: result.ok ? { entries: result.entries } : { firstBrokenSeq: result.firstBrokenSeq, reason: result.reason } });
    res.json({ chain: scope, ...result });
  });
  return r;
}
