import { spawn } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runStorageContract } from '../../../test/contract/storage.contract.ts';
import type { StoredPoint, StoredRecord } from '../port.ts';
import { createSqliteStorage, type SqliteStorage } from './provider.ts';
import { SCHEMA_VERSION } from './schema.ts';

const tempDir = () => mkdtemp(join(tmpdir(), 'custodia-sqlite-'));

runStorageContract('sqlite', async (existing) => {
  const dataDir = existing ?? (await tempDir());
  const provider = await createSqliteStorage({ dataDir });
  return {
    provider,
    dataDir,
    cleanup: async () => {
      await provider.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

const rec = (kind: string, id: string, body: Buffer): StoredRecord => ({
  kind,
  id,
  subject: null,
  index: {},
  body,
  createdAt: 1,
  updatedAt: 1,
});

/** Every regular file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

/** Files under `dir` whose raw bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const bytes = Buffer.from(needle);
  return filesUnder(dir).filter((f) => readFileSync(f).includes(bytes));
}

describe('sqlite adapter', () => {
  let root: string;
  let storage: SqliteStorage | undefined;

  beforeEach(async () => {
    root = await tempDir();
  });

  afterEach(async () => {
    await storage?.close();
    storage = undefined;
    await rm(root, { recursive: true, force: true });
  });

  it('lays out platform.db and tenants/<id>.db, private even under a permissive umask', async () => {
    const dataDir = join(root, 'data');
    const previous = process.umask(0o000);
    try {
      storage = await createSqliteStorage({ dataDir });
      await (await storage.tenant('tenant-a')).commit({ put: [rec('lamp', 'l1', Buffer.from('x'))] });
      await (await storage.platform()).commit({ put: [rec('tenant', 'tenant-a', Buffer.from('y'))] });
    } finally {
      process.umask(previous);
    }

    const mode = (p: string) => statSync(p).mode & 0o777;
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'tenants'))).toBe(0o700);
    const files = [
      join(dataDir, 'platform.db'),
      join(dataDir, 'tenants', 'tenant-a.db'),
      ...['-wal', '-shm'].flatMap((s) => [join(dataDir, `platform.db${s}`), join(dataDir, 'tenants', `tenant-a.db${s}`)]),
    ];
    for (const f of files) expect({ f, mode: mode(f) }).toEqual({ f, mode: 0o600 });
    expect(storage.tenantFile('tenant-a')).toBe(join(dataDir, 'tenants', 'tenant-a.db'));
  });

  it('dropTenant deletes the tenant’s database, WAL and shared-memory files', async () => {
    storage = await createSqliteStorage({ dataDir: root });
    const store = await storage.tenant('tenant-a');
    await store.commit({ put: [rec('lamp', 'l1', Buffer.from('x'))] });
    const file = storage.tenantFile('tenant-a');
    expect(statSync(`${file}-wal`).isFile()).toBe(true);

    await storage.dropTenant('tenant-a');

    expect(readdirSync(join(root, 'tenants'))).toEqual([]);
    // A store handed out before the drop cannot write into a resurrected file.
    await expect(store.commit({ put: [rec('lamp', 'l2', Buffer.from('x'))] })).rejects.toThrow();
    expect(readdirSync(join(root, 'tenants'))).toEqual([]);
  });

  it('a destroyed key’s bytes are in no file, in the WAL or in the main file, right after destroyKeys', async () => {
    const RECORD_SENTINEL = 'RECORD-SENTINEL-7f3a';
    const CHECKPOINTED_KEY = 'KEY-SENTINEL-CHECKPOINTED-91c2';
    const WAL_ONLY_KEY = 'KEY-SENTINEL-WAL-ONLY-5d0e';
    const KEPT_KEY = 'KEY-SENTINEL-KEPT-22b8';
    const keyBytes = (sentinel: string) => Buffer.concat([Buffer.alloc(8, 0xab), Buffer.from(sentinel), Buffer.alloc(8, 0xcd)]);

    // 1. A key that reached the main database file (close checkpoints the WAL into it).
    storage = await createSqliteStorage({ dataDir: root });
    let store = await storage.tenant('tenant-a');
    // Plaintext bodies on purpose: sealing is the keyring's job; they are the scan's positive control.
    await store.commit({
      put: Array.from({ length: 50 }, (_, i) => rec('note', `n${i}`, Buffer.from(`${RECORD_SENTINEL} ${i}`))),
    });
    await store.putKey({ scope: 'subject:s1', version: 1, wrapped: keyBytes(CHECKPOINTED_KEY), wrappedBy: 'tenant:v1', createdAt: 1 });
    await store.putKey({ scope: 'subject:s2', version: 1, wrapped: keyBytes(KEPT_KEY), wrappedBy: 'tenant:v1', createdAt: 1 });
    await storage.close();
    expect(filesContaining(root, CHECKPOINTED_KEY)).toEqual([storage.tenantFile('tenant-a')]);

    // 2. A key still only in the WAL when it is destroyed.
    storage = await createSqliteStorage({ dataDir: root });
    store = await storage.tenant('tenant-a');
    await store.putKey({ scope: 'subject:s1', version: 2, wrapped: keyBytes(WAL_ONLY_KEY), wrappedBy: 'tenant:v1', createdAt: 2 });
    expect(filesContaining(root, WAL_ONLY_KEY)).toEqual([`${storage.tenantFile('tenant-a')}-wal`]);

    expect(await store.destroyKeys('subject:s1')).toBe(2);

    // While the store is still open…
    expect(filesContaining(root, CHECKPOINTED_KEY)).toEqual([]);
    expect(filesContaining(root, WAL_ONLY_KEY)).toEqual([]);
    // …and after it is closed.
    await storage.close();
    expect(filesContaining(root, CHECKPOINTED_KEY)).toEqual([]);
    expect(filesContaining(root, WAL_ONLY_KEY)).toEqual([]);
    // The scan does see what was not destroyed, so the absences above mean something.
    expect(filesContaining(root, KEPT_KEY)).toHaveLength(1);
    expect(filesContaining(root, RECORD_SENTINEL)).toHaveLength(1);
  });

  it('every acknowledged commit survives a SIGKILL of the writing process, and no batch is half there', async () => {
    const batchSize = 50;
    const fixture = fileURLToPath(new URL('./crash-writer.fixture.ts', import.meta.url));
    const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, root, String(batchSize)], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        // Kill mid-stream, while the writer is busy committing the next batch.
        if (out.split('\n').length > 40) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`writer exited early: ${err}`)));
    });
    expect(await exited).toBe('SIGKILL');

    // Only whole lines were printed after a returned commit.
    const acked = out
      .split('\n')
      .slice(0, -1)
      .map((line) => Number(line.split(' ')[0]));
    expect(acked.length).toBeGreaterThanOrEqual(40);

    storage = await createSqliteStorage({ dataDir: root });
    const store = await storage.tenant('crash-test');
    for (const b of acked) {
      const points = await store.range({ series: 'dev-1', from: b * batchSize, to: (b + 1) * batchSize - 1 });
      expect({ b, n: points.length }).toEqual({ b, n: batchSize });
      expect(await store.get('batch', `b${b}`)).not.toBeNull();
    }
    const total = await store.countPoints('dev-1');
    expect(total).toBeGreaterThanOrEqual(acked.length * batchSize);
    expect(total % batchSize).toBe(0);
    expect(await store.count('batch')).toBe(total / batchSize);
  });

  it('appends a batch of 500 points in a few milliseconds', async () => {
    storage = await createSqliteStorage({ dataDir: root });
    const store = await storage.tenant('tenant-a');
    const body = Buffer.alloc(120, 7);
    const timings: number[] = [];
    for (let b = 0; b < 7; b++) {
      const points: StoredPoint[] = Array.from({ length: 500 }, (_, j) => ({
        series: `dev-${j % 50}`,
        id: `b${b}-p${j}`,
        ts: b * 1000 + j,
        subject: null,
        body,
      }));
      const t = performance.now();
      await store.commit({ points });
      timings.push(performance.now() - t);
    }
    timings.sort((a, z) => a - z);
    expect(await store.countPoints()).toBe(3500);
    // Generous bound for shared CI disks; one transaction per point would be far slower.
    expect(timings[3]).toBeLessThan(100);
  });

  it('refuses a tenant file that was copied over from another tenant', async () => {
    storage = await createSqliteStorage({ dataDir: root });
    await (await storage.tenant('tenant-a')).commit({ put: [rec('lamp', 'l1', Buffer.from('x'))] });
    await storage.close();
    copyFileSync(join(root, 'tenants', 'tenant-a.db'), join(root, 'tenants', 'tenant-b.db'));

    storage = await createSqliteStorage({ dataDir: root });
    await expect(storage.tenant('tenant-b')).rejects.toThrow(/belongs to scope "tenant-a"/);
    await expect(storage.tenant('tenant-a')).resolves.toBeDefined();
  });

  it('records its schema version and refuses a file from a newer schema', async () => {
    storage = await createSqliteStorage({ dataDir: root });
    await storage.tenant('tenant-a');
    await storage.close();
    const file = join(root, 'tenants', 'tenant-a.db');
    const raw = new Database(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();

    storage = await createSqliteStorage({ dataDir: root });
    await expect(storage.tenant('tenant-a')).rejects.toThrow(/schema version/);
  });

  it('runs with WAL, synchronous FULL, foreign keys and secure_delete on', async () => {
    storage = await createSqliteStorage({ dataDir: root });
    await storage.tenant('tenant-a');
    // A second connection sees the persistent setting (WAL); the per-connection ones are checked
    // through the behaviour tests above (durability, cascade, secure delete).
    const raw = new Database(join(root, 'tenants', 'tenant-a.db'), { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('the audit table rejects updates and deletes even through raw SQL', async () => {
    storage = await createSqliteStorage({ dataDir: root });
    const store = await storage.tenant('tenant-a');
    await store.appendAudit([
      { seq: 1, ts: 1, actor: 'a', action: 'x', target: 't', outcome: 'success', details: '{}', prevHash: '', hash: 'h1' },
    ]);
    const raw = new Database(storage.tenantFile('tenant-a'));
    try {
      expect(() => raw.prepare("UPDATE audit SET actor = 'forged'").run()).toThrow(/append-only/);
      expect(() => raw.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    } finally {
      raw.close();
    }
    expect((await store.lastAudit())?.actor).toBe('a');
  });

  it('accepts only Buffers as bodies, so nothing unsealed slips in as text', async () => {
    storage = await createSqliteStorage({ dataDir: root });
    const store = await storage.tenant('tenant-a');
    const textBody = { ...rec('lamp', 'l1', Buffer.alloc(0)), body: 'plain text' as unknown as Buffer };
    await expect(store.commit({ put: [textBody] })).rejects.toThrow(TypeError);
    await expect(
      store.commit({ points: [{ series: 's', id: 'p', ts: 1, subject: null, body: 'x' as unknown as Buffer }] }),
    ).rejects.toThrow(TypeError);
    expect(await store.count('lamp')).toBe(0);
  });
});
