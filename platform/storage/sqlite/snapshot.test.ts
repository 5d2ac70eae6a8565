// The sqlite snapshot reader's own promises (the shared snapshot contract runs in
// ../snapshot.test.ts): it never writes the file it reads, and it refuses a missing store and a
// file that belongs to another scope.
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStorage } from './provider.ts';
import { SqliteSnapshot, sqliteFileFor, sqliteTenants } from './snapshot.ts';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('sqlite snapshot reader', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'custodia-sqlsnap-'));
    const storage = await createSqliteStorage({ dataDir: dir });
    const store = await storage.tenant('tenant-a');
    await store.commit({
      put: [{ kind: 'k', id: 'r1', subject: null, index: {}, body: Buffer.from('sealed'), createdAt: 1, updatedAt: 1 }],
      points: [{ series: 's', id: 'p1', ts: 1, subject: null, body: Buffer.from('sealed') }],
    });
    await storage.close(); // checkpointed: everything is in the main file
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('never writes to the file it reads (its WAL stays empty)', async () => {
    const file = sqliteFileFor(dir, 'tenant-a');
    const before = sha(file);
    const snap = SqliteSnapshot.open(dir, 'tenant-a');
    for (const page of snap.records(1)) expect(page).toHaveLength(1);
    for (const page of snap.points(1)) expect(page).toHaveLength(1);
    await snap.close();
    expect(sha(file)).toBe(before);
    // A read-only WAL reader may leave empty -wal/-shm companions behind; nothing is in them.
    for (const f of readdirSync(join(dir, 'tenants')).filter((n) => n.endsWith('-wal'))) {
      expect(statSync(join(dir, 'tenants', f)).size).toBe(0);
    }
  });

  it('refuses a missing store, a bad tenant id, and a file that belongs to another scope', async () => {
    expect(() => SqliteSnapshot.open(dir, 'tenant-zz')).toThrow(/no sqlite store for tenant-zz/);
    expect(() => SqliteSnapshot.open(dir, '../x')).toThrow(/invalid tenant id/);
    expect(sqliteFileFor(dir, '_platform')).toBe(join(dir, 'platform.db'));
    copyFileSync(join(dir, 'platform.db'), sqliteFileFor(dir, 'tenant-b'));
    expect(() => SqliteSnapshot.open(dir, 'tenant-b')).toThrow(/belongs to scope "_platform", not "tenant-b"/);
    expect(await sqliteTenants(dir)).toEqual(['tenant-a', 'tenant-b']);
    expect(await sqliteTenants(join(dir, 'nowhere'))).toEqual([]);
  });
});
