import { describe, expect, it } from 'vitest';
import { historyTimes } from './history-steps.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 11, 1); // a midnight: every step below divides it

describe('historyTimes', () => {
  it.each([
    // name, options, expected count, first, last
    ['empty range', { from: T0, to: T0, intervalMs: MIN }, 0, undefined, undefined],
    ['no interval', { from: T0, to: T0 + HOUR, intervalMs: 0 }, 0, undefined, undefined],
    ['one recent hour at 5 min', { from: T0, to: T0 + HOUR, intervalMs: 5 * MIN }, 12, T0, T0 + 55 * MIN],
    ['recent step coarser than the interval', { from: T0, to: T0 + HOUR, intervalMs: MIN, recentStepMs: 10 * MIN }, 6, T0, T0 + 50 * MIN],
    ['interval coarser than the recent step wins', { from: T0, to: T0 + DAY, intervalMs: 6 * HOUR, recentStepMs: MIN }, 4, T0, T0 + 18 * HOUR],
    // 6 older days at 30 min (288) + the last day at 5 min (288)
    ['7 days: older at 30 min, last day at 5 min', { from: T0, to: T0 + 7 * DAY, intervalMs: 5 * MIN }, 6 * 48 + 288, T0, T0 + 7 * DAY - 5 * MIN],
    ['unaligned start rounds up to the step', { from: T0 + 7 * MIN, to: T0 + 30 * MIN, intervalMs: 10 * MIN }, 2, T0 + 10 * MIN, T0 + 20 * MIN],
  ])('%s', (_name, opts, count, first, last) => {
    const times = historyTimes(opts);
    expect(times).toHaveLength(count);
    expect(times[0]).toBe(first);
    expect(times.at(-1)).toBe(last);
  });

  it('is ascending without duplicates, the recent part never coarser than the older one', () => {
    const times = historyTimes({ from: T0 + 13 * MIN, to: T0 + 3 * DAY + 17 * MIN, intervalMs: MIN, recentStepMs: 5 * MIN, olderStepMs: 15 * MIN });
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
    const recent = times.filter((t) => t >= T0 + 2 * DAY + 17 * MIN);
    expect(recent[1]! - recent[0]!).toBe(5 * MIN);
    expect(times[1]! - times[0]!).toBe(15 * MIN);
    expect(times.at(-1)!).toBeLessThan(T0 + 3 * DAY + 17 * MIN);
  });
});
