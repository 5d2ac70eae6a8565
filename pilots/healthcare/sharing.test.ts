import { expect, it } from 'vitest';
import { aggregateVitals } from './sharing.ts';

it('aggregates per group, rounds, and suppresses groups below the minimum size', () => {
  const s = (group: string, news2: number, spo2?: number) => ({ group, news2, high: news2 >= 7, ...(spo2 ? { spo2 } : {}) });
  const { rows, suppressed } = aggregateVitals(
    [s('copd', 2, 90), s('copd', 7, 88), s('copd', 3), s('heart-failure', 1, 97), s('diabetes', 0, 98), s('diabetes', 4, 96)],
    2,
  );
  expect(suppressed).toBe(1); // heart-failure has one patient
  expect(rows).toEqual([
    { group: 'copd', subjects: 3, news2Mean: 4, highBandShare: 0.333, spo2Mean: 89, heartRateMean: null },
    { group: 'diabetes', subjects: 2, news2Mean: 2, highBandShare: 0, spo2Mean: 97, heartRateMean: null },
  ]);
});

it('no group survives a minimum larger than every group', () => {
  expect(aggregateVitals([{ group: 'a', news2: 1, high: false }], 5)).toEqual({ rows: [], suppressed: 1 });
});
