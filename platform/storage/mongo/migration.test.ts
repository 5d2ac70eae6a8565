// The migration's sqlite-reading half, and its copy and checks run against a second sqlite store
// as the target (the Store port is all the copy uses, so no MongoDB is needed for these).
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyring } from '../../crypto/keyring.ts';
import { EnvMasterKeyProvider } from '../../crypto/master-key.ts';
import { ErasedError } from '../../errors.ts';
import type { Keyring } from '../../crypto/types.ts';
import type { Store, StoredAuditEntry } from '../port.ts';
import { createSqliteStorage, type SqliteStorage } from '../sqlite/index.ts';
import {
  Reservoir,
  SERIES_COLLECTION,
  SqliteExport,
  copyStore,
  formatTable,
  keysDigest,
  parseMigrateArgs,
  sqliteFileFor,
  targetHoldsData,
  verifyCopy,
  type CheckRow,
} from './migration.ts';

const TENANT = 'tenant-a';
const T0 = 1_700_000_000_000;

function audit(seq: number): StoredAuditEntry {
  return {
    seq,
    ts: T0 + seq,
    actor: 'system:test',
    action: 'record.read',
    target: `record:r-${seq}`,
    outcome: 'success',
    details: `{"n":${seq}}`,
    prevHash: `h${seq - 1}`,
    hash: `h${seq}`,
  };
}

/** A tenant store with sealed records (tenant key and subject keys), points, a shredded subject,
 *  an audit chain and checkpoints — what a real tenant's file holds. */
