// Arithmetic of the energy roll-up: per lamp and local day, the sums the energy report needs
// (energy, energy while burning, burning time) and the same sums per hour of the day, kept up to date
// at ingest and held in one record per lamp and local month, so a month's report reads about two
// records per lamp instead of every reading, and a partial day only its partial first and last hour
// raw (docs/architecture.md "Energy roll-up").
//
// The roll-up counts exactly the segments the raw integration (energy.ts) makes between two stored
// readings, up to the lamp's cursor (its newest counted reading); the segment from the cursor on is
// open (the next reading closes it) and is always read raw, like the tail a report holds until its
// end. A reading newer than the cursor closes one segment (`advance`); a reading at or before the
// cursor (late, out of order, or a duplicate) changes segments already counted, so the local days
// it can touch (`daysTouched`) are recomputed from the stored readings instead of patched.
import { powerSegments, splitByLocalDay, type PowerSample, type Segment } from './energy.ts';
import { addDays, localDate, startOfLocalDay } from './tz.ts';

const HOUR_MS = 3_600_000;

/** One hour's sums, [kWh, litKWh, litMs] (a month record holds some 740, as text: `encodeHours`). */
export type HourSums = [number, number, number];

/** One lamp's sums over one local day. */
export interface DaySums {
  kWh: number;
  /** Energy while burning (the savings compare it with the baseline). */
  litKWh: number;
  /** Burning time, ms (baseline = burning time at the model's full power). */
  litMs: number;
  /**
   * The same sums per hour of the day: `hours[k]` over [midnight + k h, midnight + (k + 1) h),
   * clipped to the day's end, so a DST day has 23 or 25 (keyed by real hours from the day's start,
   * not by wall-clock hour, which repeats or skips). Shorter when the last hours hold nothing yet.
   * Missing on a day written before hours were kept: its partial parts are read raw.
   */
  hours?: HourSums[];
}

/** The newest reading a lamp's roll-up has counted. */
export interface Cursor {
  ts: number;
  activePower: number;
  powerState: PowerSample['powerState'];
}

/** A day with nothing counted yet: its hours are known (all zero). */
export const zeroDay = (): DaySums => ({ kWh: 0, litKWh: 0, litMs: 0, hours: [] });

/** `a` + `b`; with hours only when both have them (a day without hours stays without). */
export function addDay(a: DaySums, b: DaySums): DaySums {
  const out: DaySums = { kWh: a.kWh + b.kWh, litKWh: a.litKWh + b.litKWh, litMs: a.litMs + b.litMs };
  if (a.hours && b.hours) {
    const [x, y] = a.hours.length >= b.hours.length ? [a.hours, b.hours] : [b.hours, a.hours];
    out.hours = x.map((h, k) => {
      const o = y[k];
      return o ? [h[0] + o[0], h[1] + o[1], h[2] + o[2]] : [h[0], h[1], h[2]];
    });
  }
  return out;
}

/** Sums of hours [k0, k1) (missing hours hold nothing). */
export function hoursSum(hours: readonly HourSums[], k0: number, k1: number): DaySums {
  const out: DaySums = { kWh: 0, litKWh: 0, litMs: 0 };
  for (let k = Math.max(0, k0); k < Math.min(k1, hours.length); k++) {
    out.kWh += hours[k]![0];
    out.litKWh += hours[k]![1];
    out.litMs += hours[k]![2];
  }
  return out;
}

/** Sums per local day of segments, split at local midnights in `timeZone`, and per hour of each day. */
export function daySums(segments: readonly Segment[], timeZone: string): Map<string, DaySums> {
  const out = new Map<string, DaySums>();
  splitByLocalDay(segments, timeZone, (day, s, ms, start, dayStart) => {
    let d = out.get(day);
    if (!d) out.set(day, (d = zeroDay()));
    const kWh = (s.watts * ms) / 3.6e9;
    d.kWh += kWh;
    if (s.lit) {
      d.litKWh += kWh;
      d.litMs += ms;
    }
    const hours = d.hours!;
    for (let t = start, e = start + ms; t < e; ) {
      const k = Math.floor((t - dayStart) / HOUR_MS);
      const to = Math.min(e, dayStart + (k + 1) * HOUR_MS);
      while (hours.length <= k) hours.push([0, 0, 0]);
      const h = hours[k]!;
      const part = (s.watts * (to - t)) / 3.6e9;
      h[0] += part;
      if (s.lit) {
        h[1] += part;
        h[2] += to - t;
      }
      t = to;
    }
  });
  return out;
}

