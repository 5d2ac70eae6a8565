// Energy from power readings, per lamp, group, cabinet, local day and month, and savings against an
// undimmed baseline.
//
// Integration: a reading is the power at its instant, held until the next reading (left Riemann
// sum). Switching and dimming are step changes, and sample-and-hold counts a step exactly once it is
// reported, where the trapezoid rule would smear it over the interval; `method: 'trapezoid'` is
// available for smooth loads. Two readings further apart than `maxGapIntervals` (K, default 3)
// reporting intervals are not bridged: the device was silent, nothing is known about that time, and
// the gap is reported instead of guessed. Savings therefore only cover the time actually observed.
import type { Lamp, LampModel, PowerState } from './model.ts';
import { fullPower } from './power.ts';
import { addDays, localDate, offsetAt, startOfLocalDay } from './tz.ts';

export interface PowerSample {
  ts: number;
  /** W */
  activePower: number;
  powerState: PowerState;
}

export interface IntegrationOptions {
  /** The device's reporting interval in ms. */
  intervalMs: number;
  /** Gaps longer than this many intervals are not bridged (default 3). */
  maxGapIntervals?: number;
  method?: 'left' | 'trapezoid';
  /** Hold the last reading until this instant (if within the gap limit), e.g. the end of a report. */
  endMs?: number;
  /** Only count time inside [from, to). */
  window?: { from: number; to: number };
}

export interface Segment {
  start: number;
  end: number;
  /** Mean power over the segment, W. */
  watts: number;
  /** Whether the lamp was burning (its node reported it on, dimmed or booting). */
  lit: boolean;
}

const WH_PER_KWH = 1000;
const MS_PER_H = 3_600_000;
const kWhOf = (watts: number, ms: number) => (watts * ms) / MS_PER_H / WH_PER_KWH;

/** The readings as constant-power segments, gaps removed and clipped to the window. */
export function powerSegments(readings: readonly PowerSample[], opts: IntegrationOptions): Segment[] {
  const { intervalMs, maxGapIntervals = 3, method = 'left', endMs, window } = opts;
  const maxGap = maxGapIntervals * intervalMs;
  const sorted = [...readings].sort((a, b) => a.ts - b.ts);
  const out: Segment[] = [];
  const push = (start: number, end: number, watts: number, lit: boolean) => {
    const s = window ? Math.max(start, window.from) : start;
    const e = window ? Math.min(end, window.to) : end;
    if (e > s) out.push({ start: s, end: e, watts, lit });
  };
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i]!;
    const b = sorted[i + 1]!;
    const dt = b.ts - a.ts;
    if (dt <= 0 || dt > maxGap) continue;
    const watts = method === 'trapezoid' ? (a.activePower + b.activePower) / 2 : a.activePower;
    push(a.ts, b.ts, watts, a.powerState !== 'off');
  }
  const last = sorted[sorted.length - 1];
  if (last && endMs !== undefined && endMs > last.ts && endMs - last.ts <= maxGap) {
    push(last.ts, endMs, last.activePower, last.powerState !== 'off');
  }
  return out;
}

export interface EnergySummary {
  kWh: number;
  /** Energy while burning; the savings compare this with the baseline. */
  litKWh: number;
  burningHours: number;
  /** Observed time (bridged segments), h. */
  coveredHours: number;
  /** Count of gaps left unbridged. */
  gaps: number;
}

export function summarize(segments: readonly Segment[], gaps = 0): EnergySummary {
  let kWh = 0;
  let litKWh = 0;
  let litMs = 0;
  let coveredMs = 0;
  for (const s of segments) {
    const ms = s.end - s.start;
    const e = kWhOf(s.watts, ms);
    kWh += e;
    coveredMs += ms;
    if (s.lit) {
      litKWh += e;
      litMs += ms;
    }
  }
  return { kWh, litKWh, burningHours: litMs / MS_PER_H, coveredHours: coveredMs / MS_PER_H, gaps };
}

/** Energy of one lamp (or any load) from its power readings. */
export function lampEnergy(readings: readonly PowerSample[], opts: IntegrationOptions): EnergySummary {
  const maxGap = (opts.maxGapIntervals ?? 3) * opts.intervalMs;
  const ts = readings.map((r) => r.ts).sort((a, b) => a - b);
  let gaps = 0;
  for (let i = 0; i + 1 < ts.length; i++) if (ts[i + 1]! - ts[i]! > maxGap) gaps++;
  return summarize(powerSegments(readings, opts), gaps);
}

// Local days with one UTC offset from midnight to midnight, per zone, the most recent few: every
// instant between their midnights falls on them, so splitting segments needs no Intl call for them
// (a report splits every lamp's span at the same few days).
const uniformDays = new Map<string, { day: string; from: number; to: number }[]>();
const MAX_UNIFORM_DAYS = 64;