async function seedSource(dataDir: string, master: EnvMasterKeyProvider): Promise<void> {
  const storage = await createSqliteStorage({ dataDir });
  try {
    const store = await storage.tenant(TENANT);
    const keyring = createKeyring({ master, storeFor: async () => store });
    const seal = (collection: string, id: string, subject: string | null, value: unknown) =>
      keyring.sealJson({ tenant: TENANT, collection, id, subject }, value);

    const put = [];
    for (let i = 0; i < 7; i++) {
      const subject = i % 2 === 0 ? `s${i % 3}` : null;
      put.push({
        kind: i < 4 ? 'patient' : 'device',
        id: `r${i}`,
        subject,
        index: { 't:status': i % 2 ? 'on' : 'off', 'b:mrn': `bi-${i}` },
        body: await seal(i < 4 ? 'patient' : 'device', `r${i}`, subject, { i }),
        createdAt: T0 + i,
        updatedAt: T0 + 10 * i,
      });
    }
    const points = [];
    for (let i = 0; i < 9; i++) {
      const subject = i % 3 === 0 ? 's1' : null;
      points.push({
        series: `dev-${i % 2}`,
        id: `pt-${i}`,
        ts: T0 + (i % 4),
        subject,
        body: await seal(SERIES_COLLECTION, `pt-${i}`, subject, { spo2: 90 + i }),
      });
    }
    await store.commit({ put, points });
    // s2 is erased: its readings stay stored but open on neither side.
    await store.commit({
      put: [
        {
          kind: 'patient',
          id: 'r-erased',
          subject: 's2',
          index: {},
          body: await seal('patient', 'r-erased', 's2', {}),
          createdAt: T0,
          updatedAt: T0,
        },
      ],
    });
    await keyring.shred(TENANT, 's2');
    await store.appendAudit([1, 2, 3, 4, 5].map(audit));
    await store.putCheckpoint({ seq: 3, headHash: 'h3', ts: T0 + 3, signature: 'c2lnLTM=', keyId: 'ak-1' });
    await store.putCheckpoint({ seq: 5, headHash: 'h5', ts: T0 + 5, signature: 'c2lnLTU=', keyId: 'ak-1' });
  } finally {
    await storage.close();
  }
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const failing = (rows: CheckRow[]) => rows.filter((r) => !r.ok).map((r) => r.check);

describe('migration', () => {
  let root: string;
  let sourceDir: string;
  let master: EnvMasterKeyProvider;
  let target: SqliteStorage | undefined;
  let exported: SqliteExport | undefined;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'custodia-migrate-'));
    sourceDir = join(root, 'source');
    master = new EnvMasterKeyProvider(randomBytes(32).toString('hex'));
    await seedSource(sourceDir, master);
  });

  afterEach(async () => {
    exported?.close();
    exported = undefined;
    await target?.close();
    target = undefined;
    await rm(root, { recursive: true, force: true });
  });

  async function targetStore(): Promise<Store> {
    target = await createSqliteStorage({ dataDir: join(root, 'target') });
    return target.tenant(TENANT);
  }

  describe('reading the sqlite store', () => {
    it('counts records per kind and points per series', () => {
      exported = SqliteExport.open(sourceDir, TENANT);
      expect(Object.fromEntries(exported.recordCounts())).toEqual({ device: 3, patient: 5 });
      expect(Object.fromEntries(exported.pointCounts())).toEqual({ 'dev-0': 5, 'dev-1': 4 });
    });

    it('pages through records, points and audit entries without gaps or repeats', () => {
      exported = SqliteExport.open(sourceDir, TENANT);
      const recordPages = [...exported.records(3)];
      expect(recordPages.map((p) => p.length)).toEqual([3, 3, 2]);
      expect(recordPages.flat().map((r) => r.id).sort()).toEqual(['r-erased', 'r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
      expect([...exported.points(4)].flat().map((p) => p.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => `pt-${i}`));
      expect([...exported.audit(2)].map((p) => p.map((e) => e.seq))).toEqual([[1, 2], [3, 4], [5]]);
    });

    it('reads records with their clear index, timestamps and exact sealed bytes', async () => {
      exported = SqliteExport.open(sourceDir, TENANT);
      const storage = await createSqliteStorage({ dataDir: sourceDir });
      try {
        const viaPort = await (await storage.tenant(TENANT)).get('patient', 'r2');
        expect(exported.getRecord('patient', 'r2')).toEqual(viaPort);
        expect(exported.getRecord('patient', 'nope')).toBeNull();
        expect(exported.getPoint('pt-3')?.subject).toBe('s1');
      } finally {
        await storage.close();
      }
    });

    it('lists keys, including the erased subject’s tombstone, and checkpoints in seq order', () => {
      exported = SqliteExport.open(sourceDir, TENANT);
      const scopes = exported.keys().map((k) => k.scope);
      expect(scopes).toContain('tenant');
      expect(scopes).toContain('index');
      expect(scopes).toContain('erased:s2');
      expect(scopes).not.toContain('subject:s2');
      expect(exported.checkpoints().map((c) => c.seq)).toEqual([3, 5]);
      expect(exported.lastAudit()?.hash).toBe('h5');
    });

    it('never writes to the source database (its WAL stays empty)', () => {
      const file = sqliteFileFor(sourceDir, TENANT);
      const before = sha(file);
      exported = SqliteExport.open(sourceDir, TENANT);
      [...exported.records(2)];
      exported.close();
      expect(sha(file)).toBe(before);
      // A read-only WAL reader may leave empty -wal/-shm companions behind; nothing is in them.
      const wal = readdirSync(join(sourceDir, 'tenants')).filter((f) => f.endsWith('-wal'));
      for (const f of wal) expect(statSync(join(sourceDir, 'tenants', f)).size).toBe(0);
    });

    it('refuses a missing store, and a file that belongs to another scope', () => {
      expect(() => SqliteExport.open(sourceDir, 'tenant-zz')).toThrow(/no sqlite store for tenant-zz/);
      expect(() => SqliteExport.open(sourceDir, '../x')).toThrow(/invalid tenant id/);
      // The platform's file exists too, but it is not the tenant's.
      expect(sqliteFileFor(sourceDir, '_platform')).toBe(join(sourceDir, 'platform.db'));
      copyFileSync(join(sourceDir, 'platform.db'), sqliteFileFor(sourceDir, 'tenant-b'));
      expect(() => SqliteExport.open(sourceDir, 'tenant-b')).toThrow(/belongs to scope "_platform", not "tenant-b"/);
    });
  });

  describe('copying and verifying', () => {
    it('copies everything as stored bytes and every check matches, sampled values included', async () => {
      exported = SqliteExport.open(sourceDir, TENANT);
      const store = await targetStore();
      expect(await targetHoldsData(store, exported.recordCounts().keys())).toBe(false);

      const copied = await copyStore(exported, store, { batchSize: 3, sample: 100 });
      expect(copied).toMatchObject({ records: 8, points: 9, audit: 5, checkpoints: 2 });
      expect(copied.sampledRecords).toHaveLength(8);
      expect(copied.sampledPoints).toHaveLength(9);

      const rows = await verifyCopy(exported, store, { master, ...copied });
      expect(failing(rows)).toEqual([]);
      expect(rows.find((r) => r.check === 'sampled records opened and equal')).toMatchObject({ source: '8', target: '8' });
      expect(rows.find((r) => r.check === 'audit head')).toMatchObject({ source: '#5 h5', ok: true });
      expect(await targetHoldsData(store, [])).toBe(true);

      // The copy opens with a keyring that only ever saw the target's keys; the erased subject's
      // record stays unreadable there too.
      const ring: Keyring = createKeyring({ master, storeFor: async () => store });
      const open = async (kind: string, id: string) => {
        const rec = (await store.get(kind, id))!;
        return ring.openJson({ tenant: TENANT, collection: kind, id, subject: rec.subject }, rec.body);
      };
      expect(await open('patient', 'r0')).toEqual({ i: 0 });
      expect(await open('patient', 'r1')).toEqual({ i: 1 });
      await expect(open('patient', 'r2')).rejects.toBeInstanceOf(ErasedError);
    });

    it('a target that differs is reported, check by check', async () => {
      exported = SqliteExport.open(sourceDir, TENANT);
      const store = await targetStore();
      const copied = await copyStore(exported, store, { batchSize: 50, sample: 100 });

      // Corrupt one sealed body, add a stray point and a stray key version.
      const original = (await store.get('device', 'r5'))!;
      const flipped = Buffer.from(original.body);
      flipped[flipped.length - 1]! ^= 0x01;
      await store.commit({
        put: [{ ...original, body: flipped }],
        points: [{ series: 'dev-9', id: 'stray', ts: T0, subject: null, body: Buffer.from('x') }],
      });
      await store.putKey({ scope: 'subject:s9', version: 1, wrapped: Buffer.from('k'), wrappedBy: 't1', createdAt: T0 });

      const rows = await verifyCopy(exported, store, { master, ...copied });
      expect(failing(rows)).toEqual([
        'points of series dev-9',
        'points in total',
        'key scopes',
        'keys (digest of wrapped bytes)',
        'sampled records opened and equal',
      ]);
      expect(rows.find((r) => r.check === 'sampled records opened and equal')).toMatchObject({ source: '8', target: '7' });
    });

    it('missing audit entries and checkpoints on the target are mismatches', async () => {
      exported = SqliteExport.open(sourceDir, TENANT);
      const store = await targetStore();
      await store.appendAudit([1, 2, 3].map(audit));
      const rows = await verifyCopy(exported, store, { sampledRecords: [], sampledPoints: [] });
      expect(failing(rows)).toEqual(expect.arrayContaining(['audit head', 'audit entries identical', 'checkpoints']));
      expect(rows.find((r) => r.check === 'sampled values opened')).toMatchObject({ source: 'skipped', ok: true });
    });

    it('the verification keyrings cannot create keys on either side', async () => {
      exported = SqliteExport.open(sourceDir, TENANT);
      const store = await targetStore();
      // Nothing copied: opening a sample would need the tenant key, which must not be invented.
      const rows = await verifyCopy(exported, store, {
        master,
        sampledRecords: [{ kind: 'patient', id: 'r0' }],
        sampledPoints: [],
      });
      expect(failing(rows)).toContain('sampled records opened and equal');
      expect(await store.listKeyScopes('')).toEqual([]);
    });
  });

  describe('helpers', () => {
    it('the key digest ignores order and sees every byte', () => {
      const k = (scope: string, v: number, b: string) => ({
        scope,
        version: v,
        wrapped: Buffer.from(b),
        wrappedBy: 'm',
        createdAt: 1,
      });
      expect(keysDigest([k('a', 1, 'x'), k('b', 1, 'y')])).toBe(keysDigest([k('b', 1, 'y'), k('a', 1, 'x')]));
      expect(keysDigest([k('a', 1, 'x')])).not.toBe(keysDigest([k('a', 1, 'z')]));
    });

    it('the reservoir keeps everything up to its size, then replaces by the random draw', () => {
      const draws = [1, 7, 0];
      const r = new Reservoir<number>(2, () => draws.shift()!);
      for (const n of [10, 20, 30, 40, 50]) r.offer(n);
      // 30: draw 1 → slot 1; 40: draw 7 → kept out; 50: draw 0 → slot 0.
      expect(r.items).toEqual([50, 30]);
      expect(r.seen).toBe(5);
      expect(new Reservoir<number>(0).items).toEqual([]);
    });

    it('the reservoir with real randomness never exceeds its size and holds only offered items', () => {
      const r = new Reservoir<number>(5);
      for (let i = 0; i < 1000; i++) r.offer(i);
      expect(r.items).toHaveLength(5);
      expect(new Set(r.items).size).toBe(5);
      for (const n of r.items) expect(n).toBeLessThan(1000);
    });

    it('formats an aligned table that marks mismatches', () => {
      const text = formatTable([
        { check: 'records of kind patient', source: '5', target: '5', ok: true },
        { check: 'audit head', source: '#5 h5', target: '#4 h4', ok: false },
      ]);
      const lines = text.split('\n');
      expect(lines[0]).toMatch(/^check\s+source \(sqlite\)\s+target \(mongodb\)\s+result$/);
      expect(lines[2]).toMatch(/^records of kind patient\s+5\s+5\s+ok$/);
      expect(lines[3]).toMatch(/MISMATCH$/);
      expect(lines[2]!.indexOf('5')).toBe(lines[3]!.indexOf('#5'));
    });
  });
});

