// Data shaping for charts and sparklines, kept pure so it is tested without a browser. uPlot
// wants aligned columns ([x, y1, y2…], x in seconds, gaps as null); the board's sparklines want
// an SVG path; live views want a bounded window that new points are appended to.

export type Point = readonly [number, number];
export type SeriesMap = Record<string, readonly Point[] | undefined>;
export type Aligned = [number[], ...(number | null)[][]];

/** Columns for uPlot: the union of all timestamps (ms → s), one column per key, null where a
 *  series has no value at that instant. */
export function alignSeries(series: SeriesMap, keys: readonly string[]): Aligned {
  const xs = new Set<number>();
  for (const k of keys) for (const [t] of series[k] ?? []) xs.add(t);
  const sorted = [...xs].sort((a, b) => a - b);
  const index = new Map(sorted.map((t, i) => [t, i]));
  const cols = keys.map((k) => {
    const col: (number | null)[] = new Array<number | null>(sorted.length).fill(null);
    for (const [t, v] of series[k] ?? []) col[index.get(t)!] = Number.isFinite(v) ? v : null;
    return col;
  });
  return [sorted.map((t) => t / 1000), ...cols];
}

/** Mean per time bucket: keeps a 7-day chart light without hiding its shape. */
export function bucketMean(points: readonly Point[], bucketMs: number): Point[] {
  if (bucketMs <= 0) return [...points];
  const buckets = new Map<number, { sum: number; n: number }>();
  for (const [t, v] of points) {
    if (!Number.isFinite(v)) continue;
    const b = Math.floor(t / bucketMs) * bucketMs;
    const e = buckets.get(b) ?? { sum: 0, n: 0 };
    e.sum += v;
    e.n++;
    buckets.set(b, e);
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([b, e]) => [b + bucketMs / 2, e.sum / e.n] as const);
}

/** Appends live points to a series, keeps it sorted, drops points older than the window and
 *  duplicates of an instant already there. Returns a new array (React state). */
export function appendWindow(points: readonly Point[], added: readonly Point[], windowMs: number, now: number, max = 5000): Point[] {
  const byTime = new Map<number, Point>();
  for (const p of points) byTime.set(p[0], p);
  for (const p of added) byTime.set(p[0], p);
  const from = now - windowMs;
  const out = [...byTime.values()].filter((p) => p[0] >= from).sort((a, b) => a[0] - b[0]);
  return out.length > max ? out.slice(out.length - max) : out;
}

export interface SparkOptions {
  width: number;
  height: number;
  /** Fixed value range; default: the data's own, padded. */
  range?: readonly [number, number];
  /** Fixed time range; default: the data's own. */
  from?: number;
  to?: number;
}

/** An SVG path ("M x y L x y …") of a sparkline, y growing downwards; "" with fewer than 2 points. */
export function sparkPath(points: readonly Point[], o: SparkOptions): string {
  const pts = points.filter((p) => Number.isFinite(p[1]));
  if (pts.length < 2) return '';
  const t0 = o.from ?? pts[0]![0];
  const t1 = o.to ?? pts[pts.length - 1]![0];
  let lo: number;
  let hi: number;
  if (o.range) [lo, hi] = o.range;
  else {
    lo = Math.min(...pts.map((p) => p[1]));
    hi = Math.max(...pts.map((p) => p[1]));
    const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.05 || 1;
    lo -= pad;
    hi += pad;
  }
  const span = t1 - t0 || 1;
  const vspan = hi - lo || 1;
  const x = (t: number) => ((t - t0) / span) * o.width;
  const y = (v: number) => o.height - ((Math.min(hi, Math.max(lo, v)) - lo) / vspan) * o.height;
  return pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(x(p[0]))} ${round(y(p[1]))}`).join(' ');
}

const round = (n: number) => Math.round(n * 10) / 10;

export type Trend = 'rising' | 'falling' | 'steady';

/** Direction of the last value against the mean of the earlier ones, with a dead band so
 *  sensor noise reads as steady. */
export function trendOf(points: readonly Point[], deadBand: number): Trend {
  if (points.length < 3) return 'steady';
  const last = points[points.length - 1]![1];
  const earlier = points.slice(0, -1);
  const mean = earlier.reduce((s, p) => s + p[1], 0) / earlier.length;
  if (last - mean > deadBand) return 'rising';
  if (mean - last > deadBand) return 'falling';
  return 'steady';
}

/** Range of points inside [from, to] (inclusive), for re-slicing a loaded series. */
export function within(points: readonly Point[], from: number, to: number): Point[] {
  return points.filter((p) => p[0] >= from && p[0] <= to);
}
