// Formatting for people: times, durations, numbers and vital signs with their units. The locale
// and time zone come from the browser unless a caller passes them (tests do, for stable output).

export interface FormatOptions {
  locale?: string;
  timeZone?: string;
}

export function formatTime(ms: number, o: FormatOptions = {}): string {
  return new Intl.DateTimeFormat(o.locale ?? 'en-GB', { hour: '2-digit', minute: '2-digit', timeZone: o.timeZone }).format(ms);
}

export function formatDateTime(ms: number, o: FormatOptions = {}): string {
  return new Intl.DateTimeFormat(o.locale ?? 'en-GB', {
    day: '2-digit',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZone: o.timeZone,
  }).format(ms);
}

export function formatDate(ms: number, o: FormatOptions = {}): string {
  return new Intl.DateTimeFormat(o.locale ?? 'en-GB', { day: '2-digit', month: 'short', year: 'numeric', timeZone: o.timeZone }).format(ms);
}

/** "just now", "45 s ago", "12 min ago", "3 h ago", "2 d ago"; future times "in 5 min". */
export function formatAgo(ms: number, now: number): string {
  const d = now - ms;
  const future = d < 0;
  const s = Math.abs(d) / 1000;
  if (s < 5) return 'just now';
  let text: string;
  if (s < 60) text = `${Math.floor(s)} s`;
  else if (s < 3600) text = `${Math.floor(s / 60)} min`;
  else if (s < 86_400) text = `${Math.floor(s / 3600)} h`;
  else text = `${Math.floor(s / 86_400)} d`;
  return future ? `in ${text}` : `${text} ago`;
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

export function formatNumber(v: number | null | undefined, decimals = 0, locale = 'en-GB'): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(v);
}

export interface VitalMeta {
  label: string;
  short: string;
  unit: string;
  decimals: number;
  /** A sensible fixed axis range for charts, so a quiet trace does not look dramatic. */
  range: [number, number];
}

/** Vital-sign parameters of the healthcare pilot (pilots/healthcare/domain/vitals.ts keys). */
export const VITALS: Record<string, VitalMeta> = {
  heartRate: { label: 'Heart rate', short: 'HR', unit: '/min', decimals: 0, range: [30, 160] },
  respiratoryRate: { label: 'Respiratory rate', short: 'RR', unit: '/min', decimals: 0, range: [5, 40] },
  spo2: { label: 'Oxygen saturation', short: 'SpO₂', unit: '%', decimals: 0, range: [80, 100] },
  temperature: { label: 'Temperature', short: 'Temp', unit: '°C', decimals: 1, range: [34, 41] },
  systolic: { label: 'Systolic blood pressure', short: 'Sys BP', unit: 'mmHg', decimals: 0, range: [70, 200] },
  diastolic: { label: 'Diastolic blood pressure', short: 'Dia BP', unit: 'mmHg', decimals: 0, range: [40, 120] },
  weight: { label: 'Weight', short: 'Weight', unit: 'kg', decimals: 1, range: [30, 150] },
  glucose: { label: 'Blood glucose', short: 'Glucose', unit: 'mmol/L', decimals: 1, range: [2, 20] },
};

export function formatVital(key: string, v: number | null | undefined): string {
  const meta = VITALS[key];
  if (!meta) return formatNumber(v, 1);
  const n = formatNumber(v, meta.decimals);
  return n === '—' ? n : `${n} ${meta.unit}`;
}

/** ACVPU (NEWS2 consciousness row). */
export const ACVPU_LABEL: Record<string, string> = {
  A: 'Alert',
  C: 'New confusion',
  V: 'Voice',
  P: 'Pain',
  U: 'Unresponsive',
};

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

export function titleCase(s: string): string {
  return s.replace(/[-_.]/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
}