describe('migrate command line', () => {
  it.each<[string[], Record<string, unknown>]>([
    [
      ['--tenant', 'tenant-a', '--to', 'mongodb://db1/'],
      {
        tenant: 'tenant-a',
        platform: false,
        to: 'mongodb://db1/',
        fromDataDir: './data',
        sample: 20,
        batchSize: 500,
        replace: false,
      },
    ],
    [
      ['--platform', '--to=mongodb+srv://c.example.net/', '--from-data-dir', '/srv/custodia', '--sample', '0', '--replace'],
      { platform: true, to: 'mongodb+srv://c.example.net/', fromDataDir: '/srv/custodia', sample: 0, replace: true },
    ],
    [['--tenant=t-1', '--to', 'mongodb://x/', '--batch-size', '50'], { tenant: 't-1', batchSize: 50 }],
    [['--tenant', 't-1', '--to', 'postgresql://app@db/custodia'], { tenant: 't-1', to: 'postgresql://app@db/custodia' }],
  ])('%j parses', (argv, expected) => {
    expect(parseMigrateArgs(argv)).toMatchObject(expected);
  });

  it.each<[string[], string]>([
    [['--to', 'mongodb://x/'], 'give exactly one of --tenant <id> or --platform'],
    [['--tenant', 'a-b', '--platform', '--to', 'mongodb://x/'], 'give exactly one of --tenant <id> or --platform'],
    [['--tenant', 'Tenant_A', '--to', 'mongodb://x/'], '--tenant must be 2-40 of a-z, 0-9 and "-", starting with a letter'],
    [['--tenant', 'a-b'], '--to is required'],
    [['--tenant', 'a-b', '--to', 'mysql://x/'], '--to must start with mongodb://, mongodb+srv://, postgres:// or postgresql://'],
    [['--tenant', 'a-b', '--to', 'mongodb://x/', '--sample', '-1'], '--sample'],
    [['--tenant', 'a-b', '--to', 'mongodb://x/', '--batch-size', 'many'], '--batch-size'],
    [['--tenant', '--to', 'mongodb://x/'], '--tenant needs a value'],
    [['--tenant', 'a-b', '--to', 'mongodb://x/', '--force'], 'unknown argument "--force"'],
    [['--replace=yes'], '--replace takes no value'],
  ])('%j is refused: %s', (argv, message) => {
    const parsed = parseMigrateArgs(argv);
    expect(parsed).toHaveProperty('error');
    expect((parsed as { error: string }).error).toContain(message);
  });

  it('--help wins over everything else', () => {
    expect(parseMigrateArgs(['--tenant', 'x', '--help'])).toBe('help');
    expect(parseMigrateArgs(['-h'])).toBe('help');
  });
});
