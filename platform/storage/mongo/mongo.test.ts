// The MongoDB adapter against a real server: the shared storage contract (twice: with
// transactions, and with the standalone write path forced), a raw scan of the stored documents,
// and the adapter's own lifecycle rules. A server is found this way:
// test/support/mongo.ts (MONGODB_URI, or MONGOMS_SYSTEM_BINARY for a one-member replica set);
// without one the suites are registered as skipped, with the reason in their name.
import { randomBytes } from 'node:crypto';
import mongoose, { mongo, type Connection } from 'mongoose';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSnapshotContract } from '../../../test/contract/snapshot.contract.ts';
import { runStorageContract, type OpenProvider } from '../../../test/contract/storage.contract.ts';
import { MONGO_SKIP_NOTICE, findMongo } from '../../../test/support/mongo.ts';
import { createKeyring } from '../../crypto/keyring.ts';
import { EnvMasterKeyProvider } from '../../crypto/master-key.ts';
import type { StoredRecord } from '../port.ts';
import { createMongoStorage, type MongoStorage, type MongoStorageOptions } from './provider.ts';

const SKIP_REASON = MONGO_SKIP_NOTICE;

const target = await findMongo();
if (!target) console.warn(SKIP_REASON);

const RUN = randomBytes(3).toString('hex');
let opened = 0;
const freshPrefix = () => `ct${RUN}${(opened++).toString(36)}_`;

let admin: Connection | undefined;

async function adminConnection(): Promise<Connection> {
  admin ??= await mongoose.createConnection(target!.uri, { serverSelectionTimeoutMS: 5000 }).asPromise();
  return admin;
}

/** Drops every database whose name starts with `prefix` (this run's data only). */
async function dropPrefixed(prefix: string): Promise<void> {
  const client = (await adminConnection()).getClient();
  const { databases } = (await client.db('admin').command({
    listDatabases: 1,
    nameOnly: true,
    filter: { name: { $regex: `^${prefix}` } },
  })) as { databases: { name: string }[] };
  for (const { name } of databases) if (name.startsWith(prefix)) await client.db(name).dropDatabase();
}

function contractOpener(options: Omit<MongoStorageOptions, 'uri' | 'dbPrefix'> = {}): OpenProvider {
  // The contract's opaque "dataDir" is the database prefix: reopening with it reaches the same data.
  return async (existing) => {
    const prefix = existing ?? freshPrefix();
    const provider = await createMongoStorage({ dataDir: prefix, mongodbUri: target!.uri }, { ...options, dbPrefix: prefix });
    return {
      provider,
      dataDir: prefix,
      cleanup: async () => {
        await provider.close();
        await dropPrefixed(prefix);
      },
    };
  };
}

afterAll(async () => {
  await admin?.close();
  await target?.stop();
});

