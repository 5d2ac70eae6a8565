import { describe, it, expect } from 'vitest';
import { backoffMs, createFailureThrottle } from './throttle.ts';

describe('failure throttle', () => {
  it('blocks a key after maxFailures failures within the window, and only that key', () => {
    const t = createFailureThrottle({ maxFailures: 3, windowMs: 60_000 });
    expect(t.fail('addr:10.0.0.1', 0)).toBe(false);
    expect(t.fail('addr:10.0.0.1', 1_000)).toBe(false);
    expect(t.isBlocked('addr:10.0.0.1', 1_500)).toBe(false);
    expect(t.fail('addr:10.0.0.1', 2_000)).toBe(true);
    expect(t.isBlocked('addr:10.0.0.1', 2_001)).toBe(true);
    expect(t.isBlocked('addr:10.0.0.2', 2_001)).toBe(false);
  });

  it('stays blocked for the rest of the window and lifts when the window ends', () => {
    const t = createFailureThrottle({ maxFailures: 2, windowMs: 10_000 });
    t.fail('dev:lamp-1', 0);
    t.fail('dev:lamp-1', 100);
    expect(t.isBlocked('dev:lamp-1', 9_999)).toBe(true);
    expect(t.isBlocked('dev:lamp-1', 10_000)).toBe(false);
    expect(t.fail('dev:lamp-1', 10_001)).toBe(false);
  });

  it('does not block failures spread over separate windows', () => {
    const t = createFailureThrottle({ maxFailures: 3, windowMs: 1_000 });
    const results = [0, 900, 1_100, 1_900, 2_200].map((at) => t.fail('k', at));
    expect(results).toEqual([false, false, false, false, false]);
  });

  it('forgets a key on reset (successful login)', () => {
    const t = createFailureThrottle({ maxFailures: 2, windowMs: 60_000 });
    t.fail('k', 0);
    t.reset('k');
    expect(t.fail('k', 1)).toBe(false);
  });

  it('keeps memory bounded when sprayed with many keys', () => {
    const t = createFailureThrottle({ maxFailures: 5, windowMs: 60_000, maxKeys: 100 });
    for (let i = 0; i < 1_000; i++) t.fail(`dev:guess-${i}`, i);
    expect(t.size()).toBeLessThanOrEqual(100);
    // the newest keys are the ones kept
    t.fail('dev:guess-999', 1_000);
    t.fail('dev:guess-999', 1_001);
    t.fail('dev:guess-999', 1_002);
    expect(t.fail('dev:guess-999', 1_003)).toBe(true);
  });
});

describe('backoff of a blocked address (ETSI 5.1-5)', () => {
  it.each([
    [0, 0],
    [4, 0],
    [5, 50],
    [6, 100],
    [9, 800],
    [12, 2_000],
    [1_000_000, 2_000],
  ])('after %i failures (limit 5) waits %i ms', (failures, ms) => {
    expect(backoffMs(failures, 5, 2_000)).toBe(ms);
  });
});
