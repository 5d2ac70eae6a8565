// The energy page shows recent days finely and older ones coarser: the last 7 days as one bar per
// day, the days before them as one bar per week (Monday to Sunday, in the installation's calendar
// days as the server reports them), so a month stays readable on a 1024 px screen. Days are the
// installation's local days: "today" and the start of a span are read in its zone, not in UTC
// nor in the browser's, so the bars match the server's roll-up per local day.
import type { EnergySeries } from './lighting.ts';

export const RECENT_DAYS = 7;

/** "YYYY-MM-DD" plus n days (calendar arithmetic on the date alone, no time zone involved). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** "YYYY-MM-DD" of an instant in a time zone (the installation's local day). */
export function localDay(ms: number, timeZone: string): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(ms).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

export type EnergySpan = '7d' | '30d' | '12m';

/** The first local day a span shows up to `today`: 7 or 30 days including today, or the first of
 *  the month 11 months back (12 whole months with this one). */
export function spanStart(span: EnergySpan, today: string): string {
  if (span === '7d') return addDays(today, -6);
  if (span === '30d') return addDays(today, -29);
  const [y, m] = today.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m - 1 - 11, 1));
  return first.toISOString().slice(0, 10);
}

/** A period as people read it in a locale: a day ("6 Dec", "6 dic") or a month ("Dec 2026"). The
 *  period is already a local day of the installation, so it is written as a calendar date. */
export function periodLabel(period: string, locale: string): string {
  const [y, m, d] = period.split('-').map(Number) as [number, number, number | undefined];
  const at = Date.UTC(y, m - 1, d ?? 15, 12);
  return new Intl.DateTimeFormat(locale, d === undefined ? { month: 'short', year: 'numeric', timeZone: 'UTC' } : { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(at);
}

/** The Monday of the week a day falls in. */
export function weekOf(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const dow = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(day, -dow);
}

export interface WeekSeries extends EnergySeries {
  /** How many days of each week the data covers (a week cut by the range has fewer). */
  days: number[];
}

/** Daily totals split at the recent days: those from `today - (recent - 1)` on stay per day, the
 *  older ones are summed per week. */
export function splitByAge(daily: EnergySeries, today: string, recent = RECENT_DAYS): { recent: EnergySeries; older: WeekSeries } {
  const first = addDays(today, -(recent - 1));
  const out = { recent: { periods: [] as string[], actual: [] as number[], baseline: [] as number[] }, older: { periods: [] as string[], actual: [] as number[], baseline: [] as number[], days: [] as number[] } };
  daily.periods.forEach((p, i) => {
    const actual = daily.actual[i] ?? 0;
    const baseline = daily.baseline[i] ?? 0;
    if (p >= first) {
      out.recent.periods.push(p);
      out.recent.actual.push(actual);
      out.recent.baseline.push(baseline);
      return;
    }
    const w = weekOf(p);
    const o = out.older;
    const at = o.periods.indexOf(w);
    if (at < 0) {
      o.periods.push(w);
      o.actual.push(actual);
      o.baseline.push(baseline);
      o.days.push(1);
    } else {
      o.actual[at]! += actual;
      o.baseline[at]! += baseline;
      o.days[at]! += 1;
    }
  });
  return out;
}
