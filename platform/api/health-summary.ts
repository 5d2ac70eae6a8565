// What the platform health page shows of this node's metrics (prom-client values): group commit
// times as count, mean and estimated percentiles from the histogram's cumulative buckets, and
// counters summed over their labels (tenant labels never reach the answer).

export interface MetricValue {
  value: number;
  labels: Record<string, string | number | undefined>;
  metricName?: string;
}

export interface CommitTimes {
  count: number;
  meanMs: number | null;
  /** Upper bound of the bucket holding the 50th / 95th percentile (null: none, or beyond the last). */
  p50Ms: number | null;
  p95Ms: number | null;
}

/** Summary of a prom-client histogram in seconds (values as `get()` returns them). */
export function commitTimes(values: readonly MetricValue[]): CommitTimes {
  const count = values.filter((v) => v.metricName?.endsWith('_count')).reduce((a, v) => a + v.value, 0);
  const sum = values.filter((v) => v.metricName?.endsWith('_sum')).reduce((a, v) => a + v.value, 0);
  // Buckets are cumulative; several label sets are summed per bound.
  const byBound = new Map<number, number>();
  for (const v of values) {
    if (!v.metricName?.endsWith('_bucket')) continue;
    const le = v.labels.le;
    const bound = le === '+Inf' ? Infinity : Number(le);
    if (Number.isNaN(bound)) continue;
    byBound.set(bound, (byBound.get(bound) ?? 0) + v.value);
  }
  const bounds = [...byBound.entries()].sort((a, b) => a[0] - b[0]);
  const quantile = (q: number): number | null => {
    if (!count) return null;
    const hit = bounds.find(([, c]) => c >= q * count);
    return hit && Number.isFinite(hit[0]) ? round(hit[0] * 1000) : null;
  };
  return { count, meanMs: count ? round((sum / count) * 1000) : null, p50Ms: quantile(0.5), p95Ms: quantile(0.95) };
}

/** A counter or gauge summed over every label set. */
export function total(values: readonly MetricValue[] | undefined): number {
  return (values ?? []).reduce((a, v) => a + v.value, 0);
}

const round = (n: number) => Math.round(n * 100) / 100;
