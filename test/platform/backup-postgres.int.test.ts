// The restore drill with PostgreSQL as the source and SQLite as the destination (docs/backup.md):
// the backup reads each PostgreSQL store in one REPEATABLE READ snapshot while the platform
// keeps writing; the restore into an empty sqlite data directory holds everything committed up
// to the snapshot and nothing later, every value opens and every audit chain verifies.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { postgresSnapshots } from '../../platform/backup/snapshot.ts';
import { createPostgresStorage } from '../../platform/storage/postgres/index.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import { verifyAll } from '../../scripts/audit-verify.ts';
import { main as backupMain } from '../../scripts/backup.ts';
import { main as restoreMain } from '../../scripts/restore.ts';
import { bootHarness } from '../../validation/support/harness.ts';
import { PG_SKIP_NOTICE, findPostgres } from '../../validation/support/postgres.ts';

const pgUrl = await findPostgres();
if (!pgUrl) console.warn(PG_SKIP_NOTICE);
const inTenant = <T>(tenantId: string, fn: () => Promise<T>) => runInTenant(systemContext('test', asTenantId(tenantId)), fn);
const scratch = await mkdtemp(join(tmpdir(), 'custodia-pg-drill-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function run(main: (argv: string[], env: NodeJS.ProcessEnv) => Promise<number>, argv: string[], extra: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void lines.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation((...a) => void lines.push(a.join(' ')));
  try {
    const env = { ...process.env, ...extra };
    for (const name of ['CUSTODIA_MASTER_KEY', 'MONGODB_URI', 'CUSTODIA_DATA_DIR']) delete env[name];
    if (!extra.CUSTODIA_STORE_URL) delete env.CUSTODIA_STORE_URL;
    return { code: await main(argv, env), out: lines.join('\n') };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

const point = (i: number, tag: string) => ({ series: 'pg-probe', id: `${tag}-${i}`, ts: 1_700_000_000_000 + i, subject: null, data: { value: i } });

it.skipIf(!pgUrl)('restore drill: PostgreSQL source, SQLite destination, taken while writing (ASVS 8.1.5, ETSI EN 303 645 5.9-1)', { timeout: 120_000 }, async () => {
  const h = await bootHarness({ store: 'postgres', config: { audit: { checkpointEvery: 2 } } });
  const storeUrl = h.config.storeUrl!;
  const series = h.platform.services.series;
  await inTenant('tenant-a', () => series.append(Array.from({ length: 200 }, (_, i) => point(i, 'before'))));
  await inTenant('tenant-b', () => series.append(Array.from({ length: 40 }, (_, i) => point(i, 'b'))));
  for (let i = 0; i < 5; i++) {
    await h.platform.services.audit.record('tenant-a', { actor: 'system:test', action: 'test.write', target: `note:${i}`, outcome: 'success' });
  }

  // The snapshot is pinned when opened: a write committed afterwards is not in it.
  const pg = await createPostgresStorage({ storeUrl });
  try {
    const snapshot = await postgresSnapshots(pg).open('tenant-a');
    await inTenant('tenant-a', () => series.append([point(10_000, 'unseen')]));
    let seen = 0;
    for await (const page of snapshot.points(64)) seen += page.length;
    await snapshot.close();
    expect(seen).toBe(200);
    expect(await postgresSnapshots(pg).tenants()).toEqual(['tenant-a', 'tenant-b']);
  } finally {
    await pg.close();
  }

  // The backup while tenant-a keeps writing.
  const targets = ['t1', 't2', 't3', 't4'].map((t) => join(scratch, t));
  let writing = true;
  let written = 0;
  const writer = (async () => {
    while (writing) await inTenant('tenant-a', () => series.append([point(20_000 + written++, 'during')]));
  })();
  const backup = await run(backupMain, ['--to', ...targets, '--k', '2', '--data-dir', h.config.dataDir], { CUSTODIA_STORE_URL: storeUrl });
  writing = false;
  await writer;
  expect(backup.out).toMatch(/written and read back/);
  expect(backup.out).toContain('from postgres://');
  expect(backup.code).toBe(0);
  expect(written).toBeGreaterThan(0);
  await inTenant('tenant-a', () => series.append(Array.from({ length: 20 }, (_, i) => point(30_000 + i, 'after'))));
  const keyFile = join(h.config.dataDir, 'master.key');
  const keyCopy = join(scratch, 'master.key');
  await (await import('node:fs/promises')).copyFile(keyFile, keyCopy);
  await h.close();

  const dest = join(scratch, 'restored');
  const restored = await run(restoreMain, ['--from', ...targets, '--to-data-dir', dest, '--master-key-file', keyCopy]);
  expect(restored.out).toMatch(/restore verified\./);
  expect(restored.out).not.toMatch(/MISMATCH/);
  expect(restored.code).toBe(0);
  const chains = await verifyAll(dest);
  expect(chains.map((c) => c.scope).sort()).toEqual(['_platform', 'tenant-a', 'tenant-b']);
  expect(chains.every((c) => c.ok)).toBe(true);

  const again = await bootHarness({ store: 'sqlite', dataDir: dest, provision: false });
  try {
    const points = await inTenant('tenant-a', () => again.platform.services.series.range<{ value: number }>('pg-probe', { limit: 100_000 }));
    const ids = new Set(points.map((p) => p.id));
    for (let i = 0; i < 200; i++) expect(ids.has(`before-${i}`)).toBe(true);
    expect(ids.has('unseen-10000')).toBe(true);
    expect([...ids].some((id) => id.startsWith('after-'))).toBe(false);
    // Writes during the backup: a prefix of them (the ones committed before the snapshot).
    const during = [...ids].filter((id) => id.startsWith('during-')).map((id) => Number(id.slice(7)) - 20_000).sort((a, b) => a - b);
    expect(during).toEqual(during.map((_, i) => i));
    expect(points.find((p) => p.id === 'before-77')?.data.value).toBe(77);
    expect(await inTenant('tenant-b', () => again.platform.services.series.count('pg-probe'))).toBe(40);
    expect((await again.as(again.tenants.a.users.operator)).token).toBeTruthy();
  } finally {
    await again.close();
  }
});
