// The PostgreSQL adapter against a real server: the shared storage contract, tenant isolation
// inside the database (crafted ids, a schema renamed onto another tenant's name, unqualified
// names), durability settings, connection loss, and the one-line start-up failure. The server
// comes from validation/support/postgres.ts; this file works in a database of its own, dropped after.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runSnapshotContract } from '../../../test/contract/snapshot.contract.ts';
import { runStorageContract, type OpenProvider } from '../../../test/contract/storage.contract.ts';
import { PG_SKIP_NOTICE, createTestDatabase, findPostgres, type TestDatabase } from '../../../validation/support/postgres.ts';
import { startTcpRelay, viaRelay, type TcpRelay } from '../../../test/support/tcp-relay.ts';
import { createKeyring } from '../../crypto/keyring.ts';
import { EnvMasterKeyProvider } from '../../crypto/master-key.ts';
import type { StoredRecord } from '../port.ts';
import { main as migrateMain } from '../../../scripts/migrate.ts';
import { createSqliteStorage } from '../sqlite/index.ts';
import { createPostgresStorage, redactPgUrl, type PostgresStorage } from './provider.ts';
import { mergePuts } from './rows.ts';

const adminUrl = await findPostgres();
if (!adminUrl) console.warn(PG_SKIP_NOTICE);

const RUN = randomBytes(3).toString('hex');
let opened = 0;
const freshPrefix = () => `ct${RUN}${(opened++).toString(36)}_`;

let db: TestDatabase | undefined;
let admin: pg.Pool | undefined;

/** A pool on this file's database for raw checks (the test role owns every schema). */
const raw = (): pg.Pool => (admin ??= new pg.Pool({ connectionString: db!.url, max: 2 }));

async function dropPrefixed(prefix: string): Promise<void> {
  const res = await raw().query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)', [prefix]);
  for (const { nspname } of res.rows) await raw().query(`DROP SCHEMA ${pg.escapeIdentifier(nspname)} CASCADE`);
}

describe('postgres adapter start-up', () => {
  it('an unreachable server fails start-up with one line that names it and hides the password', async () => {
    const failure = createPostgresStorage(
      { storeUrl: 'postgres://app:pw-9d1e@127.0.0.1:1/custodia' },
      { connectTimeoutMs: 300 },
    );
    await expect(failure).rejects.toThrow(/^PostgreSQL at postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/custodia is unreachable/);
    await expect(failure).rejects.not.toThrow(/pw-9d1e|\n/);
  });

  it('redacts the password and secret parameters of a URL for logs', () => {
    expect(redactPgUrl('postgresql://u:s3cr%40t@db:5432/x?sslmode=require&password=p2')).toBe(
      'postgresql://u:***@db:5432/x?sslmode=require&password=***',
    );
    expect(redactPgUrl('postgres://db/x')).toBe('postgres://db/x');
  });

  it('refuses to start without a postgres:// URL', async () => {
    await expect(createPostgresStorage({})).rejects.toThrow(/needs CUSTODIA_STORE_URL/);
  });

  it('merges puts of one (kind, id) in a batch: the last wins, the first createdAt stays', () => {
    const a = rec('lamp', 'l1', Buffer.from('1'), { createdAt: 5, updatedAt: 5 });
    const b = rec('lamp', 'l2', Buffer.from('2'));
    const c = rec('lamp', 'l1', Buffer.from('3'), { createdAt: 9, updatedAt: 9 });
    expect(mergePuts([a, b, c])).toEqual([b, { ...c, createdAt: 5 }]);
  });
});

