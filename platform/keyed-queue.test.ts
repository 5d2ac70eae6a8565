import { describe, expect, it } from 'vitest';
import { KeyedQueue } from './keyed-queue.ts';

/** A promise with its resolve and reject, to hold a task open until the test lets it go. */
function gate<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}
const ticks = async (n = 5) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

describe('KeyedQueue', () => {
  it('runs the tasks of one key one at a time, in the order queued', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const first = gate();
    const a = q.run('k', async () => {
      log.push('a start');
      await first.promise;
      log.push('a end');
      return 'a';
    });
    const b = q.run('k', async () => {
      log.push('b');
      return 'b';
    });
    await ticks();
    expect(log).toEqual(['a start']);
    first.resolve();
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(log).toEqual(['a start', 'a end', 'b']);
  });

  it('runs tasks of different keys concurrently', async () => {
    const q = new KeyedQueue();
    const held = gate();
    const log: string[] = [];
    const a = q.run('x', async () => {
      await held.promise;
      log.push('x');
    });
    await q.run('y', async () => {
      log.push('y');
    });
    expect(log).toEqual(['y']);
    held.resolve();
    await a;
    expect(log).toEqual(['y', 'x']);
  });

  it('a failed task rejects its own caller and does not block the next one', async () => {
    const q = new KeyedQueue();
    const failed = q.run('k', async () => {
      throw new Error('boom');
    });
    const thrownSync = q.run('k', () => {
      throw new Error('sync boom');
    });
    const next = q.run('k', async () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    await expect(thrownSync).rejects.toThrow('sync boom');
    expect(await next).toBe('ran');
  });

  it('forgets a key once its queue has drained', async () => {
    const q = new KeyedQueue<number>();
    const held = gate();
    const a = q.run(1, () => held.promise);
    const b = q.run(2, async () => undefined);
    expect(q.pending).toBe(2);
    await b;
    await ticks();
    expect(q.pending).toBe(1);
    held.resolve();
    await a;
    await ticks();
    expect(q.pending).toBe(0);
  });

  it('a task queued while an earlier one runs still waits for it', async () => {
    const q = new KeyedQueue();
    const log: number[] = [];
    const held = gate();
    const first = q.run('k', async () => {
      await held.promise;
      log.push(1);
    });
    await ticks();
    const second = q.run('k', async () => void log.push(2));
    held.resolve();
    await Promise.all([first, second]);
    expect(log).toEqual([1, 2]);
  });
});