/** Adds `b` into `a`, day by day. */
export function mergeDays(a: Map<string, DaySums>, b: ReadonlyMap<string, DaySums>): Map<string, DaySums> {
  for (const [day, v] of b) a.set(day, addDay(a.get(day) ?? zeroDay(), v));
  return a;
}

/**
 * New readings of one lamp against its cursor: those after it are chained from it (the segments
 * they close, as the raw integration makes them), the rest are `late`. A missing cursor means
 * nothing was counted yet: the first reading only opens a segment.
 */
export function advance(
  cursor: Cursor | null,
  readings: readonly PowerSample[],
  maxGapMs: number,
): { segments: Segment[]; cursor: Cursor | null; late: PowerSample[] } {
  const sorted = [...readings].sort((a, b) => a.ts - b.ts);
  const late: PowerSample[] = [];
  const chain: PowerSample[] = cursor ? [cursor] : [];
  for (const r of sorted) {
    const head = chain.at(-1);
    // Equal times: the raw integration makes no segment between them, and which one holds after
    // depends on store order, so a tie goes the recompute way.
    if (head && r.ts <= head.ts) late.push(r);
    else chain.push(r);
  }
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < chain.length; i++) {
    const a = chain[i]!;
    const b = chain[i + 1]!;
    if (b.ts - a.ts <= maxGapMs) segments.push({ start: a.ts, end: b.ts, watts: a.activePower, lit: a.powerState !== 'off' });
  }
  const last = chain.at(-1);
  return { segments, cursor: last ? { ts: last.ts, activePower: last.activePower, powerState: last.powerState } : null, late };
}

/** Local days whose segments a reading at `ts` can change: a segment touching it is at most one gap long. */
export function daysTouched(ts: number, maxGapMs: number, timeZone: string): string[] {
  const first = localDate(ts - maxGapMs, timeZone);
  const last = localDate(ts + maxGapMs, timeZone);
  const out = [first];
  while (out.at(-1)! < last) out.push(addDays(out.at(-1)!, 1));
  return out;
}

/** One local day's sums from the stored readings around it (a gap either side), counted up to `through`. */
export function recomputeDay(readings: readonly PowerSample[], day: string, through: number, o: { timeZone: string; intervalMs: number; maxGapIntervals?: number }): DaySums {
  const from = startOfLocalDay(day, o.timeZone);
  const to = Math.min(startOfLocalDay(addDays(day, 1), o.timeZone), through);
  if (!(to > from)) return zeroDay();
  const segs = powerSegments(readings, { intervalMs: o.intervalMs, ...(o.maxGapIntervals ? { maxGapIntervals: o.maxGapIntervals } : {}), window: { from, to } });
  return daySums(segs, o.timeZone).get(day) ?? zeroDay();
}

/**
 * A day's sums as the roll-up holds them: counted up to `through`, its hours in `h` as text
 * (`encodeHours`): a report opens some 1,000 month records and needs the hours of at most two days
 * per lamp, and text is read far faster than 2,000 numbers a record. No `h`: a day written before
 * hours were kept.
 */
export type RolledDay = Omit<DaySums, 'hours'> & { through: number; h?: string };

/**
 * Hours as text, ';' between hours, ',' between fields, the shortest exact form of each number:
 * `kWh` for an hour not burning, `kWh,litMs` for one burning throughout (litKWh = kWh), else
 * `kWh,litKWh,litMs`; an empty text for no hours.
 */
