// The last scheduled backup and its verification (docs/backup.md "Scheduled backups"). The
// platform operator sees the whole run; a tenant-admin sees whether its tenant was in it and
// whether it verified, never other tenants' ids nor target paths.
import { Router } from 'express';
import { forbidden, notFound } from '../../errors.ts';
import type { PlatformServices } from '../../services/index.ts';
import { allow } from '../auth.ts';
import { z } from 'zod';
import { doc } from '../route-doc.ts';

export function backupRoutes(s: PlatformServices): Router {
  const r = Router();
  r.get('/backups/last', allow('backups:read'), doc({ summary: 'the last scheduled backup and its verification', responses: { 200: z.looseObject({ startedAt: z.number(), ok: z.boolean(), k: z.number().int(), n: z.number().int() }) } }), (req, res) => {
    const p = req.principal!;
    if (!s.backups) throw notFound('scheduled backups are off (BACKUP_INTERVAL_MINUTES is not set)');
    const run = s.backups.last();
    if (!run) throw notFound('no scheduled backup has run since the platform started');
    const common = {
      id: run.id ?? null,
      startedAt: run.startedAt,
      seconds: run.seconds,
      ok: run.ok,
      k: run.k,
      n: run.n,
      verification: run.verification ? { ok: run.verification.ok, at: run.verification.at } : null,
    };
    if (p.role === 'platform-admin') {
      res.json({ ...common, stores: run.stores, bytes: run.bytes ?? null, pruned: run.pruned, targets: run.verification?.targets ?? [], error: run.error ?? null });
      return;
    }
    if (!p.tenantId) throw forbidden();
    res.json({ ...common, tenant: p.tenantId, includesTenant: run.stores.includes(p.tenantId) });
  });
  return r;
}
