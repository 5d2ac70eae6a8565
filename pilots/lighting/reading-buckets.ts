// A lamp's readings thinned for a chart: one reading per bucket at the bucket's centre, the mean
// of each numeric field and the last of the others (power state), so 7 days of a reading a minute
// answer a few hundred points instead of the first 5000.
import type { LampTelemetry } from './domain/index.ts';

export type BucketedReading = Partial<LampTelemetry> & { ts: number; readings: number };

export function bucketReadings(items: readonly Partial<LampTelemetry>[], bucketMs: number): BucketedReading[] {
  const buckets = new Map<number, { sums: Map<string, { sum: number; n: number }>; last: Record<string, unknown>; n: number }>();
  for (const item of items) {
    if (typeof item.ts !== 'number') continue;
    const b = Math.floor(item.ts / bucketMs) * bucketMs;
    let e = buckets.get(b);
    if (!e) buckets.set(b, (e = { sums: new Map(), last: {}, n: 0 }));
    e.n++;
    for (const [k, v] of Object.entries(item)) {
      if (k === 'ts') continue;
      if (typeof v === 'number' && Number.isFinite(v)) {
        const s = e.sums.get(k) ?? { sum: 0, n: 0 };
        s.sum += v;
        s.n++;
        e.sums.set(k, s);
      } else e.last[k] = v;
    }
  }
  return [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([b, e]) => {
      const out: Record<string, unknown> = { ts: b + bucketMs / 2, ...e.last, readings: e.n };
      for (const [k, s] of e.sums) out[k] = Math.round((s.sum / s.n) * 100) / 100;
      return out as BucketedReading;
    });
}