if (adminUrl) {
  beforeAll(async () => {
    db = await createTestDatabase(adminUrl);
  });
  afterAll(async () => {
    await admin?.end();
    await db?.drop();
  });

  const contractOpener: OpenProvider = async (existing) => {
    // The contract's opaque "dataDir" is the schema prefix: reopening with it reaches the same data.
    const prefix = existing ?? freshPrefix();
    const provider = await createPostgresStorage({ storeUrl: db!.url }, { schemaPrefix: prefix, poolSize: 2 });
    return {
      provider,
      dataDir: prefix,
      cleanup: async () => {
        await provider.close();
        await dropPrefixed(prefix);
      },
    };
  };
  runStorageContract('postgres', contractOpener);
  runSnapshotContract('postgres', async () => {
    const { provider, cleanup } = await contractOpener();
    return { provider: provider as PostgresStorage, cleanup };
  });

  describe('postgres adapter', () => {
    let prefix: string;
    let storage: PostgresStorage;

    beforeEach(async () => {
      prefix = freshPrefix();
      storage = await createPostgresStorage({ storeUrl: db!.url }, { schemaPrefix: prefix, poolSize: 2 });
    });

    afterEach(async () => {
      await storage.close();
      await dropPrefixed(prefix);
    });

    it('keeps one schema per tenant plus the platform’s, named from the prefix', async () => {
      await (await storage.tenant('tenant-a')).commit({ put: [rec('lamp', 'l1', Buffer.from('x'))] });
      const res = await raw().query<{ nspname: string }>(
        'SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1) ORDER BY nspname',
        [prefix],
      );
      expect(res.rows.map((r) => r.nspname)).toEqual([`${prefix}platform`, `${prefix}t_tenant-a`]);
      expect(storage.schemaName('tenant-a')).toBe(`${prefix}t_tenant-a`);
    });

    it('a store of tenant A reads nothing of tenant B, whatever ids it is handed (ASVS 4.1.1, 5.3.4)', async () => {
      const a = await storage.tenant('tenant-a');
      const b = await storage.tenant('tenant-b');
      await b.commit({
        put: [rec('patient', 'p1', Buffer.from('b-secret'), { subject: 's1', index: { mrn: 'bi-1' } })],
        points: [{ series: 'dev-1', id: 'pt-1', ts: 1, subject: 's1', body: Buffer.from('b-point') }],
      });
      await b.putKey({ scope: 'subject:s1', version: 1, wrapped: Buffer.from('b-key'), wrappedBy: 't:v1', createdAt: 1 });
      const schemaB = storage.schemaName('tenant-b');
      const crafted = [
        'p1',
        "p1' OR '1'='1",
        `p1'; SELECT * FROM "${schemaB}".records; --`,
        `x' UNION SELECT kind, id, subject, body, idx, created_at, updated_at FROM "${schemaB}".records --`,
        `"${schemaB}".records`,
        '../tenant-b/p1',
        'tenant-b:p1',
        'p1\u0000',
      ];
      for (const id of crafted) {
        expect(await a.get('patient', id), id).toBeNull();
        expect(await a.find({ kind: 'patient', subject: id }), id).toEqual([]);
        expect(await a.find({ kind: 'patient', where: { mrn: id, [id]: 'bi-1' } }), id).toEqual([]);
        expect(await a.count(id), id).toBe(0);
        expect(await a.range({ series: id }), id).toEqual([]);
        expect(await a.latest(id), id).toBeNull();
        expect(await a.getKeys(id), id).toEqual([]);
        expect(await a.listKeyScopes(id), id).toEqual([]);
      }
      expect(await a.find({ kind: 'patient', where: { mrn: 'bi-1' } })).toEqual([]);
      expect(await a.countPoints()).toBe(0);
      // Positive control: the same reads through B find its data.
      expect((await b.get('patient', 'p1'))?.body.toString()).toBe('b-secret');
      expect(await b.find({ kind: 'patient', where: { mrn: 'bi-1' } })).toHaveLength(1);
      // A tenant id that is not a plain name never becomes a schema name.
      for (const bad of ['tenant-b"; DROP SCHEMA x; --', 'Tenant-B', 'tenant_b', 'tenant-b.records']) {
        await expect(storage.tenant(bad), bad).rejects.toThrow(/invalid tenant id/);
      }
    });

    it('refuses a tenant schema that was renamed onto another tenant’s name', async () => {
      await (await storage.tenant('tenant-a')).commit({ put: [rec('lamp', 'l1', Buffer.from('x'))] });
      await storage.close();
      await raw().query(`ALTER SCHEMA ${pg.escapeIdentifier(`${prefix}t_tenant-a`)} RENAME TO ${pg.escapeIdentifier(`${prefix}t_tenant-b`)}`);
      storage = await createPostgresStorage({ storeUrl: db!.url }, { schemaPrefix: prefix, poolSize: 2 });
      await expect(storage.tenant('tenant-b')).rejects.toThrow(/belongs to scope "tenant-a"/);
    });

    it('sessions run with synchronous_commit on and no application schema on the search path', async () => {
      // Even when the database's default says otherwise, the adapter's sessions override it.
      await raw().query(`ALTER DATABASE ${pg.escapeIdentifier(db!.name)} SET synchronous_commit = off`);
      try {
        const fresh = await createPostgresStorage({ storeUrl: db!.url }, { schemaPrefix: prefix, poolSize: 1 });
        try {
          expect(await fresh.sessionSettings()).toEqual({ synchronousCommit: 'on', searchPath: 'pg_catalog' });
        } finally {
          await fresh.close();
        }
      } finally {
        await raw().query(`ALTER DATABASE ${pg.escapeIdentifier(db!.name)} RESET synchronous_commit`);
      }
    });

    it('the audit table rejects updates, deletes and truncation even through raw SQL', async () => {
      const store = await storage.tenant('tenant-a');
      await store.appendAudit([
        { seq: 1, ts: 1, actor: 'a', action: 'x', target: 't', outcome: 'success', details: '{}', prevHash: 'h0', hash: 'h1' },
      ]);
      const audit = `${pg.escapeIdentifier(storage.schemaName('tenant-a'))}.audit`;
      await expect(raw().query(`UPDATE ${audit} SET actor = 'b'`)).rejects.toThrow(/append-only/);
      await expect(raw().query(`DELETE FROM ${audit}`)).rejects.toThrow(/append-only/);
      await expect(raw().query(`TRUNCATE ${audit}`)).rejects.toThrow(/append-only/);
      expect((await store.lastAudit())?.actor).toBe('a');
    });

    it('a raw scan of the tenant’s tables finds sealed bytes only, stored as bytea', async () => {
      const SENTINEL = 'PLAINTEXT-SENTINEL-6c2e';
      const store = await storage.tenant('tenant-a');
      const keyring = createKeyring({
        master: new EnvMasterKeyProvider(randomBytes(32).toString('hex')),
        storeFor: async () => store,
      });
      const ref = { tenant: 'tenant-a', collection: 'patient', id: 'p1', subject: 'p1' };
      const body = await keyring.sealJson(ref, { note: SENTINEL });
      await store.commit({ put: [{ ...rec('patient', 'p1', body), subject: 'p1', index: { 't:status': 'active' } }] });
      const schema = pg.escapeIdentifier(storage.schemaName('tenant-a'));
      let scanned = 0;
      for (const table of ['records', 'points', 'keys', 'meta']) {
        const rows = (await raw().query(`SELECT t::text AS line FROM ${schema}.${table} t`)).rows as { line: string }[];
        for (const { line } of rows) {
          scanned++;
          expect({ table, found: line.includes(SENTINEL) }).toEqual({ table, found: false });
        }
      }
      expect(scanned).toBeGreaterThanOrEqual(4);
      const type = await raw().query(`SELECT pg_typeof(body)::text AS t FROM ${schema}.records`);
      expect(type.rows[0].t).toBe('bytea');
      expect(await keyring.openJson(ref, (await store.get('patient', 'p1'))!.body)).toEqual({ note: SENTINEL });
    });

    it('a store handed out before dropTenant refuses to write instead of recreating the schema', async () => {
      const store = await storage.tenant('tenant-a');
      await store.commit({ put: [rec('lamp', 'l1', Buffer.from('x'))] });
      await storage.dropTenant('tenant-a');
      await expect(store.commit({ put: [rec('lamp', 'l2', Buffer.from('x'))] })).rejects.toThrow(/dropped/);
      expect(await store.ping()).toBe(false);
      expect(await (await storage.tenant('tenant-a')).get('lamp', 'l1')).toBeNull();
    });

    it('ping answers false once the provider is closed', async () => {
      const store = await storage.platform();
      expect(await store.ping()).toBe(true);
      await storage.close();
      expect(await store.ping()).toBe(false);
    });
  });

  describe('postgres adapter when the server goes away', () => {
    let relay: TcpRelay;
    let storage: PostgresStorage;
    const prefix = freshPrefix();

    beforeEach(async () => {
      const target = new URL(db!.url);
      relay = await startTcpRelay(target.hostname, Number(target.port || 5432));
      storage = await createPostgresStorage({ storeUrl: viaRelay(db!.url, relay) }, { schemaPrefix: prefix, poolSize: 2, connectTimeoutMs: 1000 });
    });

    afterEach(async () => {
      await storage.close();
      if (relay.listening) await relay.cut();
      await dropPrefixed(prefix);
    });

    it('a commit fails and ping answers false while the server is unreachable; both recover after', async () => {
      const store = await storage.tenant('tenant-a');
      await store.commit({ points: [{ series: 'd', id: 'p0', ts: 0, subject: null, body: Buffer.from('x') }] });
      expect(await store.ping()).toBe(true);

      await relay.cut();
      await expect(
        store.commit({ points: [{ series: 'd', id: 'p1', ts: 1, subject: null, body: Buffer.from('x') }] }),
      ).rejects.toThrow();
      expect(await store.ping()).toBe(false);

      await relay.restore();
      await expect.poll(() => store.ping(), { timeout: 5000 }).toBe(true);
      await store.commit({ points: [{ series: 'd', id: 'p2', ts: 2, subject: null, body: Buffer.from('x') }] });
      expect((await store.range({ series: 'd' })).map((p) => p.id)).toEqual(['p0', 'p2']);
    });
  });
  describe('migration from sqlite to postgres', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'custodia-pgmigrate-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
      await dropPrefixed('custodia_');
    });

    it('npm run migrate copies a tenant store as stored bytes, verifies it, and refuses a second copy without --replace', async () => {
      const source = await createSqliteStorage({ dataDir: dir });
      const s = await source.tenant('tenant-a');
      const put = [rec('lamp', 'l1', randomBytes(40), { index: { 't:group': 'g1' }, createdAt: 5, updatedAt: 7 })];
      const points = [1, 2, 3].map((i) => ({ series: 'lamp-1', id: `pt-${i}`, ts: i, subject: null, body: randomBytes(30) }));
      await s.commit({ put, points });
      await s.putKey({ scope: 'tenant', version: 1, wrapped: randomBytes(60), wrappedBy: 'master:v1', createdAt: 1 });
      await s.appendAudit([
        { seq: 1, ts: 1, actor: 'a', action: 'x', target: 't', outcome: 'success', details: '{}', prevHash: 'h0', hash: 'h1' },
      ]);
      await source.close();

      const out: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
      let first: number;
      let second: number;
      try {
        const argv = ['--tenant', 'tenant-a', '--to', db!.url, '--from-data-dir', dir, '--sample', '0'];
        first = await migrateMain(argv, {});
        second = await migrateMain(argv, {});
      } finally {
        process.stdout.write = write;
      }
      expect(first, out.join('')).toBe(0);
      expect(out.join('')).toContain('all checks match: tenant tenant-a can run on PostgreSQL (CUSTODIA_STORE_URL=');
      expect(second).toBe(1);

      const target = await createPostgresStorage({ storeUrl: db!.url });
      try {
        const t = await target.tenant('tenant-a');
        expect(await t.get('lamp', 'l1')).toEqual(put[0]);
        expect(await t.range({ series: 'lamp-1' })).toEqual(points);
        expect((await t.lastAudit())?.hash).toBe('h1');
      } finally {
        await target.close();
      }
    });
  });
} else {
  describe.skip(`storage contract: postgres — ${PG_SKIP_NOTICE}`, () => {
    it('runs the shared storage contract and the isolation and durability checks against PostgreSQL', () => {
      expect.unreachable();
    });
  });
}

function rec(kind: string, id: string, body: Buffer, over: Partial<StoredRecord> = {}): StoredRecord {
  return { kind, id, subject: null, index: {}, body, createdAt: 1, updatedAt: 1, ...over };
}
