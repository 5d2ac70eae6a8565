// The demo's past days for the healthcare pilot: seeded synthetic vitals per demo patient (a
// baseline by condition, a daily rhythm, smooth noise), with one deterioration episode a few days
// back that the NEWS2 rules would have alarmed on, and the NEWS2 results and alarms those
// readings give. Generation is pure (same seed and range, same history); `backfillDemo` writes it
// through the context's demo history port and the pilot's own records.
import type { DemoBackfill, DemoProvision, PastAlarm, PastReading, PilotContext } from '../../platform/pilot.ts';
import { historyTimes } from '../../platform/pilot.ts';
import { decideAlarm, INITIAL_ALARM_STATE, type AlarmState } from './domain/alarms.ts';
import { news2, type ObservationSet } from './domain/news2.ts';
import { REPORT_INTERVAL_MS, type DeviceKind } from './domain/vitals.ts';
import { KINDS, news2Record, type News2Record } from './model.ts';
import { alarmCalls, news2Title, patientSource, severityFor } from './rules.ts';
import { news2Puts, newestPerPatient } from './news2-records.ts';
import type { DemoCondition, DemoPatientProfile } from './seed.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Finest step of the last day (a wearable's minute would be most of the start-up). */
const RECENT_STEP_MS = 10 * MIN;
/** Step of older history. */
const OLDER_STEP_MS = HOUR;
/** NEWS2 results are computed on this grid (the hub's interval). */
const NEWS2_STEP_MS = 15 * MIN;

export interface Vitals {
  heartRate: number;
  respiratoryRate: number;
  spo2: number;
  systolic: number;
  diastolic: number;
  temperature: number;
  weight: number;
  glucose: number;
  movement: number;
}

const BASELINE: Record<DemoCondition, Vitals> = {
  healthy: { heartRate: 70, respiratoryRate: 14, spo2: 97, systolic: 122, diastolic: 78, temperature: 36.7, weight: 74, glucose: 5.4, movement: 0.3 },
  copd: { heartRate: 82, respiratoryRate: 18, spo2: 90, systolic: 132, diastolic: 82, temperature: 36.8, weight: 68, glucose: 5.6, movement: 0.2 },
  'heart-failure': { heartRate: 78, respiratoryRate: 16, spo2: 95, systolic: 114, diastolic: 72, temperature: 36.6, weight: 86, glucose: 5.8, movement: 0.15 },
  diabetes: { heartRate: 76, respiratoryRate: 15, spo2: 97, systolic: 134, diastolic: 84, temperature: 36.7, weight: 92, glucose: 8.2, movement: 0.25 },
  hypertension: { heartRate: 74, respiratoryRate: 14, spo2: 97, systolic: 152, diastolic: 94, temperature: 36.7, weight: 81, glucose: 5.7, movement: 0.25 },
};

/** A deterioration: vitals drift towards NEWS2 ≥ 7 from `start` over `riseMs`, stay, then recover. */
export interface Episode {
  start: number;
  riseMs: number;
  holdMs: number;
  recoverMs: number;
}

/** 0…1: how far into a deterioration the patient is at `t`. */
export function episodeLevel(e: Episode | null, t: number): number {
  if (!e || t < e.start) return 0;
  const d = t - e.start;
  if (d < e.riseMs) return d / e.riseMs;
  if (d < e.riseMs + e.holdMs) return 1;
  const r = d - e.riseMs - e.holdMs;
  return r < e.recoverMs ? 1 - r / e.recoverMs : 0;
}

// A few sines with per-patient phases: smooth, deterministic noise in -1…1.
function wobble(seed: number, channel: number, t: number): number {
  const p = ((seed * 9301 + channel * 49297) % 233280) / 233280;
  const h = t / HOUR;
  return (Math.sin(h / 1.7 + p * 6.28) + 0.6 * Math.sin(h / 0.43 + p * 17.1) + 0.3 * Math.sin(h * 2.9 + p * 41.3)) / 1.9;
}

const round = (v: number, decimals = 0) => Math.round(v * 10 ** decimals) / 10 ** decimals;

/** The synthetic vitals of one patient at `t` (pure). */
export function vitalsAt(condition: DemoCondition, seed: number, t: number, episode: Episode | null = null): Vitals {
  const b = BASELINE[condition];
  const hourOfDay = (t % DAY) / HOUR;
  const awake = Math.sin(((hourOfDay - 9) / 24) * 2 * Math.PI); // lowest around 3 a.m.
  const e = episodeLevel(episode, t);
  return {
    heartRate: round(b.heartRate + 6 * awake + 4 * wobble(seed, 1, t) + 38 * e),
    respiratoryRate: round(b.respiratoryRate + 1.5 * wobble(seed, 2, t) + 11 * e),
    spo2: round(Math.min(100, b.spo2 + 1 * wobble(seed, 3, t) - 7 * e)),
    systolic: round(b.systolic + 6 * awake + 6 * wobble(seed, 4, t) - 30 * e),
    diastolic: round(b.diastolic + 4 * awake + 4 * wobble(seed, 5, t) - 15 * e),
    temperature: round(b.temperature + 0.2 * awake + 0.15 * wobble(seed, 6, t) + 1.6 * e, 1),
    weight: round(b.weight + 0.4 * wobble(seed, 7, t / 24), 1),
    glucose: round(b.glucose + 1.2 * wobble(seed, 8, t), 1),
    movement: round(Math.max(0, Math.min(1, b.movement * (1 + awake) * (1 - e) + 0.05 * (wobble(seed, 9, t) + 1))), 2),
  };
}

