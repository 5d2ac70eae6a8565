// Backups per region (docs/backup.md "Backups per region"): on a two-region platform, the
// scheduled and the manual backups of a tenant go to its region's targets only — a raw scan of
// the other region's targets (directories and an S3 bucket) and of its rebuilt, decompressed
// backups finds no byte of the tenant — and `npm run restore` / `audit:verify` work per region.
import { existsSync, mkdtempSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import { verifyAll } from '../../scripts/audit-verify.ts';
import { main as backupMain } from '../../scripts/backup.ts';
import { main as restoreMain } from '../../scripts/restore.ts';
import { decodedBackups, hitsIn, tenantNeedles } from '../../validation/support/backup-scan.ts';
import { bootHarness } from '../../validation/support/harness.ts';
import { startLocalS3, useS3rverCredentials, type LocalS3 } from '../../validation/support/s3-server.ts';
import { scanDir } from '../../validation/support/scan.ts';

const SOUTH = 'tenant-s';
const root = mkdtempSync(join(tmpdir(), 'custodia-bregions-'));
const inTenant = <T>(tenantId: string, fn: () => Promise<T>) => runInTenant(systemContext('test', asTenantId(tenantId)), fn);
let s3: LocalS3;
let restoreEnv: () => void;
beforeAll(async () => {
  restoreEnv = useS3rverCredentials();
  s3 = await startLocalS3(['west-bucket', 'south-bucket']);
});
afterAll(async () => {
  await s3.close();
  restoreEnv();
  await rm(root, { recursive: true, force: true });
});

async function run(main: (argv: string[], env: NodeJS.ProcessEnv) => Promise<number>, argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void lines.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation((...a) => void lines.push(a.join(' ')));
  try {
    return { code: await main(argv, env), out: lines.join('\n') };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

it('a tenant is backed up to its own region\'s targets only, and restored and verified per region (GDPR art. 44, ASVS 8.1.5)', { timeout: 120_000 }, async () => {
  const west = join(root, 'west');
  const south = join(root, 'south');
  const home = join(root, 'home');
  const homeTargets = [join(root, 'home-a'), join(root, 'home-b')];
  const westDirs = [join(root, 'west-a')];
  const southDirs = [join(root, 'south-a')];
  const westTargets = [...westDirs, s3.target('west-bucket', 'custodia')];
  const southTargets = [...southDirs, s3.target('south-bucket', 'custodia')];
  const regions = { 'eu-west': { dataDir: west, backupTargets: westTargets, backupK: 1 }, 'eu-south': { dataDir: south, backupTargets: southTargets, backupK: 1 } };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CUSTODIA_DATA_DIR: home,
    CUSTODIA_REGIONS: JSON.stringify({ 'eu-west': { store: west, backupTargets: westTargets, backupK: 1 }, 'eu-south': { store: south, backupTargets: southTargets, backupK: 1 } }),
  };
  delete env.CUSTODIA_MASTER_KEY;
  delete env.MONGODB_URI;
  delete env.CUSTODIA_STORE_URL;

  const h = await bootHarness({ store: 'sqlite', dataDir: home, config: { regions, backup: { intervalMs: 3_600_000, keep: 5, targets: homeTargets, k: 1 } } });
  try {
    const admin = await h.as('root-admin');
    expect((await admin.post('/api/v1/tenants', { id: SOUTH, name: 'South Operator', region: 'eu-south' })).status).toBe(201);
    const t0 = 1_700_000_000_000;
    await inTenant(SOUTH, () => h.platform.services.series.append(Array.from({ length: 30 }, (_, i) => ({ series: 's-probe', id: `s-${i}`, ts: t0 + i, subject: null, data: { value: i } }))));
    await inTenant('tenant-a', () => h.platform.services.series.append(Array.from({ length: 20 }, (_, i) => ({ series: 'w-probe', id: `w-${i}`, ts: t0 + i, subject: null, data: { value: i } }))));
    const notes = await h.platform.services.scopes.records(SOUTH);
    await notes.put('note', 'n-1', { text: 'synthetic south note' });
    await h.platform.services.audit.record(SOUTH, { actor: 'system:test', action: 'test.write', target: 'note:n-1', outcome: 'success' });

    // Scheduled: one run per schedule, each holding only its own stores.
    const runs = await h.platform.services.backups!.runAll();
    const byRegion = Object.fromEntries(runs.map((r) => [r.region ?? 'default', r]));
    expect(runs.every((r) => r.ok && r.verification?.ok)).toBe(true);
    expect(byRegion.default!.stores).toEqual(['_platform']);
    expect(byRegion['eu-west']!.stores).toEqual(['tenant-a', 'tenant-b']);
    expect(byRegion['eu-south']!.stores).toEqual([SOUTH]);
    const last = await admin.get('/api/v1/backups/last');
    expect(last.body.regions.map((r: { region: string; last: { stores: string[] } }) => [r.region, r.last.stores])).toEqual([
      ['eu-south', [SOUTH]],
      ['eu-west', ['tenant-a', 'tenant-b']],
    ]);
    const westAdmin = await h.as(h.tenants.a.users['tenant-admin']);
    expect((await westAdmin.get('/api/v1/backups/last')).body).toMatchObject({ id: byRegion['eu-west']!.id, includesTenant: true });

    // Manual: by tenant → region, and by --region; the region's own targets by default.
    const byTenant = await run(backupMain, ['--tenant', SOUTH], env);
    expect(byTenant.out).toMatch(/written and read back/);
    expect(byTenant.code).toBe(0);
    expect(byTenant.out).toContain(`from ${south}`);
    const byRegionCli = await run(backupMain, ['--region', 'eu-south'], env);
    expect(byRegionCli.code).toBe(0);
    expect(byRegionCli.out).toMatch(/backing up the tenants of region eu-south/);

    // Raw scan: nothing of the south tenant in west's targets, the default targets, or in west's
    // rebuilt backups; the same scan finds it in south's (control).
    const needles = await tenantNeedles(south, SOUTH);
    expect(needles.length).toBeGreaterThan(30);
    for (const dir of [...westDirs, join(s3.directory, 'west-bucket'), ...homeTargets]) expect(scanDir(dir, needles)).toEqual([]);
    const westDecoded = await decodedBackups(westTargets, home);
    expect(westDecoded.scopes.length).toBeGreaterThan(0);
    expect(westDecoded.scopes).not.toContain(SOUTH);
    expect(hitsIn(westDecoded.bytes, needles)).toBe(0);
    // The default backup is the platform store, which names every tenant (registry, platform
    // audit) but holds none of their data.
    const homeDecoded = await decodedBackups(homeTargets, home);
    expect(homeDecoded.scopes).toEqual(['_platform']);
    expect(hitsIn(homeDecoded.bytes, needles.filter((n) => n !== SOUTH))).toBe(0);
    const southDecoded = await decodedBackups(southTargets, home);
    expect(new Set(southDecoded.scopes)).toEqual(new Set([SOUTH]));
    expect(hitsIn(southDecoded.bytes, needles)).toBe(needles.length);
    expect(hitsIn(westDecoded.bytes, await tenantNeedles(west, 'tenant-a'))).toBeGreaterThan(0); // control for west
  } finally {
    await h.close({ keepData: true });
  }

  // Region eu-south lost: restore its newest backup into its own location, verify its chains.
  await rm(south, { recursive: true, force: true });
  const wrongRegion = await run(restoreMain, ['--from', ...southTargets, '--region', 'eu-west'], env);
  expect(wrongRegion).toMatchObject({ code: 1, out: expect.stringMatching(/the backup is of region eu-south; it is not restored into region eu-west/) });
  expect(existsSync(join(south, 'tenants'))).toBe(false);
  const restored = await run(restoreMain, ['--from', ...southTargets], env);
  expect(restored.out).toMatch(new RegExp(`into region eu-south: ${south.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  expect(restored.out).toMatch(/restore verified\./);
  expect(restored.code).toBe(0);
  expect(await readdir(join(south, 'tenants'))).toEqual([`${SOUTH}.db`]);

  const chains = await verifyAll(home, { region: 'eu-south' }, env);
  expect(chains.map((c) => [c.scope, c.ok])).toEqual([
    ['_platform', true],
    [SOUTH, true],
  ]);
  const all = await verifyAll(home, {}, env);
  expect(all.map((c) => c.scope).sort()).toEqual(['_platform', SOUTH, 'tenant-a', 'tenant-b'].sort());
  expect(all.every((c) => c.ok)).toBe(true);

  const again = await bootHarness({ store: 'sqlite', dataDir: home, provision: false, config: { regions } });
  try {
    const notes = await again.platform.services.scopes.records(SOUTH);
    expect((await notes.get<{ text: string }>('note', 'n-1'))?.data.text).toBe('synthetic south note');
    expect(await inTenant(SOUTH, () => again.platform.services.series.range('s-probe')).then((r) => r.length)).toBe(30);
  } finally {
    await again.close();
  }
});
