// The figures of `npm run bench:read`: percentiles of timed samples and the table against the
// targets of issue "Performance" (bench/README.md). Pure.

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface Timing {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

export function timing(samples: readonly number[]): Timing {
  return { n: samples.length, p50: percentile(samples, 50), p95: percentile(samples, 95), max: percentile(samples, 100) };
}

export interface ReadFigure {
  name: string;
  /** Which statistic the target applies to ('p95', or 'once' for start-up). */
  stat: 'p95' | 'once';
  valueMs: number;
  targetMs: number;
  met: boolean;
  timing?: Timing;
}

export function figure(name: string, samples: readonly number[], targetMs: number): ReadFigure {
  const t = timing(samples);
  const once = samples.length === 1;
  const valueMs = once ? samples[0]! : t.p95;
  return { name, stat: once ? 'once' : 'p95', valueMs, targetMs, met: valueMs <= targetMs, ...(once ? {} : { timing: t }) };
}

const ms = (x: number) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '-');

/** The table printed at the end of a run. */
export function readTable(figures: readonly ReadFigure[]): string {
  const rows = [['figure', 'stat', 'value ms', 'p50 ms', 'max ms', 'target ms', 'met']];
  for (const f of figures) {
    rows.push([f.name, f.stat, ms(f.valueMs), ms(f.timing?.p50 ?? Number.NaN), ms(f.timing?.max ?? Number.NaN), ms(f.targetMs), f.met ? 'yes' : 'NO']);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}
