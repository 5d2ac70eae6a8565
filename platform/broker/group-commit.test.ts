import { describe, it, expect } from 'vitest';
import { createGroupCommitter, type BatchInfo } from './group-commit.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fake store: records every commit; each commit can be held open or made to fail. */
function fakeStore(opts: { delayMs?: number; failWhen?: (items: number[]) => boolean } = {}) {
  const commits: { key: string; items: number[]; startedAt: number; endedAt?: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const commit = async (key: string, items: number[]) => {
    const rec: { key: string; items: number[]; startedAt: number; endedAt?: number } = {
      key,
      items,
      startedAt: Date.now(),
    };
    commits.push(rec);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (opts.delayMs) await sleep(opts.delayMs);
      if (opts.failWhen?.(items)) throw new Error('disk full');
    } finally {
      inFlight--;
      rec.endedAt = Date.now();
    }
  };
  return { commit, commits, maxInFlight: () => maxInFlight };
}

describe('group commit', () => {
  it('flushes as soon as batchSize items wait, without waiting for the timer', async () => {
    const store = fakeStore();
    const gc = createGroupCommitter({ batchSize: 3, batchMs: 10_000, commit: store.commit });
    const t0 = Date.now();
    await Promise.all([gc.add('t1', 1), gc.add('t1', 2), gc.add('t1', 3)]);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(store.commits.map((c) => c.items)).toEqual([[1, 2, 3]]);
  });

  it('flushes a partial batch once batchMs has passed since the first item', async () => {
    const store = fakeStore();
    const gc = createGroupCommitter({ batchSize: 100, batchMs: 40, commit: store.commit });
    const t0 = Date.now();
    const done = Promise.all([gc.add('t1', 1), gc.add('t1', 2)]);
    await sleep(10);
    expect(store.commits).toHaveLength(0);
    await done;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(35);
    expect(store.commits.map((c) => c.items)).toEqual([[1, 2]]);
  });

  it('keeps one commit in flight per key while the next batch accumulates', async () => {
    const store = fakeStore({ delayMs: 50 });
    const gc = createGroupCommitter({ batchSize: 2, batchMs: 5, commit: store.commit });
    const all = [1, 2, 3, 4, 5, 6, 7].map((n) => gc.add('t1', n));
    await Promise.all(all);
    expect(store.maxInFlight()).toBe(1);
    expect(store.commits.flatMap((c) => c.items)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(store.commits.every((c) => c.items.length <= 2)).toBe(true);
    for (let i = 1; i < store.commits.length; i++) {
      expect(store.commits[i]!.startedAt).toBeGreaterThanOrEqual(store.commits[i - 1]!.endedAt!);
    }
  });

  it('commits different tenants independently and concurrently', async () => {
    const store = fakeStore({ delayMs: 60 });
    const gc = createGroupCommitter({ batchSize: 10, batchMs: 1, commit: store.commit });
    await Promise.all([gc.add('t1', 1), gc.add('t2', 2), gc.add('t3', 3)]);
    expect(store.maxInFlight()).toBe(3);
    expect(store.commits.map((c) => c.key).sort()).toEqual(['t1', 't2', 't3']);
  });

  it('settles an item only after the commit holding it has finished', async () => {
    const store = fakeStore({ delayMs: 80 });
    const gc = createGroupCommitter({ batchSize: 1, batchMs: 0, commit: store.commit });
    await gc.add('t1', 42);
    const settledAt = Date.now();
    expect(settledAt).toBeGreaterThanOrEqual(store.commits[0]!.endedAt!);
  });

  it('rejects every item of a failed batch and carries on with the next one', async () => {
    const store = fakeStore({ delayMs: 20, failWhen: (items) => items.includes(2) });
    const gc = createGroupCommitter({ batchSize: 2, batchMs: 1, commit: store.commit });
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => gc.add('t1', n)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
    const next = await Promise.allSettled([gc.add('t1', 5)]);
    expect(next[0]!.status).toBe('fulfilled');
  });

  it('turns a commit that throws synchronously into rejections', async () => {
    const gc = createGroupCommitter<number>({
      batchSize: 1,
      batchMs: 0,
      commit: () => {
        throw new Error('not a promise');
      },
    });
    await expect(gc.add('t1', 1)).rejects.toThrow('not a promise');
  });

  it('drains waiting items at once and resolves when nothing is pending', async () => {
    const store = fakeStore({ delayMs: 20 });
    const gc = createGroupCommitter({ batchSize: 1000, batchMs: 60_000, commit: store.commit });
    const items = [gc.add('t1', 1), gc.add('t2', 2), gc.add('t1', 3)];
    expect(gc.pending()).toBe(3);
    const t0 = Date.now();
    await gc.drain();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(gc.pending()).toBe(0);
    await expect(Promise.all(items)).resolves.toHaveLength(3);
    expect(store.commits.flatMap((c) => c.items).sort()).toEqual([1, 2, 3]);
  });

  it('reports each batch size, duration and outcome', async () => {
    const seen: BatchInfo[] = [];
    const store = fakeStore({ delayMs: 15, failWhen: (items) => items.includes(9) });
    // A long batch window and an explicit drain: with a 1 ms window a millisecond ticking over
    // between the first add and its check would (rightly) flush item 1 alone under load.
    const gc = createGroupCommitter({ batchSize: 2, batchMs: 60_000, commit: store.commit, onBatch: (b) => seen.push(b) });
    const adds = [gc.add('t1', 1), gc.add('t1', 2), gc.add('t1', 9)];
    await gc.drain();
    await Promise.allSettled(adds);
    expect(seen.map((b) => [b.size, b.ok])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(seen[0]!.durationMs).toBeGreaterThanOrEqual(10);
  });

  it('refuses a nonsensical configuration at creation', () => {
    const commit = async () => {};
    expect(() => createGroupCommitter({ batchSize: 0, batchMs: 5, commit })).toThrow(/batchSize/);
    expect(() => createGroupCommitter({ batchSize: 5, batchMs: -1, commit })).toThrow(/batchMs/);
  });
});
