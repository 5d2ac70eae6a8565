// Formatting for people: times, durations, numbers and vital signs with their units. The locale
// is the console's language (set by the i18n provider, British English until then) and the time
// zone the browser's, unless a caller passes them (tests do, for stable output).

export interface FormatOptions {
  locale?: string;
  timeZone?: string;
}

let activeLocale = 'en-GB';

/** The locale every formatter uses when its caller names none (dashboard/src/i18n sets it). */
export function setFormatLocale(tag: string): void {
  activeLocale = tag;
}

export const formatLocale = (): string => activeLocale;

// Times read on a 24-hour clock in every locale (hourCycle h23): a shift runs through midnight.
export function formatTime(ms: number, o: FormatOptions = {}): string {
  return new Intl.DateTimeFormat(o.locale ?? activeLocale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: o.timeZone }).format(ms);
}

export function formatDateTime(ms: number, o: FormatOptions = {}): string {
  return new Intl.DateTimeFormat(o.locale ?? activeLocale, {
    day: '2-digit',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZone: o.timeZone,
  }).format(ms);
}

export function formatDate(ms: number, o: FormatOptions = {}): string {
  return new Intl.DateTimeFormat(o.locale ?? activeLocale, { day: '2-digit', month: 'short', year: 'numeric', timeZone: o.timeZone }).format(ms);
}

// Compact relative times by language (Intl.RelativeTimeFormat's short style reads "45 sec." and
// "l'altro ieri": too loose for a list scanned at a glance).
const AGO_WORDS: Record<string, { now: string; day: string; past: (t: string) => string; future: (t: string) => string }> = {
  en: { now: 'just now', day: 'd', past: (t) => `${t} ago`, future: (t) => `in ${t}` },
  it: { now: 'adesso', day: 'g', past: (t) => `${t} fa`, future: (t) => `tra ${t}` },
};

/** "just now", "45 s ago", "12 min ago", "3 h ago", "2 d ago"; future times "in 5 min" (in
 *  Italian "adesso", "12 min fa", "tra 5 min"). */
export function formatAgo(ms: number, now: number, o: FormatOptions = {}): string {
  const words = AGO_WORDS[(o.locale ?? activeLocale).slice(0, 2).toLowerCase()] ?? AGO_WORDS.en!;
  const d = now - ms;
  const future = d < 0;
  const s = Math.abs(d) / 1000;
  if (s < 5) return words.now;
  let text: string;
  if (s < 60) text = `${Math.floor(s)} s`;
  else if (s < 3600) text = `${Math.floor(s / 60)} min`;
  else if (s < 86_400) text = `${Math.floor(s / 3600)} h`;
  else text = `${Math.floor(s / 86_400)} ${words.day}`;
  return future ? words.future(text) : words.past(text);
}

/** "1 h 05 min", "12 min", "40 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, '0')} min`;
}

export function formatNumber(v: number | null | undefined, decimals = 0, locale = activeLocale): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(v);
}

/** A vital sign's unit and scale; its name (long and short) is the dictionaries' vital and vitalShort. */
export interface VitalMeta {
  unit: string;
  decimals: number;
  /** A sensible fixed axis range for charts, so a quiet trace does not look dramatic. */
  range: [number, number];
}

/** Vital-sign parameters of the healthcare pilot (pilots/healthcare/domain/vitals.ts keys). */
export const VITALS: Record<string, VitalMeta> = {
  heartRate: { unit: '/min', decimals: 0, range: [30, 160] },
  respiratoryRate: { unit: '/min', decimals: 0, range: [5, 40] },
  spo2: { unit: '%', decimals: 0, range: [80, 100] },
  temperature: { unit: '°C', decimals: 1, range: [34, 41] },
  systolic: { unit: 'mmHg', decimals: 0, range: [70, 200] },
  diastolic: { unit: 'mmHg', decimals: 0, range: [40, 120] },
  weight: { unit: 'kg', decimals: 1, range: [30, 150] },
  glucose: { unit: 'mmol/L', decimals: 1, range: [2, 20] },
};