/** A device's payload at `t` from a vitals snapshot (the shapes of domain/vitals.ts). */
export function payloadFor(kind: DeviceKind, v: Vitals, t: number, onOxygen: boolean): Record<string, unknown> {
  switch (kind) {
    case 'pulse-oximeter':
      return { ts: t, spo2: v.spo2, heartRate: v.heartRate };
    case 'bp-cuff':
      return { ts: t, systolic: v.systolic, diastolic: v.diastolic, heartRate: v.heartRate };
    case 'thermometer':
      return { ts: t, temperature: v.temperature };
    case 'scale':
      return { ts: t, weight: v.weight };
    case 'glucometer':
      return { ts: t, glucose: v.glucose };
    case 'wearable':
      return { ts: t, heartRate: v.heartRate, respiratoryRate: v.respiratoryRate, movement: v.movement };
    case 'home-hub':
      return { ts: t, battery: 97 + (Math.floor(t / HOUR) % 4), connectivity: 'wifi', consciousness: 'A', onOxygen };
  }
}

export interface HealthcareHistory {
  readings: PastReading[];
  news2: News2Record[];
  alarms: PastAlarm[];
}

/** The episode of the i-th patient: the second demo patient deteriorates three days back, at
 *  ten past two in the afternoon (UTC), when the range reaches that far. */
export function episodeFor(index: number, from: number, to: number): Episode | null {
  if (index !== 1) return null;
  const start = Math.floor((to - 3 * DAY) / DAY) * DAY + 14 * HOUR + 10 * MIN;
  return start >= from ? { start, riseMs: 90 * MIN, holdMs: 60 * MIN, recoverMs: 3 * HOUR } : null;
}

/** Readings, NEWS2 results and alarms of the demo patients over [from, to) (pure). */
export function healthcareHistory(opts: { seed: number; from: number; to: number; provision: DemoProvision; hysteresis: number }): HealthcareHistory {
  const patients = ((opts.provision.extra as { patients?: DemoPatientProfile[] } | undefined)?.patients ?? []);
  const kindOf = new Map(opts.provision.devices.map((d) => [d.id, d.kind as DeviceKind]));
  const out: HealthcareHistory = { readings: [], news2: [], alarms: [] };
  patients.forEach((p, index) => {
    const seed = opts.seed + index;
    const episode = episodeFor(index, opts.from, opts.to);
    const onOxygen = false;
    for (const deviceId of [p.hubDeviceId, ...p.deviceIds]) {
      const kind = kindOf.get(deviceId);
      if (!kind) continue;
      const times = historyTimes({ from: opts.from, to: opts.to, intervalMs: REPORT_INTERVAL_MS[kind], recentStepMs: RECENT_STEP_MS, olderStepMs: OLDER_STEP_MS });
      for (const t of times) out.readings.push({ deviceId, family: 'telemetry', ts: t, data: payloadFor(kind, vitalsAt(p.condition, seed, t, episode), t, onOxygen) });
    }
    let state: AlarmState = INITIAL_ALARM_STATE;
    let open: PastAlarm | null = null;
    for (const t of historyTimes({ from: opts.from, to: opts.to, intervalMs: NEWS2_STEP_MS, olderStepMs: NEWS2_STEP_MS * 2 })) {
      const v = vitalsAt(p.condition, seed, t, episode);
      const set: ObservationSet = { respiratoryRate: v.respiratoryRate, spo2: v.spo2, onOxygen, systolic: v.systolic, heartRate: v.heartRate, consciousness: 'A', temperature: v.temperature };
      const result = news2(set, p.scale);
      out.news2.push(news2Record({ id: `hist-${p.id}-${t}`, patientId: p.id, at: t, computedAt: t, set: { ...set } }, result));
      const d = decideAlarm(state, result, { at: t, hysteresis: opts.hysteresis });
      state = d.next;
      for (const call of alarmCalls(d)) {
        if (call === 'clear') {
          if (open) out.alarms.push({ ...open, clearedAt: t });
          open = null;
          continue;
        }
        const severity = severityFor(d.to)!;
        open = {
          source: patientSource(p.id),
          type: 'news2',
          category: 'clinical',
          severity,
          title: news2Title(result),
          detail: { total: result.total, band: result.band, partial: result.partial },
          subject: p.id,
          raisedAt: t,
          // Someone on shift saw it within minutes.
          acknowledgedAt: t + 4 * MIN,
        };
      }
    }
    // History ends with every patient stable; an alarm still open is closed at the range's end.
    if (open) out.alarms.push({ ...open, clearedAt: Math.max(open.raisedAt, opts.to - 1) });
  });
  return out;
}

const BATCH = 2_000;

/** Writes the history through the demo history port; NEWS2 results as the rules store them. */
export async function backfillDemo(ctx: PilotContext, opts: { seed: number; from: number; to: number; provision: DemoProvision; hysteresis: number }): Promise<DemoBackfill> {
  const h = healthcareHistory(opts);
  let readings = 0;
  for (let i = 0; i < h.readings.length; i += BATCH) readings += await ctx.demoHistory.readings(h.readings.slice(i, i + BATCH));
  const records = await ctx.records();
  for (let i = 0; i < h.news2.length; i += BATCH) {
    const chunk = h.news2.slice(i, i + BATCH);
    await records.commit({ put: chunk.map((r) => ({ kind: KINDS.news2, id: r.id, data: r, opts: { subject: r.patientId } })) }, chunk[0]!.computedAt);
  }
  const latest = newestPerPatient(h.news2);
  if (latest.length) await records.commit({ put: latest.map((r) => news2Puts(r)[1]!) }, opts.to);
  await ctx.demoHistory.alarms(h.alarms);
  return { readings, records: h.news2.length, alarms: h.alarms.length, commands: 0 };
}
