// Time windows of the charts, kept pure so they are table-tested without a browser: a preset
// (1 h … 7 d) or a custom from/to becomes [from, to] in epoch ms; a drag on the chart or a zoom
// button becomes a narrower window; each window gets a bucket size that keeps a chart to a few
// hundred points; and the hovered values read with their units on a 24-hour clock in a named zone.
import type { T } from '../i18n/index.tsx';
import { translate } from '../i18n/translate.ts';
import { readClockTime } from './clock-time.ts';
import { formatLocale, formatNumber } from './format.ts';

/** English, for the callers that pass no language yet. */
const english: T = (key, params) => translate('en', key, params);

export type RangeKey = '1h' | '6h' | '24h' | '7d' | 'custom';
export interface Window {
  from: number;
  to: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** The presets, shortest first; their words are the dictionaries' range.preset and range.overLast. */
export const PRESETS: { value: Exclude<RangeKey, 'custom'>; ms: number }[] = [
  { value: '1h', ms: HOUR },
  { value: '6h', ms: 6 * HOUR },
  { value: '24h', ms: DAY },
  { value: '7d', ms: 7 * DAY },
];

/** The longest custom window a chart loads (the server answers bucketed means, so a month stays light). */
export const MAX_CUSTOM_MS = 31 * DAY;
/** Narrowest zoom: a drag of a few pixels is a click, not a zoom. */
export const MIN_ZOOM_MS = 2 * MIN;

/** The window a preset stands for, ending now. */
export function presetWindow(key: Exclude<RangeKey, 'custom'>, now: number): Window {
  const p = PRESETS.find((x) => x.value === key)!;
  return { from: now - p.ms, to: now };
}

/** Sizes a bucket may take; the smallest that keeps the window within `maxPoints` wins. */
export const BUCKETS_MS = [MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY] as const;

/** Bucket for a window: 1 h → 1 min (60 points), 24 h → 5 min (288), 7 d → 30 min (336). */
export function bucketFor(spanMs: number, maxPoints = 400): number {
  for (const b of BUCKETS_MS) if (spanMs / b <= maxPoints) return b;
  return BUCKETS_MS[BUCKETS_MS.length - 1]!;
}

/** A drag between two instants (either order) as a window, or null when it is too narrow to mean a zoom. */
export function zoomSelection(a: number, b: number, minMs = MIN_ZOOM_MS): Window | null {
  const from = Math.min(a, b);
  const to = Math.max(a, b);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to - from < minMs) return null;
  return { from: Math.round(from), to: Math.round(to) };
}

/** Zoom buttons: `factor` < 1 narrows around the centre, > 1 widens; never wider than `outer`
 *  (the range chosen) nor narrower than the minimum zoom. */
export function zoomBy(w: Window, factor: number, outer: Window, minMs = MIN_ZOOM_MS): Window {
  const outerSpan = outer.to - outer.from;
  const span = Math.min(outerSpan, Math.max(minMs, (w.to - w.from) * factor));
  const centre = (w.from + w.to) / 2;
  let from = centre - span / 2;
  let to = centre + span / 2;
  if (from < outer.from) [from, to] = [outer.from, outer.from + span];
  if (to > outer.to) [from, to] = [outer.to - span, outer.to];
  return { from: Math.round(from), to: Math.round(to) };
}

// ---- time zones and custom inputs -------------------------------------------------------------

/** The browser's zone: the fallback when the installation names none. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function parts(ms: number, timeZone: string) {
  const f = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const o: Record<string, string> = {};
  for (const p of f.formatToParts(ms)) o[p.type] = p.value;
  return o as { year: string; month: string; day: string; hour: string; minute: string; second: string };
}

/** Offset of the zone from UTC at `ms`, in ms (Europe/Rome in winter: +3 600 000). */
function offsetAt(ms: number, timeZone: string): number {
  const p = parts(ms, timeZone);
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - Math.floor(ms / 1000) * 1000;
}

/** Date and time inputs' values ("2026-12-06", "14:05") of an instant in a zone. */
export function toInputs(ms: number, timeZone: string): { date: string; time: string } {
  const p = parts(ms, timeZone);
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** The instant a wall-clock date and time in a zone stand for; null when they do not parse. A time
 *  in a spring-forward gap moves forward by the gap (02:30 → 03:30); one a fall-back repeats is
 *  its earlier instant (as Temporal's "compatible" disambiguation). */
export function fromInputs(date: string, time: string, timeZone: string): number | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = readClockTime(time, { strict: true });
  if (!d || !t) return null;
  const [y, mo, da] = [d[1], d[2], d[3]].map(Number) as [number, number, number];
  if (mo < 1 || mo > 12 || da < 1 || da > 31) return null;
  const wall = Date.UTC(y, mo - 1, da, t.hour, t.minute);
  if (new Date(wall).getUTCDate() !== da) return null;
  const before = wall - offsetAt(wall - 12 * HOUR, timeZone);
  const after = wall - offsetAt(wall + 12 * HOUR, timeZone);
  const same = (ms: number) => {
    const p = toInputs(ms, timeZone);
    return p.date === date && p.time === time;
  };
  const fits = [before, after].filter(same);
  return fits.length ? Math.min(...fits) : before;
}

/** Why a custom window cannot be shown (worded by the dictionaries' range.problem), or null. */
export type CustomProblem = 'noStart' | 'noEnd' | 'endBeforeStart' | 'future' | 'tooLong';

export function customProblem(w: { from: number | null; to: number | null }, now: number): CustomProblem | null {
  if (w.from === null) return 'noStart';
  if (w.to === null) return 'noEnd';
  if (w.to <= w.from) return 'endBeforeStart';
  if (w.from > now) return 'future';
  if (w.to - w.from > MAX_CUSTOM_MS) return 'tooLong';
  return null;
}

// ---- legend ------------------------------------------------------------------------------------

/** The hovered instant on a 24-hour clock in the zone: "6 Dec 14:05" (with seconds under 10 minutes' span). */
export function formatCursorTime(ms: number, timeZone: string, seconds = false, locale = formatLocale()): string {
  return new Intl.DateTimeFormat(locale, { timeZone, hourCycle: 'h23', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) }).format(ms);
}

/** A value with its unit as the legend reads it: "SpO₂ 94 %", "HR 88 /min", "Temperature 37.2 °C";
 *  "—" for no value at that instant. */
export function formatLegendValue(label: string, v: number | null | undefined, unit?: string, decimals = 0, locale = formatLocale()): string {
  // In the console's locale: "1.278 kWh" would read as a thousand and more in Italian.
  const value = v === null || v === undefined || !Number.isFinite(v) ? '—' : `${formatNumber(v, decimals, locale)}${unit ? ` ${unit}` : ''}`;
  return `${label} ${value}`;
}

/** The period a chart's text alternative names: "over the last 7 days", "from 6 Dec, 10:00 to 6 Dec, 11:00". */
export function describeWindow(key: RangeKey, w: Window, zoomed: boolean, timeZone: string, t: T = english): string {
  const preset = PRESETS.find((p) => p.value === key);
  if (preset && !zoomed) return t(`range.overLast.${preset.value}`);
  return t('range.between', { from: formatCursorTime(w.from, timeZone), to: formatCursorTime(w.to, timeZone) });
}
