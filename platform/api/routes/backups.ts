// The last scheduled backup and its verification (docs/backup.md "Scheduled backups"). The
// platform operator sees the whole run (and each region's); a tenant-admin sees whether its
// tenant was in its region's last run and whether it verified, never other tenants' ids nor
// target paths.
import { Router } from 'express';
import { forbidden, notFound } from '../../errors.ts';
import type { PlatformServices } from '../../services/index.ts';
import { allow } from '../auth.ts';
import type { BackupRun } from '../../backup/scheduler.ts';
import { z } from 'zod';
import { doc } from '../route-doc.ts';

const common = (run: BackupRun) => ({
  id: run.id ?? null,
  startedAt: run.startedAt,
  seconds: run.seconds,
  ok: run.ok,
  k: run.k,
  n: run.n,
  verification: run.verification ? { ok: run.verification.ok, at: run.verification.at } : null,
});

const full = (run: BackupRun) => ({
  ...common(run),
  ...(run.region ? { region: run.region } : {}),
  stores: run.stores,
  bytes: run.bytes ?? null,
  pruned: run.pruned,
  targets: run.verification?.targets ?? [],
  error: run.error ?? null,
});

export function backupRoutes(s: PlatformServices): Router {
  const r = Router();
  r.get('/backups/last', allow('backups:read'), doc({ summary: 'the last scheduled backup and its verification (per region for the platform operator)', responses: { 200: z.looseObject({ startedAt: z.number(), ok: z.boolean(), k: z.number().int(), n: z.number().int() }) } }), async (req, res) => {
    const p = req.principal!;
    if (!s.backups) throw notFound('scheduled backups are off (BACKUP_INTERVAL_MINUTES is not set)');
    if (p.role !== 'platform-admin' && !p.tenantId) throw forbidden();
    // Residency: a tenant of a region with its own targets is backed up by that region's schedule.
    const region = p.role === 'platform-admin' ? undefined : (await s.tenants.get(p.tenantId!))?.region;
    const run = s.backups.forRegion(region).last();
    if (!run) throw notFound('no scheduled backup has run yet');
    if (p.role === 'platform-admin') {
      const regions = s.backups.regions().map((name) => {
        const last = s.backups!.forRegion(name).last();
        return { region: name, last: last ? full(last) : null };
      });
      res.json({ ...full(run), ...(regions.length ? { regions } : {}) });
      return;
    }
    res.json({ ...common(run), tenant: p.tenantId, includesTenant: run.stores.includes(p.tenantId!) });
  });
  return r;
}
