import { describe, expect, it } from 'vitest';
import { figure, percentile, readTable, timing } from './read-figures.ts';

describe('read figures', () => {
  const table: [number[], number, number][] = [
    [[5], 95, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
    [[10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 95, 10],
    [[10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 90, 9],
    [Array.from({ length: 100 }, (_, i) => 100 - i), 95, 95],
    [[3, 1, 2], 0, 1],
    [[3, 1, 2], 100, 3],
  ];
  for (const [samples, p, want] of table) {
    it(`p${p} of ${samples.length} samples is ${want} (nearest rank)`, () => expect(percentile(samples, p)).toBe(want));
  }
  it('is NaN with no samples, and leaves its input unsorted', () => {
    expect(percentile([], 95)).toBeNaN();
    const s = [3, 1, 2];
    percentile(s, 50);
    expect(s).toEqual([3, 1, 2]);
  });
  it('summarises samples', () => expect(timing([4, 1, 3, 2])).toEqual({ n: 4, p50: 2, p95: 4, max: 4 }));
  it('judges a figure on its p95, or on its one value', () => {
    expect(figure('x', [100, 120, 160], 150)).toMatchObject({ stat: 'p95', valueMs: 160, met: false });
    expect(figure('x', [100, 120, 150], 150)).toMatchObject({ stat: 'p95', valueMs: 150, met: true });
    expect(figure('start', [9000], 10_000)).toMatchObject({ stat: 'once', valueMs: 9000, met: true });
  });
  it('prints one row per figure with its verdict', () => {
    const out = readTable([figure('chart', [10, 20], 150), figure('energy', [2000], 1000)]).split('\n');
    expect(out).toHaveLength(3);
    expect(out[1]).toMatch(/^chart\s+p95\s+20\.0\s+10\.0\s+20\.0\s+150\s+yes$/);
    expect(out[2]).toMatch(/^energy\s+once\s+2000\s+-\s+-\s+1000\s+NO$/);
  });
});
