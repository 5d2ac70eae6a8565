// Local calendar arithmetic in an IANA time zone with the built-in Intl API only.
// Every function takes the instant (epoch ms) and the zone explicitly; nothing reads the clock.

const DAY_MS = 86_400_000;

export interface LocalParts {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// Intl formatters are costly to build and immutable once built, so one per zone is kept.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23', // never "24" for midnight
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows `timeZone` as an IANA zone. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading in `timeZone` at instant `ms`. */
export function localParts(ms: number, timeZone: string): LocalParts {
  const out: LocalParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type in out) out[p.type as keyof LocalParts] = Number(p.value);
  }
  return out;
}

/** UTC offset of `timeZone` at instant `ms`, in ms (east positive: Madrid in summer = +7 200 000). */
export function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000; // Intl resolves to the second
  const p = localParts(whole, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local calendar date 'YYYY-MM-DD' of instant `ms` in `timeZone`. */
export function localDate(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** Local 'YYYY-MM' of instant `ms` in `timeZone`. */
export function localMonth(ms: number, timeZone: string): string {
  return localDate(ms, timeZone).slice(0, 7);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function parseDate(date: string): { year: number; month: number; day: number } {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`no such calendar date: ${date}`);
  }
  return { year, month, day };
}

export function isCalendarDate(date: string): boolean {
  try {
    parseDate(date);
    return true;
  } catch {
    return false;
  }
}

/** Minutes after local midnight for 'HH:MM'. */
export function parseTime(time: string): number {
  const m = TIME_RE.exec(time);
  if (!m) throw new RangeError(`not a clock time (HH:MM): ${time}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Calendar date `n` days after `date` (pure calendar arithmetic, no zone involved). */
export function addDays(date: string, n: number): string {
  const { year, month, day } = parseDate(date);
  const d = new Date(Date.UTC(year, month - 1, day + n));
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Whole days from `a` to `b` (b - a). */
export function daysBetween(a: string, b: string): number {
  const pa = parseDate(a);
  const pb = parseDate(b);
  return Math.round((Date.UTC(pb.year, pb.month - 1, pb.day) - Date.UTC(pa.year, pa.month - 1, pa.day)) / DAY_MS);
}

export type WallTimeResolution = 'exact' | 'gap' | 'overlap';

/**
 * The instant at which the wall clock in `timeZone` reads `date` + `minutes` after midnight.
 *
 * DST rules (documented for the schedule, see schedule.ts):
 * - gap (spring forward, e.g. 02:30 on 2026-03-29 in Europe/Madrid does not exist): the first
 *   valid instant after it, i.e. the transition itself (03:00 CEST). The wall clock jumps over the
 *   requested time, so the step runs the moment the clock passes it.
 * - overlap (fall back, e.g. 01:30 on 2026-11-01 in America/New_York happens twice): the first
 *   occurrence (the earlier instant, still on summer time). It runs once.
 */
export function zonedTimeToUtc(
  date: string,
  minutes: number,
  timeZone: string,
): { ms: number; resolution: WallTimeResolution } {
  const { year, month, day } = parseDate(date);
  const wall = Date.UTC(year, month - 1, day) + minutes * 60_000; // the wall reading as if it were UTC
  // Offsets one day either side bracket the instant (|offset| <= 14 h); DST changes are months apart,
  // so at most one transition lies between them.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [...new Set([wall - before, wall - after])].sort((a, b) => a - b);
  const valid = candidates.filter((c) => c + offsetAt(c, timeZone) === wall);
  if (valid.length > 0) {
    return { ms: valid[0]!, resolution: valid.length > 1 ? 'overlap' : 'exact' };
  }
  // In a gap: the transition lies between the two candidates; find it to the second.
  let lo = candidates[0]!; // still on the old offset
  let hi = candidates[candidates.length - 1]!; // already on the new offset
  const oldOffset = offsetAt(lo, timeZone);
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (mid <= lo) break;
    if (offsetAt(mid, timeZone) === oldOffset) lo = mid;
    else hi = mid;
  }
  return { ms: hi, resolution: 'gap' };
}

// Local midnights are asked for again and again (every energy report splits every lamp's span at
// them, each costing several Intl calls): pure, so kept, a bounded number at a time.
const midnights = new Map<string, number>();
const MAX_MIDNIGHTS = 20_000;

/** Instant of local midnight starting `date` in `timeZone` (a gap at midnight resolves forward). */
export function startOfLocalDay(date: string, timeZone: string): number {
  const key = `${timeZone}|${date}`;
  let ms = midnights.get(key);
  if (ms === undefined) {
    ms = zonedTimeToUtc(date, 0, timeZone).ms;
    if (midnights.size >= MAX_MIDNIGHTS) midnights.clear();
    midnights.set(key, ms);
  }
  return ms;
}
