// Pure shaping of what the ward board and the charts show: patient summaries, the last value of
// each vital across a patient's devices, and per-parameter series for charts.
import { readingsFromTelemetry, VITAL_KEYS, type TelemetryPayload, type VitalKey } from './domain/vitals.ts';
import type { ConsentStatus, News2Record, Patient } from './model.ts';

/** Whole years between a YYYY-MM-DD birth date and `now` (UTC calendar). */
export function ageOn(birthDate: string, now: number): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const today = new Date(now);
  let age = today.getUTCFullYear() - y;
  const beforeBirthday = today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d);
  if (beforeBirthday) age--;
  return age;
}

export const LAST_VITAL_KEYS = ['heartRate', 'respiratoryRate', 'spo2', 'temperature', 'systolic', 'diastolic', 'weight', 'glucose'] as const;
export type LastVitals = Partial<Record<(typeof LAST_VITAL_KEYS)[number], number>> & { at: number | null };

/** The newest value of each numeric vital over the latest reading of every device. */
export function lastVitals(latest: readonly { ts: number; data: TelemetryPayload }[]): LastVitals {
  const best = new Map<string, { ts: number; value: number }>();
  let at: number | null = null;
  for (const r of latest) {
    for (const v of readingsFromTelemetry(r.data)) {
      if (!(LAST_VITAL_KEYS as readonly string[]).includes(v.param) || typeof v.value !== 'number') continue;
      const prev = best.get(v.param);
      if (!prev || r.ts >= prev.ts) best.set(v.param, { ts: r.ts, value: v.value });
      if (at === null || r.ts > at) at = r.ts;
    }
  }
  const out: LastVitals = { at };
  for (const [k, v] of best) out[k as (typeof LAST_VITAL_KEYS)[number]] = v.value;
  return out;
}

export interface DeviceSummary {
  id: string;
  kind: string;
  online: boolean;
  battery?: number;
}

export interface PatientSummary {
  id: string;
  displayName: string;
  age: number;
  sex: Patient['sex'];
  conditions: Patient['conditions'];
  scale: 1 | 2;
  latestNews2: { total: number; band: string; partial: boolean; at: number } | null;
  lastVitals: LastVitals;
  consent: ConsentStatus | 'none';
  activeAlarms: number;
  devices: DeviceSummary[];
}

export function patientSummary(input: {
  patient: Patient;
  news2: News2Record | null;
  latestReadings: readonly { ts: number; data: TelemetryPayload }[];
  consent: ConsentStatus | null;
  activeAlarms: number;
  devices: DeviceSummary[];
  now: number;
}): PatientSummary {
  const { patient: p, news2: n } = input;
  return {
    id: p.id,
    displayName: `${p.givenName} ${p.familyName}`,
    age: ageOn(p.birthDate, input.now),
    sex: p.sex,
    conditions: p.conditions,
    scale: p.settings.scale,
    latestNews2: n ? { total: n.total, band: n.band, partial: n.partial, at: n.at } : null,
    lastVitals: lastVitals(input.latestReadings),
    consent: input.consent ?? 'none',
    activeAlarms: input.activeAlarms,
    devices: input.devices,
  };
}

/** Most urgent first: highest NEWS2, then most active alarms, then name. */
export function byUrgency(a: PatientSummary, b: PatientSummary): number {
  const ta = a.latestNews2?.total ?? -1;
  const tb = b.latestNews2?.total ?? -1;
  if (ta !== tb) return tb - ta;
  if (a.activeAlarms !== b.activeAlarms) return b.activeAlarms - a.activeAlarms;
  return a.displayName.localeCompare(b.displayName);
}

export type SeriesPoint = [number, number | string | boolean];

/** Stored readings of several devices → one chart series per vital, sorted by time. */
export function seriesByParam(
  rows: readonly { ts: number; data: TelemetryPayload }[],
  param?: VitalKey,
): Partial<Record<VitalKey, SeriesPoint[]>> {
  const out: Partial<Record<VitalKey, SeriesPoint[]>> = {};
  for (const r of rows) {
    for (const v of readingsFromTelemetry(r.data)) {
      if (param && v.param !== param) continue;
      (out[v.param] ??= []).push([r.ts, v.value]);
    }
  }
  for (const k of VITAL_KEYS) out[k]?.sort((a, b) => a[0] - b[0]);
  return out;
}

/** Series thinned to one point per `bucketMs` (at the bucket's centre): the mean of numbers, the
 *  last of a categorical value (ACVPU, on oxygen). A 7-day chart stays a few hundred points. */
export function bucketSeries(series: Partial<Record<VitalKey, SeriesPoint[]>>, bucketMs: number): Partial<Record<VitalKey, SeriesPoint[]>> {
  const out: Partial<Record<VitalKey, SeriesPoint[]>> = {};
  for (const [k, points] of Object.entries(series) as [VitalKey, SeriesPoint[]][]) {
    const buckets = new Map<number, { sum: number; n: number; last: SeriesPoint[1] }>();
    for (const [t, v] of points) {
      const b = Math.floor(t / bucketMs) * bucketMs;
      const e = buckets.get(b) ?? { sum: 0, n: 0, last: v };
      if (typeof v === 'number' && Number.isFinite(v)) {
        e.sum += v;
        e.n++;
      }
      e.last = v;
      buckets.set(b, e);
    }
    out[k] = [...buckets.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([b, e]): SeriesPoint => [b + bucketMs / 2, e.n ? Math.round((e.sum / e.n) * 100) / 100 : e.last]);
  }
  return out;
}