describe('mongo adapter start-up', () => {
  it('an unreachable server fails start-up with one line that names it and hides the password', async () => {
    const started = Date.now();
    const failure = createMongoStorage(
      { dataDir: '.', mongodbUri: 'mongodb://app:pw-9d1e@127.0.0.1:1/?authSource=admin' },
      { serverSelectionTimeoutMS: 300 },
    );
    await expect(failure).rejects.toThrow(
      /^MongoDB at mongodb:\/\/app:\*\*\*@127\.0\.0\.1:1\/\?authSource=admin is unreachable \(no usable server answered within 0\.3 s\)/,
    );
    await expect(failure).rejects.not.toThrow(/pw-9d1e|\n/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses to start without a URI', async () => {
    await expect(createMongoStorage({ dataDir: '.' })).rejects.toThrow(/needs MONGODB_URI/);
  });
});

if (target) {
  runStorageContract('mongo', contractOpener());
  runStorageContract('mongo (standalone write path)', contractOpener({ forceStandaloneWrites: true }));
  runSnapshotContract('mongo', async () => {
    const { provider, cleanup } = await contractOpener()();
    return { provider: provider as MongoStorage, cleanup };
  });

  describe('mongo adapter', () => {
    let prefix: string;
    let storage: MongoStorage;

    beforeEach(async () => {
      prefix = freshPrefix();
      storage = await createMongoStorage({ dataDir: prefix, mongodbUri: target.uri }, { dbPrefix: prefix });
    });

    afterEach(async () => {
      await storage.close();
      await dropPrefixed(prefix);
    });

    it('keeps one database per tenant plus the platform’s, named from the prefix', async () => {
      await (await storage.tenant('tenant-a')).commit({ put: [rec('lamp', 'l1', Buffer.from('x'))] });
      await (await storage.platform()).commit({ put: [rec('tenant', 'tenant-a', Buffer.from('y'))] });
      const client = (await adminConnection()).getClient();
      const { databases } = (await client.db('admin').command({ listDatabases: 1, nameOnly: true })) as {
        databases: { name: string }[];
      };
      expect(databases.map((d) => d.name).filter((n) => n.startsWith(prefix)).sort()).toEqual([
        `${prefix}platform`,
        `${prefix}t_tenant-a`,
      ]);
      expect(storage.server.writes).toMatch(/^(transactions|standalone)$/);
    });

    it('a raw scan of the tenant’s documents finds sealed bytes only, stored as Binary', async () => {
      const SENTINEL = 'PLAINTEXT-SENTINEL-4b1d';
      const store = await storage.tenant('tenant-a');
      const keyring = createKeyring({
        master: new EnvMasterKeyProvider(randomBytes(32).toString('hex')),
        storeFor: async () => store,
      });
      const ref = { tenant: 'tenant-a', collection: 'patient', id: 'p1', subject: 'p1' };
      const body = await keyring.sealJson(ref, { note: SENTINEL });
      const pointBody = await keyring.sealJson({ ...ref, collection: 'series', id: 'pt-1' }, { spo2: SENTINEL });
      await store.commit({
        put: [{ ...rec('patient', 'p1', body), subject: 'p1', index: { 't:status': 'active' } }],
        points: [{ series: 'dev-1', id: 'pt-1', ts: 1, subject: 'p1', body: pointBody }],
      });

      const db = (await adminConnection()).getClient().db(storage.databaseName('tenant-a'));
      const needle = Buffer.from(SENTINEL);
      let scanned = 0;
      for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
        for (const doc of await db.collection(name).find({}).toArray()) {
          scanned++;
          expect({ name, found: Buffer.from(mongo.BSON.serialize(doc)).includes(needle) }).toEqual({ name, found: false });
        }
      }
      expect(scanned).toBeGreaterThanOrEqual(4); // record, point, tenant + index + subject keys, meta

      const raw = await db.collection('records').findOne({ kind: 'patient', id: 'p1' });
      expect(raw?.body).toBeInstanceOf(mongo.Binary);
      expect(Buffer.from((raw!.body as mongo.Binary).value()).equals(body)).toBe(true);
      expect(raw?.index).toEqual([{ n: 't:status', v: 'active' }]);
      // Positive control: the same bytes open to the sentinel through the adapter and the keyring.
      expect(await keyring.openJson(ref, (await store.get('patient', 'p1'))!.body)).toEqual({ note: SENTINEL });
    });

    it('a store handed out before dropTenant refuses to write instead of recreating the database', async () => {
      const store = await storage.tenant('tenant-a');
      await store.commit({ put: [rec('lamp', 'l1', Buffer.from('x'))] });
      await storage.dropTenant('tenant-a');
      await expect(store.commit({ put: [rec('lamp', 'l2', Buffer.from('x'))] })).rejects.toThrow(/dropped/);
      expect(await store.ping()).toBe(false);
      expect(await (await storage.tenant('tenant-a')).get('lamp', 'l1')).toBeNull();
    });

    it('ping answers false once the connection is closed', async () => {
      const store = await storage.platform();
      expect(await store.ping()).toBe(true);
      await storage.close();
      expect(await store.ping()).toBe(false);
    });

    it('a body stored by another program as a string is refused on read, not handed to the keyring', async () => {
      const store = await storage.tenant('tenant-a');
      await store.commit({ put: [rec('lamp', 'l1', Buffer.from('x'))] });
      const db = (await adminConnection()).getClient().db(storage.databaseName('tenant-a'));
      await db.collection('records').updateOne({ kind: 'lamp', id: 'l1' }, { $set: { body: 'plaintext' } });
      await expect(store.get('lamp', 'l1')).rejects.toThrow(/not binary/);
    });
  });
} else {
  describe.skip(`storage contract: mongo — ${SKIP_REASON}`, () => {
    it('runs the shared storage contract, a raw document scan and the lifecycle checks against MongoDB', () => {
      expect.unreachable();
    });
  });
}

function rec(kind: string, id: string, body: Buffer): StoredRecord {
  return { kind, id, subject: null, index: {}, body, createdAt: 1, updatedAt: 1 };
}
