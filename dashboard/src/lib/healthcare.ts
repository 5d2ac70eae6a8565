// Shapes of the healthcare pilot's API (pilots/healthcare/summary.ts, model.ts, api/*.ts), taken
// type-only from the pilot, and the pure updates the ward board and the patient page apply when
// live events arrive.
import type { ConsentEntry, LastVitals, News2Record, Patient, PatientSummary as SummaryRecord } from '../../../pilots/healthcare/contract.ts';
import type { HcNews2Event, HcVitalsEvent, PresenceEvent } from './events.ts';
import type { News2Band } from './news2.ts';
import { appendWindow, type Point } from './series.ts';
import type { CommandStatus } from './types.ts';
import { PATIENT_DEVICE_KINDS } from '../../../pilots/healthcare/model.ts';
import type { HourPoint } from '../../../pilots/healthcare/domain/vitals-rollup.ts';

export type { ConsentEntry, LastVitals };
export type { DeviceSummary } from '../../../pilots/healthcare/contract.ts';

export const HC = '/pilots/healthcare';

/** GET /patients items; the band of the latest NEWS2 is one of the chart's (domain/news2.ts). */
export type PatientSummary = Omit<SummaryRecord, 'latestNews2'> & {
  latestNews2: (Omit<NonNullable<SummaryRecord['latestNews2']>, 'band'> & { band: News2Band }) | null;
};

/** GET /patients/:id */
export interface PatientRecord {
  patient: Patient;
  summary: PatientSummary;
}

/** GET /patients/:id/news2 items (the stored result without the values scored), or one built from
 *  a live `hc.news2` event, which names parameters as plain strings (events.ts). */
export type News2Item = Pick<News2Record, 'id' | 'at' | 'total' | 'band' | 'partial' | 'scale'> & { missing: string[]; scores: Record<string, number> };

export interface ConsentAnswer {
  patientId: string;
  status: 'given' | 'withdrawn' | 'none';
  current: ConsentEntry | null;
  history: ConsentEntry[];
}

export interface Message {
  id: string;
  kind: 'message' | 'reminder';
  text: string;
  dueAt?: number;
  status: CommandStatus;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
}

// The codes the pilot knows (pilots/healthcare/model.ts); their words are the dictionaries'
// deviceKind, condition and scenarioName.
export { CONDITIONS, PATIENT_DEVICE_KINDS, SCENARIOS } from '../../../pilots/healthcare/model.ts';

/** Every device kind, the home hub first: the order a patient's devices are listed in. */
export const DEVICE_KINDS = ['home-hub', ...PATIENT_DEVICE_KINDS] as const;

// The keys of LastVitals (pilots/healthcare/summary.ts LAST_VITAL_KEYS), written out: importing the
// constant would bring the pilot's whole vital-sign catalogue and its schemas into the bundle.
const LAST_KEYS = ['heartRate', 'respiratoryRate', 'spo2', 'temperature', 'systolic', 'diastolic', 'weight', 'glucose'] as const satisfies readonly Exclude<keyof LastVitals, 'at'>[];

/** Board trends: these parameters get sparklines. */
export const TREND_KEYS = ['heartRate', 'spo2', 'respiratoryRate', 'temperature'] as const;
export type TrendKey = (typeof TREND_KEYS)[number];

/** Sparkline scales, and the band where the parameter scores 0 on NEWS2 chart 1 (shaded, so a
 *  trace leaving it is seen at a glance). SpO2's band depends on the patient's scale. */
export function trendScale(k: TrendKey, scale: 1 | 2): { range: [number, number]; normal: [number, number] } {
  switch (k) {
    case 'heartRate':
      return { range: [40, 140], normal: [51, 90] };
    case 'respiratoryRate':
      return { range: [6, 32], normal: [12, 20] };
    case 'temperature':
      return { range: [35, 40], normal: [36.1, 38] };
    case 'spo2':
      return { range: [82, 100], normal: scale === 2 ? [88, 92] : [96, 100] };
  }
}
export type Trends = Partial<Record<TrendKey, Point[]>>;

