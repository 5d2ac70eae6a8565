// Points-only commits (ingest's group commit) sync the WAL off the event loop; the promise they
// return is what delays the PUBACK, so it must not settle before the frames are on disk
// (docs/architecture.md, promise 3 "PUBACK only after commit").
import { fstatSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredPoint, StoredRecord } from '../port.ts';
import { openDatabase } from './schema.ts';
import { SqliteStore } from './store.ts';

const point = (id: string): StoredPoint => ({ series: 'dev-1', id, ts: 1_700_000_000_000, subject: null, body: Buffer.from('sealed') });
const record: StoredRecord = { kind: 'k', id: 'r1', subject: null, index: {}, body: Buffer.from('x'), createdAt: 1, updatedAt: 1 };

describe('sqlite points-only commits sync the WAL in the thread pool', () => {
  let dir: string;
  let file: string;
  let db: Database.Database;
  let store: SqliteStore;
  let syncs: { fd: number; done: (err?: Error) => void }[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custodia-walsync-'));
    file = join(dir, 'tenant.db');
    db = openDatabase(file, 'tenant-a', { busyTimeoutMs: 1000 });
    syncs = [];
    store = new SqliteStore('tenant-a', file, db, (fd) => new Promise((resolve, reject) => syncs.push({ fd, done: (err) => (err ? reject(err) : resolve()) })));
  });
  afterEach(async () => {
    for (const s of syncs) s.done();
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const settled = async (p: Promise<unknown>) => {
    let state = 'pending';
    p.then(() => (state = 'resolved'), () => (state = 'rejected'));
    await new Promise((r) => setImmediate(r));
    return state;
  };

  it('settles only once the fsync of the WAL file is done', async () => {
    const commit = store.commit({ points: [point('p1'), point('p2')] });
    expect(await settled(commit)).toBe('pending');
    expect(syncs).toHaveLength(1);
    // The descriptor synced is the WAL file sqlite wrote the frames to.
    expect(fstatSync(syncs[0]!.fd).ino).toBe(statSync(`${file}-wal`).ino);
    syncs[0]!.done();
    await commit;
    expect(await store.countPoints()).toBe(2);
  });

  it('fails when the fsync fails, so no PUBACK goes out', async () => {
    const commit = store.commit({ points: [point('p1')] });
    syncs[0]!.done(new Error('EIO'));
    await expect(commit).rejects.toThrow('EIO');
  });

  it('leaves the connection at synchronous = FULL for every other write', async () => {
    const commit = store.commit({ points: [point('p1')] });
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    syncs[0]!.done();
    await commit;
    await store.commit({ put: [record], points: [point('p2')] });
    expect(syncs).toHaveLength(1); // records (and points beside them) commit with sqlite's own FULL sync
  });

  it('keeps the frames: a store reopened after the commit reads them', async () => {
    const commit = store.commit({ points: [point('p1')] });
    syncs[0]!.done();
    await commit;
    store.close();
    const again = new SqliteStore('tenant-a', file, openDatabase(file, 'tenant-a', { busyTimeoutMs: 1000 }));
    expect(await again.countPoints()).toBe(1);
    again.close();
    store = new SqliteStore('tenant-a', file, openDatabase(file, 'tenant-a', { busyTimeoutMs: 1000 }));
  });
});
