// The hourly resolution of a patient's vitals (pure): per vital and UTC hour the count, minimum,
// maximum (each with the time it was first reached) and mean, so a long chart shows one point per
// hour without hiding a spike (a single SpO2 of 84 % in an hour of 96 % stays the hour's minimum).
// The I/O (which hours are kept, building and rebuilding them) is ../vitals-rollup.ts.
import { NUMERIC_VITAL_KEYS, type NumericVitalKey } from './vitals.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** An hour counts as closed this long after it ends: a reading sent on time but committed a little
 *  later still falls in an hour not yet rolled up, so it is not a late reading. */
export const CLOSE_GRACE_MS = 5 * 60_000;
/** `resolution=auto` answers per hour for ranges longer than this. */
export const AUTO_HOUR_OVER_MS = 48 * HOUR_MS;

export interface HourStat {
  n: number;
  min: number;
  max: number;
  mean: number;
  /** When the minimum and the maximum were first reached. */
  tMin: number;
  tMax: number;
}
/** One hour's statistics per numeric vital; `{}` is an hour without a reading. */
export type HourVitals = Partial<Record<NumericVitalKey, HourStat>>;
/** What the API answers per vital and hour: `t` is the hour's start. */
export interface HourPoint {
  t: number;
  n: number;
  min: number;
  max: number;
  mean: number;
}

const NUMERIC = new Set<string>(NUMERIC_VITAL_KEYS);
export const hourFloor = (ts: number) => Math.floor(ts / HOUR_MS) * HOUR_MS;
export const hourCeil = (ts: number) => Math.ceil(ts / HOUR_MS) * HOUR_MS;
export const dayFloor = (ts: number) => Math.floor(ts / DAY_MS) * DAY_MS;
/** The UTC day of an instant, as a record id part (YYYY-MM-DD). */
export const dayKey = (ts: number) => new Date(dayFloor(ts)).toISOString().slice(0, 10);

/** Hours starting before this are closed at `now`. */
export const closedBefore = (now: number) => hourFloor(now - CLOSE_GRACE_MS);

/** `auto` is per hour over 48 h; `raw` (the default) keeps every reading. */
export function resolutionFor(asked: 'raw' | 'hour' | 'auto' | undefined, from: number, to: number): 'raw' | 'hour' {
  if (asked === 'auto') return to - from > AUTO_HOUR_OVER_MS ? 'hour' : 'raw';
  return asked ?? 'raw';
}

/**
 * How a range [from, to] (both inclusive, as the series store reads) is answered per hour at
 * `now`: the whole closed hours [a, b) from the roll-up, the rest (a partial first hour, the open
 * or partial last hours) from the raw readings, as inclusive ranges.
 */
export function splitRange(from: number, to: number, now: number): { rolled: [number, number] | null; raw: [number, number][] } {
  const a = hourCeil(from);
  const b = Math.min(hourFloor(to), closedBefore(now));
  if (b <= a) return { rolled: null, raw: [[from, to]] };
  const raw: [number, number][] = [];
  if (from < a) raw.push([from, a - 1]);
  raw.push([b, to]);
  return { rolled: [a, b], raw };
}

/** Statistics per hour of readings (non-numeric and non-finite values are left out). */
export function hourStats(points: readonly { ts: number; param: string; value: unknown }[]): Map<number, HourVitals> {
  const acc = new Map<number, Map<NumericVitalKey, HourStat & { sum: number }>>();
  for (const p of points) {
    if (!NUMERIC.has(p.param) || typeof p.value !== 'number' || !Number.isFinite(p.value)) continue;
    const h = hourFloor(p.ts);
    let hour = acc.get(h);
    if (!hour) acc.set(h, (hour = new Map()));
    const v = p.value;
    const s = hour.get(p.param as NumericVitalKey);
    if (!s) {
      hour.set(p.param as NumericVitalKey, { n: 1, min: v, max: v, mean: v, tMin: p.ts, tMax: p.ts, sum: v });
      continue;
    }
    s.n++;
    s.sum += v;
    if (v < s.min || (v === s.min && p.ts < s.tMin)) [s.min, s.tMin] = [v, p.ts];
    if (v > s.max || (v === s.max && p.ts < s.tMax)) [s.max, s.tMax] = [v, p.ts];
  }
  const out = new Map<number, HourVitals>();
  for (const [h, hour] of acc) {
    const vitals: HourVitals = {};
    for (const [k, { sum, ...s }] of hour) vitals[k] = { ...s, mean: Math.round((sum / s.n) * 100) / 100 };
    out.set(h, vitals);
  }
  return out;
}

/** The hours [a, b) not in `kept` (hour start → statistics). */
export function missingHours(kept: ReadonlyMap<number, HourVitals>, a: number, b: number): number[] {
  const out: number[] = [];
  for (let h = hourFloor(a); h < b; h += HOUR_MS) if (!kept.has(h)) out.push(h);
  return out;
}

/** The hours of late readings: those before the closed edge at `now` (already rolled up or due to be). */
export function lateHours(timestamps: readonly number[], now: number): number[] {
  const edge = closedBefore(now);
  return [...new Set(timestamps.filter((ts) => ts < edge).map(hourFloor))].sort((x, y) => x - y);
}

/** Hours grouped by their UTC day (day start → hour starts, in order). */
export function byDay(hours: readonly number[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const h of [...hours].sort((x, y) => x - y)) {
    const d = dayFloor(h);
    let list = out.get(d);
    if (!list) out.set(d, (list = []));
    list.push(h);
  }
  return out;
}

/** Hour statistics → one series per vital, oldest hour first (empty hours give no point). */
export function hourSeries(hours: ReadonlyMap<number, HourVitals>, param?: string): Partial<Record<NumericVitalKey, HourPoint[]>> {
  const out: Partial<Record<NumericVitalKey, HourPoint[]>> = {};
  for (const t of [...hours.keys()].sort((x, y) => x - y)) {
    for (const k of NUMERIC_VITAL_KEYS) {
      const s = hours.get(t)![k];
      if (!s || (param && k !== param)) continue;
      (out[k] ??= []).push({ t, n: s.n, min: s.min, max: s.max, mean: s.mean });
    }
  }
  return out;
}
