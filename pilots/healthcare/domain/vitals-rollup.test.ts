import { describe, expect, it } from 'vitest';
import { byDay, closedBefore, dayKey, HOUR_MS, hourSeries, hourStats, lateHours, missingHours, resolutionFor, splitRange } from './vitals-rollup.ts';

const T0 = Date.UTC(2026, 2, 10, 8); // 08:00 UTC
const MIN = 60_000;

describe('hourStats', () => {
  it.each([
    ['one reading', [[0, 90]], { n: 1, min: 90, max: 90, mean: 90, tMin: 0, tMax: 0 }],
    ['a spike stays the minimum', [[0, 96], [10, 84], [20, 97], [30, 96]], { n: 4, min: 84, max: 97, mean: 93.25, tMin: 10 * MIN, tMax: 20 * MIN }],
    ['ties keep the first time', [[5, 92], [15, 92], [25, 92]], { n: 3, min: 92, max: 92, mean: 92, tMin: 5 * MIN, tMax: 5 * MIN }],
    ['mean rounded to 2 decimals', [[0, 1], [1, 1], [2, 2]], { n: 3, min: 1, max: 2, mean: 1.33, tMin: 0, tMax: 2 * MIN }],
    ['the last minute of the hour', [[59.99, 60]], { n: 1, min: 60, max: 60, mean: 60, tMin: 59.99 * MIN, tMax: 59.99 * MIN }],
  ] as const)('%s', (_, readings, spo2) => {
    const out = hourStats(readings.map(([m, v]) => ({ ts: T0 + m * MIN, param: 'spo2', value: v })));
    expect([...out.keys()]).toEqual([T0]);
    expect(out.get(T0)!.spo2).toEqual({ ...spo2, tMin: T0 + spo2.tMin, tMax: T0 + spo2.tMax });
  });

  it('splits at hour edges and per vital', () => {
    const out = hourStats([
      { ts: T0 + 59 * MIN, param: 'heartRate', value: 80 },
      { ts: T0 + 60 * MIN, param: 'heartRate', value: 120 },
      { ts: T0 + 61 * MIN, param: 'systolic', value: 130 },
    ]);
    expect(out.get(T0)).toEqual({ heartRate: { n: 1, min: 80, max: 80, mean: 80, tMin: T0 + 59 * MIN, tMax: T0 + 59 * MIN } });
    expect(Object.keys(out.get(T0 + HOUR_MS)!)).toEqual(['heartRate', 'systolic']);
  });

  it.each([
    ['consciousness', 'V'],
    ['onOxygen', true],
    ['spo2', Number.NaN],
    ['spo2', '95'],
    ['unknown', 5],
  ])('leaves out %s = %s (not a numeric vital value)', (param, value) => {
    expect(hourStats([{ ts: T0, param, value }]).size).toBe(0);
  });
});

describe('splitRange', () => {
  const now = T0 + 10 * HOUR_MS + 30 * MIN; // 18:30
  it.each([
    ['7 days ending now: whole closed hours rolled, the open hour raw', now, now - 7 * 24 * HOUR_MS, now, [now - 7 * 24 * HOUR_MS + 30 * MIN, T0 + 10 * HOUR_MS], [[now - 7 * 24 * HOUR_MS, now - 7 * 24 * HOUR_MS + 30 * MIN - 1], [T0 + 10 * HOUR_MS, now]]],
    ['aligned range in the past', now, T0, T0 + 3 * HOUR_MS, [T0, T0 + 3 * HOUR_MS], [[T0 + 3 * HOUR_MS, T0 + 3 * HOUR_MS]]],
    ['less than a whole hour', now, T0 + MIN, T0 + 50 * MIN, null, [[T0 + MIN, T0 + 50 * MIN]]],
    ['within the grace after an hour ends, that hour is still raw', T0 + 10 * HOUR_MS + 2 * MIN, T0, T0 + 10 * HOUR_MS + 2 * MIN, [T0, T0 + 9 * HOUR_MS], [[T0 + 9 * HOUR_MS, T0 + 10 * HOUR_MS + 2 * MIN]]],
  ] as const)('%s', (_, at, from, to, rolled, raw) => {
    expect(splitRange(from, to, at)).toEqual({ rolled, raw });
  });

  it('covers every instant of the range exactly once', () => {
    const from = T0 + 17 * MIN;
    const to = T0 + 5 * HOUR_MS + 3 * MIN;
    const { rolled, raw } = splitRange(from, to, now);
    const parts = [...raw, ...(rolled ? [[rolled[0], rolled[1] - 1] as const] : [])].sort((x, y) => x[0] - y[0]);
    expect(parts[0]![0]).toBe(from);
    expect(parts.at(-1)![1]).toBe(to);
    for (let i = 1; i < parts.length; i++) expect(parts[i]![0]).toBe(parts[i - 1]![1] + 1);
  });
});

describe('hours and days', () => {
  it.each([
    ['08:00', T0, T0 - HOUR_MS],
    ['08:04', T0 + 4 * MIN, T0 - HOUR_MS],
    ['08:05', T0 + 5 * MIN, T0],
  ])('at %s the hours before the closed edge are closed (5 minutes of grace)', (_, now, edge) => {
    expect(closedBefore(now)).toBe(edge);
  });

  it('late readings name their hours once, in order; on-time ones none', () => {
    const now = T0 + 2 * HOUR_MS + 10 * MIN;
    expect(lateHours([T0 + 2 * HOUR_MS + MIN, T0 + 61 * MIN, T0 + 5 * MIN, T0 + 62 * MIN], now)).toEqual([T0, T0 + HOUR_MS]);
    expect(lateHours([T0 + 2 * HOUR_MS], now)).toEqual([]);
  });

  it('missing hours, grouped by UTC day', () => {
    const kept = new Map([[T0 + HOUR_MS, {}]]);
    const missing = missingHours(kept, T0, T0 + 18 * HOUR_MS);
    expect(missing).toHaveLength(17);
    expect(missing).not.toContain(T0 + HOUR_MS);
    const days = byDay(missing);
    expect([...days.keys()].map(dayKey)).toEqual(['2026-03-10', '2026-03-11']);
    expect(days.get(Date.UTC(2026, 2, 11))).toHaveLength(2); // 00:00 and 01:00
  });

  it.each([
    [undefined, 3 * 24, 'raw'],
    ['raw', 7 * 24, 'raw'],
    ['hour', 1, 'hour'],
    ['auto', 48, 'raw'],
    ['auto', 49, 'hour'],
  ] as const)('resolution %s over %i h answers %s', (asked, hours, want) => {
    expect(resolutionFor(asked, 0, hours * HOUR_MS)).toBe(want);
  });

  it('series per vital, oldest hour first, empty hours without a point', () => {
    const stats = hourStats([
      { ts: T0 + 2 * HOUR_MS, param: 'heartRate', value: 70 },
      { ts: T0, param: 'heartRate', value: 60 },
      { ts: T0, param: 'spo2', value: 95 },
    ]);
    stats.set(T0 + HOUR_MS, {});
    expect(hourSeries(stats)).toEqual({
      heartRate: [{ t: T0, n: 1, min: 60, max: 60, mean: 60 }, { t: T0 + 2 * HOUR_MS, n: 1, min: 70, max: 70, mean: 70 }],
      spo2: [{ t: T0, n: 1, min: 95, max: 95, mean: 95 }],
    });
    expect(Object.keys(hourSeries(stats, 'spo2'))).toEqual(['spo2']);
  });
});
