import { describe, it, expect, vi } from 'vitest';
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

/** A store whose commits stay open until the test releases them, oldest first. */
function heldStore() {
  const batches: number[][] = [];
  const open: (() => void)[] = [];
  const watchers: { n: number; resolve(): void }[] = [];
  const commit = (_key: string, items: number[]) =>
    new Promise<void>((resolve) => {
      batches.push(items);
      open.push(resolve);
      for (const w of watchers.filter((x) => batches.length >= x.n)) w.resolve();
    });
  return {
    commit,
    batches,
    release: () => open.shift()?.(),
    /** Resolves once `n` commits have started. */
    started: (n: number) =>
      batches.length >= n ? Promise.resolve() : new Promise<void>((resolve) => watchers.push({ n, resolve })),
  };
}

describe('group commit', () => {
  it('commits a lone reading on an idle lane at once, without waiting for the window', async () => {
    vi.useFakeTimers();
    try {
      const store = fakeStore();
      const gc = createGroupCommitter({ batchSize: 100, batchMs: 5, commit: store.commit, now: () => Date.now() });
      const done = gc.add('t1', 1);
      await vi.advanceTimersByTimeAsync(0); // the end of this event-loop turn: no clock time passes
      expect(store.commits.map((c) => c.items)).toEqual([[1]]);
      await done;
      // Long after the burst, the lane is idle again: the next lone reading does not wait either.
      await vi.advanceTimersByTimeAsync(1000);
      const next = gc.add('t1', 2);
      await vi.advanceTimersByTimeAsync(0);
      expect(store.commits.map((c) => c.items)).toEqual([[1], [2]]);
      await next;
    } finally {
      vi.useRealTimers();
    }
  });

  it('commits the readings of one event-loop turn together on an idle lane, without a timer', async () => {
    vi.useFakeTimers();
    try {
      const store = fakeStore();
      const gc = createGroupCommitter({ batchSize: 100, batchMs: 60_000, commit: store.commit, now: () => Date.now() });
      const done = Promise.all([1, 2, 3].map((n) => gc.add('t1', n)));
      await vi.advanceTimersByTimeAsync(0);
      expect(store.commits.map((c) => c.items)).toEqual([[1, 2, 3]]);
      await done;
    } finally {
      vi.useRealTimers();
    }
  });

  it('gathers what arrives while a commit is in flight and commits it as soon as the batch is full', async () => {
    const held = heldStore();
    const gc = createGroupCommitter({ batchSize: 3, batchMs: 60_000, commit: held.commit });
    const first = gc.add('t1', 0);
    await held.started(1);
    const rest = [1, 2, 3].map((n) => gc.add('t1', n));
    expect(held.batches).toEqual([[0]]);
    held.release();
    await first;
    await held.started(2);
    expect(held.batches).toEqual([[0], [1, 2, 3]]);
    held.release();
    await Promise.all(rest);
  });

  it('waits batchMs since the oldest item when readings arrive faster than a commit takes', async () => {
    vi.useFakeTimers();
    try {
      const store = fakeStore({ delayMs: 2 });
      const gc = createGroupCommitter({ batchSize: 100, batchMs: 40, commit: store.commit, now: () => Date.now() });
      const first = gc.add('t1', 1);
      await vi.advanceTimersByTimeAsync(0); // the lone first item's commit starts at the end of the turn
      const done = Promise.all([first, ...[2, 3, 4].map((n) => gc.add('t1', n))]);
      await vi.advanceTimersByTimeAsync(2); // its commit ends; 2..4 arrived meanwhile
      expect(store.commits.map((c) => c.items)).toEqual([[1]]);
      await vi.advanceTimersByTimeAsync(37);
      expect(store.commits).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(store.commits.map((c) => c.items)).toEqual([[1], [2, 3, 4]]);
      await vi.advanceTimersByTimeAsync(2);
      await done;
    } finally {
      vi.useRealTimers();
    }
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

  it('calls back each submitted item once, with the batch outcome, even when a callback throws', async () => {
    const store = fakeStore({ delayMs: 10, failWhen: (items) => items.includes(2) });
    const gc = createGroupCommitter({ batchSize: 2, batchMs: 1, commit: store.commit });
    const heard: [number, unknown][] = [];
    for (const n of [1, 2, 3, 4]) {
      gc.submit('t1', n, (err) => {
        heard.push([n, err]);
        if (n === 3) throw new Error('a caller that throws');
      });
    }
    await gc.drain();
    expect(heard.map(([n]) => n)).toEqual([1, 2, 3, 4]);
    expect(heard[0]![1]).toBeInstanceOf(Error);
    expect(heard[1]![1]).toBeInstanceOf(Error);
    // 4 shares 3's batch: 3's callback throwing did not keep 4 from hearing it was durable.
    expect(heard.slice(2).map(([, err]) => err)).toEqual([undefined, undefined]);
    expect(store.commits.every((c) => c.endedAt !== undefined)).toBe(true);
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
    // Items added in one event-loop turn share a commit: [1, 2] fills the batch, 9 follows.
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
