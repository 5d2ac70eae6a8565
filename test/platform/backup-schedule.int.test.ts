// Scheduled backups while the platform runs (docs/backup.md "Scheduled backups"): taken on the
// interval, verified from the targets, pruned to BACKUP_KEEP, audited, and reported by
// GET /api/v1/backups/last to the platform operator and (narrowed) to a tenant-admin.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../platform/config.ts';
import { bootHarness } from '../../validation/support/harness.ts';

const root = mkdtempSync(join(tmpdir(), 'custodia-sched-'));
afterAll(() => rm(root, { recursive: true, force: true }));

it('BACKUP_* settings: an interval needs 1 to 16 targets and k at most their number', () => {
  expect(loadConfig({}).backup).toBeUndefined();
  expect(loadConfig({ BACKUP_INTERVAL_MINUTES: '60', BACKUP_TARGETS: '/a,/b,/c' }).backup).toEqual({
    intervalMs: 3_600_000,
    keep: 7,
    targets: ['/a', '/b', '/c'],
    k: 2,
  });
  for (const env of [
    { BACKUP_INTERVAL_MINUTES: '60' },
    { BACKUP_TARGETS: '/a' },
    { BACKUP_INTERVAL_MINUTES: '60', BACKUP_TARGETS: '/a,/b', BACKUP_K: '3' },
    { BACKUP_INTERVAL_MINUTES: '60', BACKUP_TARGETS: '/a,/a' },
    { BACKUP_INTERVAL_MINUTES: '0', BACKUP_TARGETS: '/a' },
  ]) {
    expect(() => loadConfig(env)).toThrow(ConfigError);
  }
});

it('takes, verifies, prunes and audits backups on the interval; the last one is shown by role (ASVS 8.1.5, 4.1.3)', { timeout: 120_000 }, async () => {
  const targets = ['t1', 't2', 't3'].map((t) => join(root, t));
  const h = await bootHarness({ store: 'sqlite', config: { backup: { intervalMs: 250, keep: 2, targets, k: 2 } } });
  try {
    const scheduler = h.platform.services.backups!;
    const admin = await h.as('root-admin');
    const tenantAdmin = await h.as(h.tenants.a.users['tenant-admin']);
    const operator = await h.as(h.tenants.a.users.operator);

    await expect.poll(() => scheduler.last(), { timeout: 20_000 }).not.toBeNull();
    await scheduler.runOnce();
    const last = await scheduler.runOnce();
    expect(last.ok).toBe(true);
    expect(last.verification?.ok).toBe(true);
    expect(last.stores).toEqual(expect.arrayContaining(['_platform', 'tenant-a', 'tenant-b']));
    await scheduler.stop();
    for (const t of targets) expect(await readdir(t)).toHaveLength(2); // BACKUP_KEEP = 2

    const full = await admin.get('/api/v1/backups/last');
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({ ok: true, verification: { ok: true }, k: 2, n: 3 });
    expect(full.body.targets).toHaveLength(3);
    const narrowed = await tenantAdmin.get('/api/v1/backups/last');
    expect(narrowed.status).toBe(200);
    expect(narrowed.body).toMatchObject({ ok: true, tenant: 'tenant-a', includesTenant: true, verification: { ok: true } });
    expect(JSON.stringify(narrowed.body)).not.toContain('tenant-b');
    expect(JSON.stringify(narrowed.body)).not.toContain(root);
    const refused = await operator.get('/api/v1/backups/last');
    expect(refused.status).toBe(403);
    expect(refused.contentType).toContain('application/problem+json');

    // A target that cannot be written: the run fails, is audited as a failure and shown.
    await rm(targets[2]!, { recursive: true, force: true });
    writeFileSync(targets[2]!, 'not a directory');
    const failed = await scheduler.runOnce();
    expect(failed.ok).toBe(false);
    expect(failed.error).toMatch(/could not be written/);
    expect((await admin.get('/api/v1/backups/last')).body).toMatchObject({ ok: false });

    const entries = (await h.platform.services.audit.admin.list('_platform', { limit: 1000 })).entries.filter((e) => e.action === 'backup.scheduled');
    expect(entries.filter((e) => e.outcome === 'success').length).toBeGreaterThanOrEqual(3);
    expect(entries.at(-1)?.outcome).toBe('failure');
  } finally {
    await h.close();
  }
});

it('the last backup and its verification are shown at once after a restart, before any new run (ASVS 8.1.5)', { timeout: 120_000 }, async () => {
  const targets = ['r1', 'r2'].map((t) => join(root, t));
  const dataDir = join(root, 'restart-data');
  const config = { backup: { intervalMs: 3_600_000, keep: 3, targets, k: 1 } };
  const first = await bootHarness({ store: 'sqlite', dataDir, config });
  let run;
  try {
    run = await first.platform.services.backups!.runOnce();
    expect(run.ok).toBe(true);
  } finally {
    await first.close({ keepData: true });
  }
  const again = await bootHarness({ store: 'sqlite', dataDir, provision: false, config });
  try {
    const full = await (await again.as('root-admin')).get('/api/v1/backups/last');
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({ id: run.id, startedAt: run.startedAt, ok: true, verification: { ok: true, at: run.verification!.at }, stores: ['_platform', 'tenant-a', 'tenant-b'] });
    expect(full.body.targets.map((t: { label: string }) => t.label)).toEqual(targets);
    const narrowed = await (await again.as(again.tenants.a.users['tenant-admin'])).get('/api/v1/backups/last');
    expect(narrowed.body).toMatchObject({ id: run.id, includesTenant: true, verification: { ok: true } });
    // Kept sealed in the platform store, like every record there.
    const raw = await (await again.platform.services.storage.platform()).get('backup.last-run', 'default');
    expect(raw?.body.includes(Buffer.from(run.id!))).toBe(false);
  } finally {
    await again.close();
  }
});

it('GET /api/v1/backups/last is a 404 problem when scheduling is off', async () => {
  const h = await bootHarness({ store: 'sqlite' });
  try {
    const res = await (await h.as('root-admin')).get('/api/v1/backups/last');
    expect(res.status).toBe(404);
    expect(res.contentType).toContain('application/problem+json');
  } finally {
    await h.close();
  }
});