/** Calls `visit` with each piece of the segments split at local midnights in `timeZone`. */
export function splitByLocalDay(segments: readonly Segment[], timeZone: string, visit: (day: string, s: Segment, ms: number, start: number, dayStart: number) => void): void {
  let known = uniformDays.get(timeZone);
  if (!known) uniformDays.set(timeZone, (known = []));
  const days = known;
  // The day holding `ms` and the next local midnight: a cached day has both without any date
  // arithmetic (splitting runs per segment, on every report's and every build's path). A day with a
  // DST change (where local dates can step back) is never cached: its instants always take the
  // exact path.
  const dayOf = (ms: number): { day: string; from: number; to: number } => {
    for (const k of days) if (ms >= k.from && ms < k.to) return k;
    const day = localDate(ms, timeZone);
    const from = startOfLocalDay(day, timeZone);
    const to = startOfLocalDay(addDays(day, 1), timeZone);
    if (ms >= from && ms < to && offsetAt(from, timeZone) === offsetAt(to - 1, timeZone)) {
      if (days.length >= MAX_UNIFORM_DAYS) days.shift();
      days.push({ day, from, to });
    }
    return { day, from, to };
  };
  for (const s of segments) {
    let start = s.start;
    while (start < s.end) {
      const { day, from, to } = dayOf(start);
      const end = Math.min(s.end, to);
      visit(day, s, end - start, start, from);
      start = end;
    }
  }
}

/** kWh per local calendar day in `timeZone`; segments crossing local midnight are split there. */
export function energyByLocalDay(segments: readonly Segment[], timeZone: string): Record<string, number> {
  const out: Record<string, number> = {};
  splitByLocalDay(segments, timeZone, (day, s, ms) => (out[day] = (out[day] ?? 0) + kWhOf(s.watts, ms)));
  return out;
}

/** kWh per local month 'YYYY-MM' from per-day totals. */
export function energyByLocalMonth(byDay: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [day, kWh] of Object.entries(byDay)) out[day.slice(0, 7)] = (out[day.slice(0, 7)] ?? 0) + kWh;
  return out;
}

/** Per-lamp values summed per group or per cabinet. */
export function sumBy(
  lamps: readonly Pick<Lamp, 'id' | 'groupId' | 'cabinetId'>[],
  perLamp: Readonly<Record<string, number>>,
  key: 'groupId' | 'cabinetId',
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of lamps) {
    const v = perLamp[l.id];
    if (v !== undefined) out[l[key]] = (out[l[key]] ?? 0) + v;
  }
  return out;
}

/** kg CO2 per kWh used when none is configured (a typical European grid mix figure). */
export const DEFAULT_CO2_KG_PER_KWH = 0.233;

export interface Savings {
  baselineKWh: number;
  actualKWh: number;
  savedKWh: number;
  savedPercent: number;
  savedCO2kg: number;
}

/** Savings of `actualKWh` against `baselineKWh`. */
export function savings(baselineKWh: number, actualKWh: number, co2KgPerKWh = DEFAULT_CO2_KG_PER_KWH): Savings {
  const savedKWh = baselineKWh - actualKWh;
  return {
    baselineKWh,
    actualKWh,
    savedKWh,
    savedPercent: baselineKWh > 0 ? (savedKWh / baselineKWh) * 100 : 0,
    savedCO2kg: savedKWh * co2KgPerKWh,
  };
}

/**
 * Savings of one lamp: the baseline is the same burning hours at the model's full power (undimmed),
 * compared with the energy actually drawn while burning (standby draw outside burning hours is
 * neither baseline nor saving).
 */
export function lampSavings(
  readings: readonly PowerSample[],
  model: Pick<LampModel, 'powerRating' | 'driverLoss'>,
  opts: IntegrationOptions,
  co2KgPerKWh = DEFAULT_CO2_KG_PER_KWH,
): Savings & { burningHours: number } {
  const e = lampEnergy(readings, opts);
  const baseline = (e.burningHours * fullPower(model)) / WH_PER_KWH;
  return { ...savings(baseline, e.litKWh, co2KgPerKWh), burningHours: e.burningHours };
}

/** Savings of many lamps together (sums of baselines and actuals, not an average of percentages). */
export function totalSavings(
  parts: readonly Pick<Savings, 'baselineKWh' | 'actualKWh'>[],
  co2KgPerKWh = DEFAULT_CO2_KG_PER_KWH,
): Savings {
  const b = parts.reduce((s, p) => s + p.baselineKWh, 0);
  const a = parts.reduce((s, p) => s + p.actualKWh, 0);
  return savings(b, a, co2KgPerKWh);
}

export interface MeterBalance {
  meterKWh: number;
  lampsKWh: number;
  /** Meter minus lamps: cable losses, the cabinet's own draw, unmetered or unreported loads. */
  differenceKWh: number;
  /** Difference as a share of the meter reading. */
  differencePercent: number;
  /** Times the register went backwards (replaced or reset meter). */
  registerResets: number;
}

/**
 * The cabinet meter's energy over its readings (cumulative register differences) against the sum of
 * its lamps' energy over the same period. A register that goes backwards was reset or replaced: the
 * new register value is counted as energy since the reset.
 */
export function meterBalance(
  cabinetReadings: readonly { ts: number; activeEnergy: number }[],
  lampsKWh: number,
): MeterBalance {
  const sorted = [...cabinetReadings].sort((a, b) => a.ts - b.ts);
  let meterKWh = 0;
  let registerResets = 0;
  for (let i = 0; i + 1 < sorted.length; i++) {
    const d = sorted[i + 1]!.activeEnergy - sorted[i]!.activeEnergy;
    if (d >= 0) meterKWh += d;
    else {
      registerResets++;
      meterKWh += sorted[i + 1]!.activeEnergy;
    }
  }
  const differenceKWh = meterKWh - lampsKWh;
  return {
    meterKWh,
    lampsKWh,
    differenceKWh,
    differencePercent: meterKWh > 0 ? (differenceKWh / meterKWh) * 100 : 0,
    registerResets,
  };
}