export function encodeHours(hours: readonly HourSums[]): string {
  return hours.map(([k, l, ms]) => (l === 0 && ms === 0 ? `${k}` : l === k ? `${k},${ms}` : `${k},${l},${ms}`)).join(';');
}

/** The hours `encodeHours` wrote; undefined for a text it did not write (the day is then read raw). */
export function decodeHours(text: string): HourSums[] | undefined {
  if (text === '') return [];
  const out: HourSums[] = [];
  for (const part of text.split(';')) {
    const f = part.split(',').map((x) => (x === '' ? NaN : Number(x)));
    if (f.length > 3 || f.some((x) => !Number.isFinite(x))) return undefined;
    out.push(f.length === 1 ? [f[0]!, 0, 0] : f.length === 2 ? [f[0]!, f[0]!, f[1]!] : [f[0]!, f[1]!, f[2]!]);
  }
  return out;
}

/** A day's sums as the roll-up holds them, counted up to `through`. */
export function rolledDay(d: DaySums, through: number): RolledDay {
  return { kWh: d.kWh, litKWh: d.litKWh, litMs: d.litMs, through, ...(d.hours ? { h: encodeHours(d.hours) } : {}) };
}

/** A held day as sums to add to (with its hours when it has them). */
function heldDay(d: RolledDay): DaySums {
  const hours = d.h === undefined ? undefined : decodeHours(d.h);
  return { kWh: d.kWh, litKWh: d.litKWh, litMs: d.litMs, ...(hours ? { hours } : {}) };
}

/** How a report over [from, end) splits for one lamp: whole local days served by the roll-up, the rest raw. */
export interface ReportPlan {
  /** Raw spans, each with whether the report's end holds the last reading (only the span ending at `end`). */
  raw: { from: number; to: number; holdToEnd: boolean }[];
  /** Whole local days read from the roll-up, in order. */
  days: string[];
  /** The day of the lamp's cursor when the report reaches the cursor: its record counts
   *  the day up to the record's `through`, so the last raw span may start there instead (`openTail`). */
  open: { day: string; start: number; end: number } | null;
  /** The partial first day when whole in the roll-up (before the cursor): `closedHead` may read it
   *  as its record minus the part before the report's start, when that part is the shorter. */
  head: { day: string; start: number } | null;
  /** The partial first day's whole hours (from hour `k` on, starting `at`): `rolledHours` reads
   *  them from the day's hours, and only [report's start, at) raw. */
  headHours: { day: string; k: number; at: number } | null;
  /** A report ending before the cursor: the whole hours (before hour `k`, which starts `at`) of the
   *  day holding its held tail, which `rolledHours` reads from the day's hours; raw from `at`. */
  tailHours: { day: string; k: number; at: number } | null;
}

/**
 * The raw spans of a plan with the partial days' whole hours taken from their records' hours: the
 * partial first day raw only up to its first whole hour, the held tail's day only from the hour
 * holding the last gap before the end. A day without a record, or whose record has no hours
 * (written before hours were kept), keeps its span raw. `sums`: what the hours add, per day;
 * `head`: whether the first day's span was cut (then `closedHead` does not apply).
 */
export function rolledHours(
  raw: ReportPlan['raw'],
  plan: Pick<ReportPlan, 'headHours' | 'tailHours'>,
  headRec: RolledDay | undefined,
  tailRec: RolledDay | undefined,
): { raw: ReportPlan['raw']; sums: Map<string, DaySums>; head: boolean } {
  const out = [...raw];
  const sums = new Map<string, DaySums>();
  let head = false;
  const h = plan.headHours;
  const first = out[0];
  const headHours = h && headRec?.h !== undefined ? decodeHours(headRec.h) : undefined;
  if (h && headHours && first && !first.holdToEnd && first.from <= h.at && first.to > h.at) {
    // Starting on a whole hour: nothing of the first day is left raw.
    if (h.at > first.from) out[0] = { ...first, to: h.at };
    else out.shift();
    sums.set(h.day, hoursSum(headHours, h.k, Infinity));
    head = true;
  }
  const t = plan.tailHours;
  const last = out.at(-1);
  const tailHours = t && tailRec?.h !== undefined ? decodeHours(tailRec.h) : undefined;
  if (t && tailHours && last && last.holdToEnd && last.from <= t.at - t.k * HOUR_MS && last.to > t.at) {
    out[out.length - 1] = { ...last, from: t.at };
    sums.set(t.day, hoursSum(tailHours, 0, t.k));
  }
  return { raw: out, sums, head };
}