export function formatVital(key: string, v: number | null | undefined): string {
  const meta = VITALS[key];
  if (!meta) return formatNumber(v, 1);
  const n = formatNumber(v, meta.decimals);
  return n === '—' ? n : `${n} ${meta.unit}`;
}

export function ageFrom(birthDate: string, now: number): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return null;
  const today = new Date(now);
  let age = today.getUTCFullYear() - Number(m[1]);
  const beforeBirthday = today.getUTCMonth() + 1 < Number(m[2]) || (today.getUTCMonth() + 1 === Number(m[2]) && today.getUTCDate() < Number(m[3]));
  if (beforeBirthday) age--;
  return age;
}

/** "device:hc-1a2b3c4d-ox" → "hc-1a2b3c4d-ox"; "user:ward-nurse" → "ward-nurse". */
export function handleName(handle: string): string {
  const i = handle.indexOf(':');
  return i >= 0 ? handle.slice(i + 1) : handle;
}

const WORDS: Record<string, string> = { news2: 'NEWS2', spo2: 'SpO₂', hr: 'HR', co2: 'CO₂' };

/** A code as words in sentence case: "device-offline" → "Device offline"; known abbreviations keep
 *  their spelling ("news2" → "NEWS2"). */
export function titleCase(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .split(/[-_.]/)
    .filter(Boolean)
    .map((w, i) => WORDS[w.toLowerCase()] ?? (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : /^[A-Z][a-z]/.test(w) ? w.toLowerCase() : w))
    .join(' ');
}

/** Labels of a time axis (uPlot splits, epoch seconds): 24-hour clock times, with the date under
 *  the first tick and wherever the day changes; whole days as dates. */
export function timeTicks(splits: readonly number[], incrSec: number, o: FormatOptions = {}): string[] {
  const day = new Intl.DateTimeFormat(o.locale ?? activeLocale, { day: 'numeric', month: 'short', timeZone: o.timeZone });
  if (incrSec >= 86_400) return splits.map((s) => day.format(s * 1000));
  let prev = '';
  return splits.map((s) => {
    const d = day.format(s * 1000);
    const t = formatTime(s * 1000, o);
    const label = d !== prev ? `${t}\n${d}` : t;
    prev = d;
    return label;
  });
}

/** "23 Nov, 21:15": a day and a time, no seconds. */
export function formatDayTime(ms: number, o: FormatOptions = {}): string {
  return new Intl.DateTimeFormat(o.locale ?? activeLocale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: o.timeZone }).format(ms);
}

/** Energy in the unit that reads best: "12.4 MWh", "1,520 kWh", "3.2 kWh", "640 Wh", "12 Wh". */
export function formatEnergy(kWh: number): string {
  const a = Math.abs(kWh);
  if (a >= 10_000) return `${formatNumber(kWh / 1000, 1)} MWh`;
  if (a >= 100) return `${formatNumber(kWh, 0)} kWh`;
  if (a >= 1) return `${formatNumber(kWh, 1)} kWh`;
  if (a * 1000 >= 10) return `${formatNumber(kWh * 1000, 0)} Wh`;
  return `${formatNumber(kWh * 1000, 1)} Wh`;
}

/** Mass of CO2: "1.2 t", "35 kg", "4.1 kg", "250 g". */
export function formatMass(kg: number): string {
  const a = Math.abs(kg);
  if (a >= 1000) return `${formatNumber(kg / 1000, 1)} t`;
  if (a >= 10) return `${formatNumber(kg, 0)} kg`;
  if (a >= 1) return `${formatNumber(kg, 1)} kg`;
  return `${formatNumber(kg * 1000, 0)} g`;
}

/** Decimals an axis needs for ticks `incr` apart (0.25 → 2, 5 → 0): the fewest that write the
 *  increment exactly. */
export function tickDecimals(incr: number): number {
  if (!(incr > 0)) return 0;
  for (let d = 0; d < 6; d++) {
    const scaled = incr * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return d;
  }
  return 6;
}
