import { describe, expect, it } from 'vitest';
import { createScheduler, TokenBucket } from './scheduler.ts';

function fakeClock(start = 1_000_000) {
  let now = start;
  return { clock: () => now, advance: (ms: number) => void (now += ms) };
}

describe('token bucket', () => {
  it.each([
    { rate: 10, burst: undefined, elapsedMs: 0, asks: 12, granted: 10 },
    { rate: 10, burst: 2, elapsedMs: 0, asks: 5, granted: 2 },
    { rate: 0.5, burst: undefined, elapsedMs: 0, asks: 3, granted: 1 },
  ])('at $rate/s with burst $burst grants $granted of $asks immediate requests', ({ rate, burst, asks, granted }) => {
    const { clock } = fakeClock();
    const b = new TokenBucket(rate, clock, burst);
    expect(Array.from({ length: asks }, () => b.tryTake()).filter(Boolean)).toHaveLength(granted);
  });

  it('refills at the configured rate', () => {
    const t = fakeClock();
    const b = new TokenBucket(10, t.clock);
    while (b.tryTake());
    t.advance(500);
    expect(Array.from({ length: 10 }, () => b.tryTake()).filter(Boolean)).toHaveLength(5);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new TokenBucket(0)).toThrow(RangeError);
  });
});

describe('shared scheduler', () => {
  it('runs each periodic job once per interval from one tick', () => {
    const t = fakeClock();
    const s = createScheduler({ clock: t.clock });
    const runs = { a: 0, b: 0 };
    s.every(100, () => runs.a++);
    s.every(250, () => runs.b++, { firstInMs: 0 });
    for (let i = 0; i < 100; i++) {
      t.advance(10);
      s.tick();
    }
    expect(runs).toEqual({ a: 10, b: 5 });
  });

  it.each([
    // factor, runs of a 100 ms job in the next 600 ms, and of a one-off that had 500 ms to go
    [1, 6, 1],
    [2, 12, 1],
    [0.5, 3, 0],
  ])('rescale(%d) at half time: the job runs at the new pace and waits still to go shrink by the factor', (factor, runs, once) => {
    const t = fakeClock();
    const s = createScheduler({ clock: t.clock });
    let n = 0;
    let m = 0;
    s.every(100, () => n++);
    s.after(1_000, () => m++);
    for (let i = 0; i < 50; i++) (t.advance(10), s.tick());
    expect(n).toBe(5);
    s.rescale(factor);
    n = 0;
    for (let i = 0; i < 60; i++) (t.advance(10), s.tick());
    expect(n).toBe(runs);
    expect(m).toBe(once);
  });

  it('refuses a factor that is not positive', () => {
    expect(() => createScheduler().rescale(0)).toThrow(RangeError);
  });

  it('a one-off job runs once and cancelled jobs never run', () => {
    const t = fakeClock();
    const s = createScheduler({ clock: t.clock });
    let once = 0;
    let cancelled = 0;
    s.after(30, () => once++);
    const job = s.every(10, () => cancelled++);
    s.cancel(job);
    for (let i = 0; i < 10; i++) {
      t.advance(10);
      s.tick();
    }
    expect({ once, cancelled, jobs: s.stats().jobs }).toEqual({ once: 1, cancelled: 0, jobs: 0 });
  });

  it('under a rate limit the fleet sends no more than the cap and every job still gets turns', () => {
    const t = fakeClock();
    const bucket = new TokenBucket(20, t.clock, 1);
    const s = createScheduler({ clock: t.clock, rate: bucket });
    const runs = Array.from({ length: 10 }, () => 0);
    runs.forEach((_, i) => s.every(100, () => runs[i]!++, { firstInMs: 0, cost: 1 })); // wants 100/s
    for (let i = 0; i < 200; i++) {
      t.advance(10);
      s.tick();
    }
    const total = runs.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(38);
    expect(total).toBeLessThanOrEqual(41); // 2 s at 20/s, plus the initial token
    expect(Math.min(...runs)).toBeGreaterThanOrEqual(3);
    expect(s.stats().deferred).toBeGreaterThan(0);
  });

  it('a throwing job is reported and does not stop the others', () => {
    const t = fakeClock();
    const errors: unknown[] = [];
    const s = createScheduler({ clock: t.clock, onError: (e) => errors.push(e) });
    let ok = 0;
    s.every(10, () => {
      throw new Error('boom');
    });
    s.every(10, () => ok++);
    t.advance(10);
    s.tick();
    expect({ ok, errors: errors.length }).toEqual({ ok: 1, errors: 1 });
  });
});