/**
 * The raw spans of a plan with its partial first day read as the day's record minus the part
 * before `from` (`minus`, integrated raw and subtracted), when that part is shorter than the rest
 * of the day; otherwise, or without a record, the spans unchanged.
 */
export function closedHead(raw: ReportPlan['raw'], plan: Pick<ReportPlan, 'head'>, rec: RolledDay | undefined, from: number): { raw: ReportPlan['raw']; minus: { from: number; to: number } | null } {
  const first = raw[0];
  if (!plan.head || !rec || !first || first.from !== from || first.holdToEnd || from - plan.head.start >= first.to - from) return { raw, minus: null };
  return { raw: raw.slice(1), minus: { from: plan.head.start, to: from } };
}

/**
 * The last raw span of a plan with an open day, moved to start where the open day's record stops
 * counting: the record then stands for [start, through). Without a usable record (none, or one
 * written past the report's tail after the cursors were read) the span stays whole and the record
 * is not used.
 */
export function openTail(plan: ReportPlan, rec: RolledDay | undefined, end: number, maxGapMs: number): { raw: ReportPlan['raw']; useRecord: boolean } {
  const tail = plan.raw.at(-1);
  if (!plan.open || !rec || !tail || typeof rec.through !== 'number' || rec.through < plan.open.start || rec.through > end) return { raw: plan.raw, useRecord: false };
  // A record counted past its day's end (a segment over midnight advanced it) holds the whole day:
  // raw from that midnight on.
  return { raw: [...plan.raw.slice(0, -1), { ...tail, from: Math.min(rec.through, plan.open.end) }], useRecord: true };
}

/** The local days of a report over [from, end): the first midnight at or after `from`, and each
 *  whole or partial day from it on with its start. Computed once per report, shared by its lamps. */
export interface ReportCalendar {
  from: number;
  end: number;
  /** First local midnight at or after `from`. */
  a: number;
  /** The local day holding `from` when `from` is not a midnight (the report's partial first day). */
  head: { day: string; start: number } | null;
  days: { day: string; start: number }[];
}

export function reportCalendar(from: number, end: number, timeZone: string): ReportCalendar {
  const firstDay = localDate(from, timeZone);
  const a = startOfLocalDay(firstDay, timeZone) === from ? from : startOfLocalDay(addDays(firstDay, 1), timeZone);
  const days: ReportCalendar['days'] = [];
  for (let d = localDate(a, timeZone), start = a; start < end; d = addDays(d, 1), start = startOfLocalDay(d, timeZone)) days.push({ day: d, start });
  return { from, end, a, days, head: a > from ? { day: firstDay, start: startOfLocalDay(firstDay, timeZone) } : null };
}

/**
 * Splits [from, end) at local midnights: whole days before the lamp's cursor come from the roll-up,
 * and the cursor's day is open (its record counts it up to the cursor, the rest is read raw from
 * there, holding the last reading until `end` as a raw report does). A cursor after `end` (readings
 * newer than the report) counted segments a report ending at `end` does not make (the last reading
 * before `end` is held to `end` when the next lies past it): then whole days before the report's
 * open tail (the last gap before `end`) come from the roll-up and the rest is raw. The partial
 * first day is raw, except its whole hours (`headHours`), and so is the held tail's day, except its
 * whole hours before the last gap (`tailHours`): `rolledHours` takes them from the days' hours when
 * their records have them. A lamp without a cursor is read raw whole.
 */
