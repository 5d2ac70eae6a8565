import { describe, expect, it } from 'vitest';
import { alignSeries, appendWindow, bucketMean, sparkPath, trendOf, within, type Point } from './series.ts';

describe('aligning series for uPlot', () => {
  it('merges timestamps, converts to seconds and leaves gaps as null', () => {
    const data = alignSeries(
      {
        heartRate: [
          [1_000, 70],
          [3_000, 72],
        ],
        spo2: [
          [2_000, 96],
          [3_000, 95],
        ],
      },
      ['heartRate', 'spo2', 'temperature'],
    );
    expect(data).toEqual([
      [1, 2, 3],
      [70, null, 72],
      [null, 96, 95],
      [null, null, null],
    ]);
  });

  it('gives empty columns for no data', () => {
    expect(alignSeries({}, ['a'])).toEqual([[], []]);
  });
});

describe('bucketing a week of readings', () => {
  it('averages each bucket and places it at the bucket centre', () => {
    const pts: Point[] = [
      [0, 10],
      [500, 20],
      [1_000, 30],
      [1_999, Number.NaN],
    ];
    expect(bucketMean(pts, 1_000)).toEqual([
      [500, 15],
      [1_500, 30],
    ]);
  });
});

describe('live window', () => {
  it('appends, deduplicates an instant, sorts and drops what fell out of the window', () => {
    const before: Point[] = [
      [100, 1],
      [200, 2],
    ];
    const after = appendWindow(before, [
      [300, 3],
      [200, 2.5],
      [50, 0],
    ], 250, 320);
    expect(after).toEqual([
      [100, 1],
      [200, 2.5],
      [300, 3],
    ]);
    expect(before).toHaveLength(2);
  });

  it('keeps at most the newest max points', () => {
    const pts: Point[] = Array.from({ length: 10 }, (_, i) => [i, i] as const);
    expect(appendWindow([], pts, 100, 10, 3).map((p) => p[0])).toEqual([7, 8, 9]);
  });
});

describe('sparklines', () => {
  it('draws a path across the full box with y pointing down', () => {
    const d = sparkPath(
      [
        [0, 0],
        [10, 10],
      ],
      { width: 100, height: 20, range: [0, 10] },
    );
    expect(d).toBe('M0 20 L100 0');
  });

  it('clamps values outside a fixed range to its edge', () => {
    expect(sparkPath([[0, -5], [1, 50]], { width: 10, height: 10, range: [0, 10] })).toBe('M0 10 L10 0');
  });

  it('draws nothing from fewer than two points', () => {
    expect(sparkPath([[0, 1]], { width: 10, height: 10 })).toBe('');
  });

  it('draws a flat series as a level line, not a division by zero', () => {
    const d = sparkPath([[0, 5], [1, 5]], { width: 10, height: 10 });
    expect(d).toMatch(/^M0 5 L10 5$/);
  });
});

describe('trend arrows', () => {
  it.each([
    { pts: [70, 71, 70, 90], trend: 'rising' },
    { pts: [96, 96, 95, 90], trend: 'falling' },
    { pts: [70, 72, 71, 71.5], trend: 'steady' },
    { pts: [70, 90], trend: 'steady' },
  ])('$pts is $trend', ({ pts, trend }) => {
    expect(trendOf(pts.map((v, i) => [i, v] as const), 3)).toBe(trend);
  });

  it('slices a loaded series to a range', () => {
    expect(within([[1, 1], [2, 2], [3, 3]], 2, 3)).toEqual([[2, 2], [3, 3]]);
  });
});
