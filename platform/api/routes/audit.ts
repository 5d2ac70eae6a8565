// The audit log for auditors (their tenant's chain) and the platform operator (the platform's).
import { Router, type Request } from 'express';
import { z } from 'zod';
import { forbidden } from '../../errors.ts';
import type { AuditService, PlatformServices } from '../../services/index.ts';
import { PLATFORM_SCOPE } from '../../storage/port.ts';
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

/** An auditor reads its tenant's chain (the one in context); the platform operator the
 *  platform's own chain, the one chain it names (through the audit's admin facet). */
function chainOf(req: Request, s: PlatformServices): { scope: string; chain: Pick<AuditService, 'list' | 'checkpoint' | 'verify'> } {
  const p = req.principal!;
  if (p.role === 'platform-admin') {
    const admin = s.audit.admin;
    return {
      scope: PLATFORM_SCOPE,
      chain: { list: (q) => admin.list(PLATFORM_SCOPE, q), checkpoint: (o) => admin.checkpoint(PLATFORM_SCOPE, o), verify: () => admin.verify(PLATFORM_SCOPE) },
    };
  }
  if (p.role === 'auditor' && p.tenantId) return { scope: p.tenantId, chain: s.audit };
  throw forbidden('only auditors read the audit log');
}

export function auditRoutes(s: PlatformServices): Router {
  const r = Router();
  r.get('/audit', allow('audit:verify'), doc({ summary: "entries of the caller's audit chain", query: listQuery, responses: { 200: z.object({ chain: z.string(), items: z.array(anyObject), nextFromSeq: z.number().int().nullable() }) } }), async (req, res) => {
    const { scope, chain } = chainOf(req, s);
    const q = query(req, listQuery);
    const page = await chain.list(q);
    await s.audit.record(scope, { actor: req.principal!.label, action: 'audit.read', target: `chain:${scope}`, outcome: 'success', details: { count: page.entries.length } });
    res.json({ chain: scope, items: page.entries, nextFromSeq: page.nextFromSeq });
  });
  r.post('/audit/verify', allow('audit:verify'), doc({ summary: "verifies the caller's audit chain", responses: { 200: z.looseObject({ chain: z.string(), ok: z.boolean() }) } }), async (req, res) => {
    const { scope, chain } = chainOf(req, s);
    await chain.checkpoint();
    const result = await chain.verify();
    await s.audit.record(scope, { actor: req.principal!.label, action: 'audit.verify', target: `chain:${scope}`, outcome: result.ok ? 'success' : 'failure', details: result.ok ? { entries: result.entries } : { firstBrokenSeq: result.firstBrokenSeq, reason: result.reason } });
    res.json({ chain: scope, ...result });
  });
  return r;
}