export function reportPlan(cal: ReportCalendar, cursorTs: number | null, maxGapMs: number): ReportPlan {
  const { from, end, a } = cal;
  if (!(end > from)) return { raw: [], days: [], open: null, head: null, headHours: null, tailHours: null };
  const whole: ReportPlan = { raw: [{ from, to: end, holdToEnd: true }], days: [], open: null, head: null, headHours: null, tailHours: null };
  if (cursorTs === null) return whole;
  const x = cursorTs <= end ? cursorTs : end - maxGapMs;
  // The start of the day holding x: the last day start at or before it.
  let i = cal.days.length - 1;
  while (i >= 0 && cal.days[i]!.start > x) i--;
  // The cursor's day counts up to the cursor: open, if the report reaches the cursor.
  const open = i >= 0 && cursorTs <= end ? { ...cal.days[i]!, end: cal.days[i + 1]?.start ?? end } : null;
  // x in the partial first day: nothing whole in the roll-up. In the first whole day without an
  // open day: no whole day, but the first day's hours, and the tail day's before the last gap, are.
  if (i < 0) return whole;
  const b = cal.days[i]!.start;
  const raw: ReportPlan['raw'] = [];
  if (a > from) raw.push({ from, to: a, holdToEnd: false });
  raw.push({ from: b, to: end, holdToEnd: true });
  // The cursor lies after the first midnight here: the partial first day is whole in the roll-up,
  // and so are its whole hours.
  const head = a > from ? cal.head : null;
  let headHours: ReportPlan['headHours'] = null;
  if (head) {
    const k = Math.ceil((from - head.start) / HOUR_MS);
    if (head.start + k * HOUR_MS < a) headHours = { day: head.day, k, at: head.start + k * HOUR_MS };
  }
  // Without an open day, the hours of the tail's day before the last gap are whole in the roll-up.
  const tailHours = open ? null : tailHoursOf(cal, i, x);
  return { raw, days: cal.days.slice(0, i).map((d) => d.day), open, head, headHours, tailHours };
}

/** The whole hours of day `i` of a report before `x` (where its held tail's last gap starts). */
function tailHoursOf(cal: ReportCalendar, i: number, x: number): ReportPlan['tailHours'] {
  const { day, start } = cal.days[i]!;
  const k = Math.floor((x - start) / HOUR_MS);
  return k >= 1 ? { day, k, at: start + k * HOUR_MS } : null;
}

/** The days of one lamp and local month as its month record holds them, by local day. */
export type MonthDays = Record<string, RolledDay>;

/** The local month ('YYYY-MM') of a local day: a day belongs to the month of its local date, so
 *  a month's edges are local midnights of the installation's zone, not UTC ones. */
export const monthOfDay = (day: string): string => day.slice(0, 7);

/** The local months `days` fall in, in order. */
export function monthsOf(days: Iterable<string>): string[] {
  return [...new Set([...days].map(monthOfDay))].sort();
}

/**
 * New contents of the month records a change touches: days in `set` are replaced (recomputed, or
 * built), days in `add` get the segments just counted added to what they held, both now counted
 * up to `through`; the other days of those months stay as they were. `current` holds the touched
 * months' days before the change (a month missing there had none).
 */
export function updateMonths(
  current: ReadonlyMap<string, Readonly<MonthDays>>,
  set: ReadonlyMap<string, DaySums>,
  add: ReadonlyMap<string, DaySums>,
  through: number,
): Map<string, MonthDays> {
  const out = new Map<string, MonthDays>();
  const month = (day: string) => {
    const m = monthOfDay(day);
    let days = out.get(m);
    if (!days) out.set(m, (days = { ...current.get(m) }));
    return days;
  };
  for (const [day, v] of set) month(day)[day] = rolledDay(v, through);
  for (const [day, v] of add) {
    if (set.has(day)) continue;
    const days = month(day);
    const held = days[day];
    days[day] = rolledDay(addDay(held ? heldDay(held) : zeroDay(), v), through);
  }
  return out;
}
