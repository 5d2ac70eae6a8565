import { describe, expect, it } from 'vitest';
import { commitTimes, total, type MetricValue } from './health-summary.ts';

const b = (le: string, value: number, node = 'a'): MetricValue => ({ metricName: 'x_bucket', labels: { le, node }, value });

describe('commit times from a histogram', () => {
  it('is empty before the first commit', () => {
    expect(commitTimes([])).toEqual({ count: 0, meanMs: null, p50Ms: null, p95Ms: null });
  });
  it('gives count, mean and the bucket bounds holding p50 and p95', () => {
    const v: MetricValue[] = [b('0.001', 10), b('0.005', 80), b('0.025', 98), b('+Inf', 100), { metricName: 'x_sum', labels: {}, value: 0.4 }, { metricName: 'x_count', labels: {}, value: 100 }];
    expect(commitTimes(v)).toEqual({ count: 100, meanMs: 4, p50Ms: 5, p95Ms: 25 });
  });
  it('sums label sets per bound, in any order', () => {
    const v: MetricValue[] = [b('+Inf', 5, 'b'), b('0.01', 5, 'b'), b('0.01', 0, 'a'), b('0.001', 0, 'b'), b('+Inf', 5, 'a'), { metricName: 'x_count', labels: {}, value: 10 }, { metricName: 'x_sum', labels: {}, value: 0.1 }];
    expect(commitTimes(v)).toMatchObject({ count: 10, p50Ms: 10, p95Ms: null });
  });
  it('says null when the percentile is beyond the last finite bucket', () => {
    const v: MetricValue[] = [b('0.001', 0), b('+Inf', 4), { metricName: 'x_count', labels: {}, value: 4 }, { metricName: 'x_sum', labels: {}, value: 20 }];
    expect(commitTimes(v)).toEqual({ count: 4, meanMs: 5000, p50Ms: null, p95Ms: null });
  });
  it('totals a counter over its labels', () => {
    expect(total([{ labels: { tenant: 'a' }, value: 2 }, { labels: { tenant: 'b' }, value: 3 }])).toBe(5);
    expect(total(undefined)).toBe(0);
  });
});
