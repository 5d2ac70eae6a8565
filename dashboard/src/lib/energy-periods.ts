// The energy page shows recent days finely and older ones coarser: the last 7 days as one bar per
// day, the days before them as one bar per week (Monday to Sunday, in the installation's calendar
// days as the server reports them), so a month stays readable on a 1024 px screen.
import type { EnergySeries } from './lighting.ts';

export const RECENT_DAYS = 7;

/** "YYYY-MM-DD" plus n days (calendar arithmetic on the date alone, no time zone involved). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
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