/** Newest numeric values of each vital from a batch of live readings, per patient. */
export function applyVitals(items: readonly PatientSummary[], events: readonly HcVitalsEvent[]): PatientSummary[] {
  const byPatient = new Map<string, HcVitalsEvent[]>();
  for (const e of events) byPatient.set(e.patientId, [...(byPatient.get(e.patientId) ?? []), e]);
  if (!byPatient.size) return [...items];
  return items.map((p) => {
    const evs = byPatient.get(p.id);
    if (!evs) return p;
    const last: LastVitals = { ...p.lastVitals };
    const devices = p.devices.map((d) => (evs.some((e) => e.deviceId === d.id) ? { ...d, online: true } : d));
    for (const e of [...evs].sort((a, b) => a.ts - b.ts)) {
      if (last.at !== null && e.ts < last.at - 60 * 60_000) continue;
      for (const k of LAST_KEYS) {
        const v = e.values[k];
        if (typeof v === 'number' && !e.implausible?.includes(k)) last[k] = v;
      }
      if (last.at === null || e.ts > last.at) last.at = e.ts;
    }
    return { ...p, lastVitals: last, devices };
  });
}

/** Appends live vitals to per-patient trend series, keeping only the window. */
export function applyTrends(trends: Readonly<Record<string, Trends>>, events: readonly HcVitalsEvent[], windowMs: number, now: number): Record<string, Trends> {
  const next: Record<string, Trends> = { ...trends };
  for (const e of events) {
    const t: Trends = { ...(next[e.patientId] ?? {}) };
    for (const k of TREND_KEYS) {
      const v = e.values[k];
      if (typeof v !== 'number' || e.implausible?.includes(k)) continue;
      t[k] = appendWindow(t[k] ?? [], [[e.ts, v]], windowMs, now, 2000);
    }
    next[e.patientId] = t;
  }
  return next;
}

export function applyNews2(items: readonly PatientSummary[], e: HcNews2Event): PatientSummary[] {
  return items.map((p) => {
    if (p.id !== e.patientId) return p;
    if (p.latestNews2 && p.latestNews2.at > e.at) return p;
    return { ...p, latestNews2: { total: e.total, band: e.band as News2Band, partial: e.partial, at: e.at } };
  });
}

export function applyPresence(items: readonly PatientSummary[], e: PresenceEvent): PatientSummary[] {
  return items.map((p) => (p.devices.some((d) => d.id === e.deviceId) ? { ...p, devices: p.devices.map((d) => (d.id === e.deviceId ? { ...d, online: e.online } : d)) } : p));
}

/** Only the numeric points of a vitals series (consciousness and oxygen are codes/flags). */
export function numericPoints(points: readonly (readonly [number, unknown])[] | undefined): Point[] {
  return (points ?? []).filter((p): p is readonly [number, number] => typeof p[1] === 'number' && Number.isFinite(p[1]));
}

/** Keys of the lowest and highest values of a vital's hours, beside its mean (the vital's key). */
export const hourMinKey = (k: string) => `${k}:min`;
export const hourMaxKey = (k: string) => `${k}:max`;

/** An hourly answer → per vital the mean at each hour's middle, with its lowest and highest
 *  beside it, so a chart draws the mean inside a min–max band and a spike stays visible. */
export function hourBands(series: Record<string, readonly HourPoint[]>): Record<string, Point[]> {
  const out: Record<string, Point[]> = {};
  for (const [k, hours] of Object.entries(series)) {
    const mid = (h: HourPoint) => h.t + 1_800_000;
    out[k] = hours.map((h) => [mid(h), h.mean] as const);
    out[hourMinKey(k)] = hours.map((h) => [mid(h), h.min] as const);
    out[hourMaxKey(k)] = hours.map((h) => [mid(h), h.max] as const);
  }
  return out;
}

/** Devices in a stable, meaningful order: hub first, then by kind. */
export function sortDevices<T extends { kind: string }>(devices: readonly T[]): T[] {
  const order: readonly string[] = DEVICE_KINDS;
  return [...devices].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
}

/** Search and band filter of the board. */
export function boardFilter(items: readonly PatientSummary[], q: string, attentionOnly: boolean): PatientSummary[] {
  const needle = q.trim().toLowerCase();
  return items.filter((p) => {
    if (needle && !p.displayName.toLowerCase().includes(needle)) return false;
    if (attentionOnly && !(p.latestNews2 && (p.latestNews2.band !== 'low' || p.latestNews2.total >= 5)) && p.activeAlarms === 0) return false;
    return true;
  });
}
