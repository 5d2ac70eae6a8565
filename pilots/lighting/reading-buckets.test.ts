import { describe, expect, it } from 'vitest';
import { bucketReadings } from './reading-buckets.ts';

describe('lamp readings per chart bucket', () => {
  it.each([
    {
      name: 'means numbers and keeps the last power state, at the bucket centre',
      items: [
        { ts: 0, dimLevel: 100, activePower: 40, powerState: 'on' as const },
        { ts: 30_000, dimLevel: 50, activePower: 21, powerState: 'on' as const },
        { ts: 59_000, dimLevel: 0, activePower: 0.5, powerState: 'off' as const },
        { ts: 60_000, dimLevel: 80, activePower: 33.333 },
      ],
      out: [
        { ts: 30_000, dimLevel: 50, activePower: 20.5, powerState: 'off', readings: 3 },
        { ts: 90_000, dimLevel: 80, activePower: 33.33, readings: 1 },
      ],
    },
    { name: 'answers nothing for nothing', items: [], out: [] },
    {
      name: 'sorts buckets whatever the order of the readings',
      items: [
        { ts: 120_000, dimLevel: 10 },
        { ts: 0, dimLevel: 20 },
      ],
      out: [
        { ts: 30_000, dimLevel: 20, readings: 1 },
        { ts: 150_000, dimLevel: 10, readings: 1 },
      ],
    },
  ])('$name', ({ items, out }) => {
    expect(bucketReadings(items, 60_000)).toEqual(out);
  });

  it('a week of minute readings becomes 336 half-hour points', () => {
    const week = Array.from({ length: 7 * 24 * 60 }, (_, i) => ({ ts: i * 60_000, dimLevel: i % 2 ? 100 : 0 }));
    const out = bucketReadings(week, 30 * 60_000);
    expect(out).toHaveLength(336);
    expect(out.every((r) => r.dimLevel === 50 && r.readings === 30)).toBe(true);
  });
});
