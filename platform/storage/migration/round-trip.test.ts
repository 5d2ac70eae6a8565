// Two hops through a real PostgreSQL server with the migrate command's own code path: sqlite →
// PostgreSQL → sqlite. After both hops every sealed value opens with the master key, the
// crypto-shredded subject stays unreadable, and every audit chain verifies with its signed
// checkpoints. Skips visibly without a server (validation/support/postgres.ts).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_SKIP_NOTICE, createTestDatabase, findPostgres, type TestDatabase } from '../../../validation/support/postgres.ts';
import { EnvMasterKeyProvider } from '../../crypto/master-key.ts';
import { PLATFORM_SCOPE } from '../port.ts';
import { createPostgresStorage } from '../postgres/index.ts';
import { createSqliteStorage } from '../sqlite/index.ts';
import { parseMigrateArgs, runMigration } from './cli.ts';
import { TENANTS, openEverything, seedStores, verifyChains } from './seed.fixture.ts';

const adminUrl = await findPostgres();
if (!adminUrl) console.warn(PG_SKIP_NOTICE);

describe.skipIf(!adminUrl)(`migration round trip sqlite → PostgreSQL → sqlite${adminUrl ? '' : ` — ${PG_SKIP_NOTICE}`}`, () => {
  let db: TestDatabase;
  let root: string;
  const hex = randomBytes(32).toString('hex');
  const master = new EnvMasterKeyProvider(hex);

  beforeAll(async () => {
    db = await createTestDatabase(adminUrl!);
    root = await mkdtemp(join(tmpdir(), 'custodia-roundtrip-'));
  });
  afterAll(async () => {
    await db?.drop();
    await rm(root, { recursive: true, force: true });
  });

  async function migrate(argv: string[]): Promise<{ code: number; out: string }> {
    const args = parseMigrateArgs([...argv, '--sample', '8']);
    if (args === 'help' || 'error' in args) throw new Error(`bad test arguments: ${JSON.stringify(args)}`);
    const lines: string[] = [];
    const code = await runMigration(args, { CUSTODIA_MASTER_KEY: hex }, (l) => lines.push(l));
    return { code, out: lines.join('\n') };
  }

  it('every value opens and every audit chain verifies after two hops', async () => {
    const first = join(root, 'first');
    const last = join(root, 'last');
    const seeded = await createSqliteStorage({ dataDir: first });
    const publicKey = await seedStores(seeded, master);
    const expected = await openEverything(seeded, master);
    await seeded.close();
    expect(expected).toMatchObject({ erased: 2, failures: [] });

    const there = await migrate(['--all', '--from', first, '--to', db.url]);
    expect(there.code, there.out).toBe(0);
    expect(there.out).toContain('all checks match: every store can run on PostgreSQL (CUSTODIA_STORE_URL=');
    expect(there.out).not.toContain(hex);

    const back = await migrate(['--all', '--from', db.url, '--to', last]);
    expect(back.code, back.out).toBe(0);
    expect(back.out).toMatch(/ok\s+tenant-b\s+audit chain verifies\s+6 entries\s+6 entries, \d+ checkpoints/);

    const pg = await createPostgresStorage({ storeUrl: db.url });
    const final = await createSqliteStorage({ dataDir: last });
    try {
      expect(await pg.snapshotTenants()).toEqual([...TENANTS]);
      expect(await openEverything(pg, master)).toEqual(expected);
      expect(await openEverything(final, master)).toEqual(expected);
      const chains = await verifyChains(final, publicKey);
      expect(Object.keys(chains)).toEqual([PLATFORM_SCOPE, ...TENANTS]);
      for (const [scope, verdict] of Object.entries(chains)) expect(verdict, scope).toMatch(/^ok \d+ entries, [1-9]\d* checkpoints$/);
      expect(await verifyChains(pg, publicKey)).toEqual(chains);
    } finally {
      await pg.close();
      await final.close();
    }

    // A second copy into the now-filled PostgreSQL database is refused before writing anything.
    const again = await migrate(['--tenant', 'tenant-a', '--from', first, '--to', db.url]).catch((err: Error) => ({ code: -1, out: err.message }));
    expect(again.out).toMatch(/already holds data for tenant tenant-a; nothing was copied/);
  });
});
