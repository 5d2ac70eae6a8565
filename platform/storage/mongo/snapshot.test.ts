// The MongoDB snapshot reader in use: a backup taken from MongoDB restores into sqlite and
// verifies, and a migration memory → MongoDB → sqlite keeps every value openable and every chain
// verifiable. The reader's own contract runs in ./mongo.test.ts. Needs a server
// (test/support/mongo.ts); without one the suite is registered as skipped, with the reason.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MONGO_SKIP_NOTICE, dropMongoPrefixed, findMongo } from '../../../test/support/mongo.ts';
import { MemoryTarget } from '../../../validation/support/backup-rig.ts';
import { takeBackup } from '../../backup/backup.ts';
import { rebuildBackup } from '../../backup/rebuild.ts';
import { restoreBackup } from '../../backup/restore.ts';
import { snapshotSourceOf } from '../../backup/snapshot.ts';
import { EnvMasterKeyProvider } from '../../crypto/master-key.ts';
import { createMemoryStorage } from '../memory/index.ts';
import { migrateStores } from '../migration/migrate.ts';
import { TENANTS, openEverything, seedStores, verifyChains } from '../migration/seed.fixture.ts';
import { createSqliteStorage, type SqliteStorage } from '../sqlite/index.ts';
import { createMongoStorage, type MongoStorage } from './provider.ts';

const target = await findMongo();
if (!target) console.warn(MONGO_SKIP_NOTICE);

describe.skipIf(!target)(`mongo snapshot reader in backups and migrations${target ? '' : ` — ${MONGO_SKIP_NOTICE}`}`, () => {
  const prefix = `cs${randomBytes(3).toString('hex')}_`;
  const master = new EnvMasterKeyProvider(randomBytes(32).toString('hex'));
  let mongo: MongoStorage;
  let sqlite: SqliteStorage;
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custodia-mongosnap-'));
    mongo = await createMongoStorage({ dataDir: dir, mongodbUri: target!.uri }, { dbPrefix: prefix });
    sqlite = await createSqliteStorage({ dataDir: join(dir, 'sqlite') });
  });
  afterEach(async () => {
    await mongo.close();
    await sqlite.close();
    await dropMongoPrefixed(target!.uri, prefix);
    await rm(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await target?.stop();
  });

  it('a backup taken from MongoDB restores into sqlite, verified', async () => {
    await seedStores(mongo, master);
    const source = snapshotSourceOf(mongo);
    expect(source).not.toBeNull();
    const targets = [new MemoryTarget('m0'), new MemoryTarget('m1'), new MemoryTarget('m2')];
    const taken = await takeBackup({ source: source!, of: { platform: true }, targets, k: 2, master });
    expect(taken.manifest.stores.map((s) => s.scope)).toEqual(['_platform', ...TENANTS]);

    const backup = await rebuildBackup({ targets, master });
    const report = await restoreBackup({ backup, storage: sqlite, master });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(await openEverything(sqlite, master)).toEqual(await openEverything(mongo, master));
  });

  it('a migration memory → MongoDB → sqlite keeps every value openable and every chain verifiable', async () => {
    const memory = createMemoryStorage();
    try {
      const publicKey = await seedStores(memory, master);
      const expected = await openEverything(memory, master);
      const there = await migrateStores({ from: memory, to: mongo, which: { all: true }, master });
      expect(there.checks.filter((c) => !c.ok)).toEqual([]);
      const back = await migrateStores({ from: mongo, to: sqlite, which: { all: true }, master });
      expect(back.checks.filter((c) => !c.ok)).toEqual([]);
      expect(await openEverything(sqlite, master)).toEqual(expected);
      for (const verdict of Object.values(await verifyChains(sqlite, publicKey))) expect(verdict).toMatch(/^ok /);
    } finally {
      await memory.close();
    }
  });
});
