import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_SKIP_NOTICE, createTestDatabase, findPostgres, type TestDatabase } from '../../validation/support/postgres.ts';
import { startClusterJobs } from './jobs.ts';
import { LeaseKeeper } from './lease-keeper.ts';
import { ClusterStore, StaleLeaseError } from './leases.ts';

const adminUrl = await findPostgres();
if (!adminUrl) console.warn(PG_SKIP_NOTICE);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 5000): Promise<number> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await sleep(10);
  }
  return Date.now() - t0;
}

(adminUrl ? describe : describe.skip)(`cluster leases on PostgreSQL${adminUrl ? '' : ` — ${PG_SKIP_NOTICE}`}`, () => {
  let db: TestDatabase;
  let a: ClusterStore;
  let b: ClusterStore;
  beforeAll(async () => {
    db = await createTestDatabase(adminUrl!);
    [a, b] = await Promise.all([ClusterStore.open(db.url), ClusterStore.open(db.url)]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('one holder at a time; a new holder gets a higher token; the old token is refused at the fence', async () => {
    const g1 = await a.acquire('t1', 'node-a', 300);
    expect(g1?.token).toBe(1n);
    expect(await b.acquire('t1', 'node-b', 300)).toBeNull();
    // The holder re-asking extends its grant under the same token.
    expect((await a.acquire('t1', 'node-a', 300))?.token).toBe(1n);
    expect(await a.isCurrent('t1', 1n)).toBe(true);
    await sleep(350);
    const g2 = await b.acquire('t1', 'node-b', 10_000);
    expect(g2?.token).toBe(2n);
    expect(await a.renew(g1!, 300)).toBeNull();
    expect(await a.isCurrent('t1', 1n)).toBe(false);
    expect(await b.isCurrent('t1', 2n)).toBe(true);
    await b.release(g2!);
    expect(await b.isCurrent('t1', 2n)).toBe(false);
    expect((await a.acquire('t1', 'node-a', 300))?.token).toBe(3n);
  });

  it('registers nodes with heartbeats; a node that stops beating drops out of the live list', async () => {
    await a.heartbeat('node-a', 10_000, { mqtt: 1883 });
    await b.heartbeat('node-b', 200, {});
    expect((await a.liveNodes()).map((n) => n.id)).toEqual(['node-a', 'node-b']);
    await sleep(250);
    expect((await a.liveNodes()).map((n) => n.id)).toEqual(['node-a']);
    await a.leave('node-a');
    expect(await a.liveNodes()).toEqual([]);
  });

  it('a dead holder is replaced within ttl + one renewal period; jobs run exactly once and a stale holder writes nothing', async () => {
    const ttlMs = 600;
    // node-a's local view of its grant is wrong by 5 s (a paused process, a jumped clock): only
    // the fencing token in the store can stop its writes.
    const ka = new LeaseKeeper({ store: a, name: 'jobs', holder: 'node-a', ttlMs, everyMs: 100, marginMs: -5000 });
    const kb = new LeaseKeeper({ store: b, name: 'jobs', holder: 'node-b', ttlMs, everyMs: 100 });
    ka.start();
    await until(() => ka.held() !== null);
    kb.start();
    // The shared work: deadlines every node knows (the store), each must fire once.
    const due = new Set(Array.from({ length: 60 }, (_, i) => `d${i}`));
    const fired: { id: string; node: string }[] = [];
    const fakeServices = (node: string) => ({
      tenants: { list: async () => [{ id: 'tenant-1' }] },
      alarms: {
        loadPendingForTenant: async () => undefined,
        tick: async (fence?: () => Promise<void>) => {
          const batch = [...due].slice(0, 1);
          for (const id of batch) {
            await fence?.();
            due.delete(id);
            fired.push({ id, node });
          }
          return batch.length;
        },
      },
      commands: { loadPendingForTenant: async () => undefined, tick: async () => 0 },
    });
    const errors: unknown[] = [];
    const ja = startClusterJobs(ka, fakeServices('a') as never, { tickMs: 30, onError: (e) => errors.push(e) });
    const jb = startClusterJobs(kb, fakeServices('b') as never, { tickMs: 30, onError: (e) => errors.push(e) });
    await until(() => fired.length >= 10);
    expect(kb.held()).toBeNull();
    // node-a "dies": its renewals stop (no release) while its job timer keeps running, like a
    // paused or partitioned process; node-b must take over and node-a must write nothing more.
    const grantA = ka.held()!;
    ka.stop();
    const diedAt = Date.now();
    await until(() => kb.held() !== null, 5000);
    const takeover = Date.now() - diedAt;
    const firedAtTakeover = fired.length;
    expect(due.size).toBeGreaterThan(10); // work is left for the new holder
    // Bounded take-over (ttl plus a renewal period; generous for a loaded machine).
    expect(takeover).toBeLessThanOrEqual(ttlMs * 4);
    expect(ka.held()).not.toBeNull();
    expect(kb.held()!.token).toBeGreaterThan(grantA.token);
    await expect(ka.fence()).rejects.toBeInstanceOf(StaleLeaseError);
    await until(() => due.size === 0, 5000);
    const ids = fired.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(60);
    expect(fired.slice(firedAtTakeover).filter((f) => f.node === 'a')).toEqual([]);
    expect(errors).toEqual([]);
    ja.stop();
    jb.stop();
    await kb.release();
  });
});
