// The pilot's rules, run by the platform on accepted readings (platform/ingest.ts, after the
// PUBACK): vitals → per-patient window → NEWS2 (domain/news2.ts) → alarm decision with
// hysteresis (domain/alarms.ts) → platform alarms; device events and device state → alarms.
//
// Partial observation sets: a partial NEWS2 total is the lowest score consistent with what was
// observed (news2.ts), so it may raise or escalate an alarm but, by default, never lower one: a
// missing parameter cannot prove the patient got better. A hub that never reports consciousness
// or oxygen would then keep an alarm up for ever; the demo hub reports both (ACVPU 'A', on air),
// and a deployment that truly cannot may set `downgradeOnPartial`.
import { randomUUID } from 'node:crypto';
import type { DeviceWithSubject } from '../../platform/identity/devices.ts';
import { telemetryRows } from './stored.ts';
import type { AcceptedReading, PilotContext as AnyContext } from '../../platform/pilot.ts';
import type { HcVitalsEvent, HealthcareEvents } from './contract.ts';
import type { Alarm, RaiseInput, Severity } from '../../platform/services/alarms.ts';
import {
  batteryLow,
  decideAlarm,
  eventAlarm,
  INITIAL_ALARM_STATE,
  type AlarmDecision,
  type AlarmLevel,
  type AlarmState,
} from './domain/alarms.ts';
import { NEWS2_PARAMS, news2, observationSet, type News2Result } from './domain/news2.ts';
import {
  DEVICE_KIND_DISPLAY,
  implausibleFields,
  readingsFromTelemetry,
  VITALS,
  type DeviceKind,
  type EventPayload,
  type TelemetryPayload,
  type VitalKey,
  type VitalReading,
} from './domain/vitals.ts';
import { KINDS, news2Record, news2Summary, type AlarmStateRecord, type News2Record, type Patient, type Thresholds } from './model.ts';
import { getPatient } from './patients.ts';
import { patientKey, type Runtime } from './runtime.ts';
import { VitalWindow } from './window.ts';
import { news2Puts } from './news2-records.ts';

// ---- pure helpers ---------------------------------------------------------------------------

export const patientSource = (patientId: string) => `patient:${patientId}`;
export const deviceSource = (deviceId: string) => `device:${deviceId}`;

/** Battery must recover this far above the threshold before its alarm clears (no flapping). */
export const BATTERY_HYSTERESIS = 5;

export function severityFor(level: AlarmLevel): Severity | null {
  return level === 'none' ? null : level;
}

/** Alarm titles carry scores and kinds, never names or identifiers (alarms are listed widely). */
export function news2Title(result: Pick<News2Result, 'total' | 'band' | 'partial'>): string {
  return `NEWS2 ${result.total} (${result.band}${result.partial ? ', partial set' : ''})`;
}

/** The context as this pilot's rules use it: its realtime events typed by its contract. */
type PilotContext = AnyContext<HealthcareEvents>;
/** A reading of this pilot's devices, typed by its own schemas. */
export type HcReading = AcceptedReading<TelemetryPayload, EventPayload>;

export interface Breach {
  param: VitalKey;
  side: 'low' | 'high';
}

/** Readings outside the patient's personalised limits (one entry per parameter, latest wins). */
export function thresholdBreaches(readings: readonly VitalReading[], thresholds: Thresholds | undefined): {
  breached: Breach[];
  within: VitalKey[];
} {
  const latest = new Map<VitalKey, VitalReading>();
  for (const r of readings) {
    const prev = latest.get(r.param);
    if (!prev || r.ts >= prev.ts) latest.set(r.param, r);
  }
  const breached: Breach[] = [];
  const within: VitalKey[] = [];
  for (const [param, r] of latest) {
    const t = (thresholds as Record<string, { low?: number; high?: number } | undefined> | undefined)?.[param];
    if (!t || typeof r.value !== 'number') continue;
    if (t.low !== undefined && r.value < t.low) breached.push({ param, side: 'low' });
    else if (t.high !== undefined && r.value > t.high) breached.push({ param, side: 'high' });
    else within.push(param);
  }
  return { breached, within };
}

/** A changed result is stored at once; an unchanged one at most every `everyMs`. */
export function shouldStoreNews2(
  last: { total: number; band: string; partial: boolean; storedAt: number } | undefined,
  result: Pick<News2Result, 'total' | 'band' | 'partial'>,
  now: number,
  everyMs: number,
): boolean {
  if (!last) return true;
  if (last.total !== result.total || last.band !== result.band || last.partial !== result.partial) return true;
  return now - last.storedAt >= everyMs;
}

/** The platform alarm calls that carry out a decision (downgrades re-raise at the lower level,
 *  because the platform's severity only rises while an alarm is active). */
export function alarmCalls(d: AlarmDecision): ('clear' | 'raise')[] {
  switch (d.action) {
    case 'raise':
    case 'escalate':
      return ['raise'];
    case 'downgrade':
      return ['clear', 'raise'];
    case 'clear':
      return ['clear'];
    case 'none':
      return [];
  }
}

const sameState = (a: AlarmState, b: AlarmState) =>
  a.level === b.level && a.since === b.since && a.normalStreak === b.normalStreak && a.streakPeak === b.streakPeak;

const EVENT_TITLES: Record<EventPayload['type'], string> = {
  fall: 'Fall detected',
  button: 'Call button pressed',
  fault: 'Device fault reported',
  'battery-low': 'Battery low',
};
const TECHNICAL_TYPE: Record<'fault' | 'battery-low', string> = { fault: 'device-fault', 'battery-low': 'battery-low' };

// ---- the rules ------------------------------------------------------------------------------

export interface Rules {
  onReadings(ctx: PilotContext, readings: HcReading[]): Promise<void>;
  onPresence(ctx: PilotContext, device: DeviceWithSubject, online: boolean, at: number): Promise<void>;
  onEscalation(ctx: PilotContext, tenantId: string, alarm: Alarm): Promise<void>;
  /** Loads a patient's window from the stored series (also used after a restart). */
  loadWindow(ctx: PilotContext, patient: Patient, at: number): Promise<VitalWindow>;
}

/** The rules over the pilot's runtime state; each step below is a named function of its own. */
export function createRules(rt: Runtime): Rules {
  return {
    loadWindow: (ctx, patient, at) => loadWindow(rt, ctx, patient, at),
    onReadings: (ctx, readings) => onReadings(rt, ctx, readings),
    onPresence: (ctx, device, online) => onPresence(rt, ctx, device, online),
    onEscalation: (ctx, tenantId, alarm) => onEscalation(ctx, tenantId, alarm),
  };
}

const tenantOf = (ctx: PilotContext) => {
  const t = ctx.principal().tenantId;
  if (!t) throw new Error('healthcare rules need a tenant context');
  return t;
};

async function raiseKnown(rt: Runtime, ctx: PilotContext, input: RaiseInput) {
  await ctx.alarms.raise(input);
  rt.known.set(`${tenantOf(ctx)}|${input.source}|${input.type}`, true);
}

async function clearKnown(rt: Runtime, ctx: PilotContext, source: string, type: string) {
  const k = `${tenantOf(ctx)}|${source}|${type}`;
  if (rt.known.get(k) === false) return;
  await ctx.alarms.clear(source, type);
  rt.known.set(k, false);
}

/** The device still serves this patient, who is neither erased nor being erased: an alarm for
 *  an erased subject cannot be sealed, and must not be attempted. */
async function attachedTo(rt: Runtime, ctx: PilotContext, deviceId: string, subject: string): Promise<boolean> {
  if (rt.erasing.has(patientKey(tenantOf(ctx), subject))) return false;
  const current = await ctx.devices.find(deviceId);
  if (current?.subject !== subject) return false;
  return !(await ctx.subjects.isErased(subject));
}

const escalateMs = (rt: Runtime, p: Patient) =>
  p.settings.escalateAfterMinutes ? p.settings.escalateAfterMinutes * 60_000 : rt.options.escalateAfterMs;

async function loadWindow(rt: Runtime, ctx: PilotContext, patient: Patient, at: number): Promise<VitalWindow> {
  const w = new VitalWindow(rt.options.windowMs, ctx.deviceClock.maxSkewMs);
  const now = ctx.now();
  for (const deviceId of patient.deviceIds) {
    // Bounded above too: a stored far-future reading would otherwise take the place of the
    // 500 newest real ones and survive every restart.
    const rows = await ctx.series.range(deviceId, {
      from: at - rt.options.windowMs,
      to: now + ctx.deviceClock.maxSkewMs,
      desc: true,
      limit: 500,
    });
    for (const row of telemetryRows(rows)) w.add(vitalsOf(row.data, deviceId, row.id).vitals, now);
  }
  return w;
}

function vitalsOf(data: TelemetryPayload, deviceId: string, id: string) {
  const bad = implausibleFields(data);
  const vitals = readingsFromTelemetry(data, deviceId)
    .filter((v) => !bad.includes(v.param))
    .map((v) => ({ ...v, id }) as VitalReading);
  return { vitals, bad };
}

async function onTelemetry(rt: Runtime, ctx: PilotContext, patient: Patient, r: Extract<HcReading, { family: 'telemetry' }>): Promise<VitalReading[]> {
  const data = r.data;
  const { vitals, bad } = vitalsOf(data, r.deviceId, r.id);
  const source = deviceSource(r.deviceId);
  if (bad.length) {
    // Implausible values are a technical problem (probe off, failed cuff): never scored.
    await raiseKnown(rt, ctx, {
      source,
      type: 'implausible-value',
      category: 'technical',
      severity: 'minor',
      title: `Implausible ${bad.map((p) => VITALS[p].display.toLowerCase()).join(', ')} from ${DEVICE_KIND_DISPLAY[r.kind as DeviceKind] ?? r.kind}`,
      detail: { params: bad, deviceId: r.deviceId },
      subject: patient.id,
    });
  } else {
    await clearKnown(rt, ctx, source, 'implausible-value');
    // Valid measurements after a reported fault mean the device works again.
    await clearKnown(rt, ctx, source, 'device-fault');
  }
  if (typeof data === 'object' && 'battery' in data && typeof data.battery === 'number') {
    if (batteryLow(data.battery, rt.options.batteryThreshold)) {
      await raiseKnown(rt, ctx, {
        source,
        type: 'battery-low',
        category: 'technical',
        severity: 'minor',
        title: `${DEVICE_KIND_DISPLAY[r.kind as DeviceKind] ?? r.kind} battery low`,
        detail: { deviceId: r.deviceId, battery: data.battery },
        subject: patient.id,
      });
    } else if (data.battery > rt.options.batteryThreshold + BATTERY_HYSTERESIS) {
      await clearKnown(rt, ctx, source, 'battery-low');
    }
  }
  const values: HcVitalsEvent['values'] = {};
  for (const v of readingsFromTelemetry(data)) values[v.param] = v.value;
  ctx.publish({
    type: 'hc.vitals',
    batch: true,
    payload: { patientId: patient.id, deviceId: r.deviceId, kind: r.kind, ts: r.ts, values, ...(bad.length ? { implausible: bad } : {}) },
  });
  return vitals;
}

async function onEvent(rt: Runtime, ctx: PilotContext, patient: Patient, r: Extract<HcReading, { family: 'events' }>) {
  const event = r.data;
  const a = eventAlarm(event);
  if (a.kind === 'clinical') {
    await ctx.alarms.raise({
      source: patientSource(patient.id),
      type: a.reason,
      category: 'clinical',
      severity: a.level,
      title: EVENT_TITLES[a.reason],
      detail: { deviceId: r.deviceId, at: event.ts },
      subject: patient.id,
      ...(a.level === 'critical' ? { escalateAfterMs: escalateMs(rt, patient) } : {}),
    });
    return;
  }
  const type = TECHNICAL_TYPE[a.reason as 'fault' | 'battery-low'];
  await raiseKnown(rt, ctx, {
    source: deviceSource(r.deviceId),
    type,
    category: 'technical',
    severity: a.level,
    title: `${DEVICE_KIND_DISPLAY[r.kind as DeviceKind] ?? r.kind}: ${EVENT_TITLES[a.reason].toLowerCase()}`,
    detail: { deviceId: r.deviceId },
    subject: patient.id,
  });
}

async function onThresholds(rt: Runtime, ctx: PilotContext, patient: Patient, vitals: VitalReading[]) {
  const { breached, within } = thresholdBreaches(vitals, patient.settings.thresholds);
  const source = patientSource(patient.id);
  for (const b of breached) {
    await raiseKnown(rt, ctx, {
      source,
      type: `threshold-${b.param}`,
      category: 'clinical',
      severity: 'minor',
      title: `${VITALS[b.param].display} ${b.side === 'low' ? 'below' : 'above'} personal limit`,
      detail: { param: b.param, side: b.side },
      subject: patient.id,
    });
  }
  for (const param of within) await clearKnown(rt, ctx, source, `threshold-${param}`);
}

async function evaluate(rt: Runtime, ctx: PilotContext, patient: Patient, fresh: VitalReading[]) {
  const tenantId = tenantOf(ctx);
  const key = patientKey(tenantId, patient.id);
  let w = rt.window(key);
  if (!w) {
    const newest = Math.min(Math.max(...fresh.map((v) => v.ts)), ctx.now() + ctx.deviceClock.maxSkewMs);
    w = await loadWindow(rt, ctx, patient, newest);
    rt.windows.set(key, w);
  }
  w.add(fresh, ctx.now());
  const at = w.newest();
  if (at === null) return;
  const set = observationSet(w.readings(), { at, windowMs: rt.options.windowMs });
  const result = news2(set, patient.settings.scale);
  const now = ctx.now();
  const { observedAt: _observedAt, ...values } = set;
  const rec = news2Record({ id: randomUUID(), patientId: patient.id, at, computedAt: now, set: values }, result);
  const records = await ctx.records();
  if (shouldStoreNews2(rt.lastNews2.get(key), result, now, rt.options.news2RecordEveryMs)) {
    await records.commit({ put: news2Puts(rec) });
    rt.lastNews2.set(key, { total: result.total, band: result.band, partial: result.partial, storedAt: now });
  }
  ctx.publish({
    type: 'hc.news2',
    payload: {
      patientId: patient.id,
      at,
      ...news2Summary(result),
    },
  });

  const stored = (await records.get<AlarmStateRecord>(KINDS.alarmState, patient.id))?.data;
  const prev: AlarmState = stored
    ? { level: stored.level, since: stored.since, normalStreak: stored.normalStreak, ...(stored.streakPeak ? { streakPeak: stored.streakPeak } : {}) }
    : INITIAL_ALARM_STATE;
  const d = decideAlarm(prev, result, { at, hysteresis: rt.options.hysteresis, downgradeOnPartial: rt.options.downgradeOnPartial });
  if (!stored || !sameState(prev, d.next)) {
    const next: AlarmStateRecord = { ...d.next, patientId: patient.id, updatedAt: now };
    await records.put(KINDS.alarmState, patient.id, next, { subject: patient.id });
  }
  const source = patientSource(patient.id);
  for (const call of alarmCalls(d)) {
    if (call === 'clear') {
      await ctx.alarms.clear(source, 'news2');
      continue;
    }
    const severity = severityFor(d.to)!;
    await ctx.alarms.raise({
      source,
      type: 'news2',
      category: 'clinical',
      severity,
      title: news2Title(result),
      detail: { total: result.total, band: result.band, partial: result.partial, ...(d.action === 'downgrade' ? { downgradedFrom: d.from } : {}) },
      subject: patient.id,
      ...(severity === 'critical' ? { escalateAfterMs: escalateMs(rt, patient) } : {}),
    });
  }
}

async function onPatientReadings(rt: Runtime, ctx: PilotContext, patientId: string, readings: HcReading[]) {
  const patient = await getPatient(ctx, patientId);
  if (!patient) return;
  const fresh: VitalReading[] = [];
  for (const r of readings) {
    if (r.family === 'events') await onEvent(rt, ctx, patient, r);
    else fresh.push(...(await onTelemetry(rt, ctx, patient, r)));
  }
  if (!fresh.length) return;
  await onThresholds(rt, ctx, patient, fresh);
  // Weight or glucose alone do not change a NEWS2 set: no new result for them.
  if (fresh.some((v) => (NEWS2_PARAMS as readonly string[]).includes(v.param))) await evaluate(rt, ctx, patient, fresh);
}

async function onReadings(rt: Runtime, ctx: PilotContext, readings: HcReading[]): Promise<void> {
  if (rt.stopping) return;
  const tenantId = tenantOf(ctx);
  const byPatient = new Map<string, HcReading[]>();
  for (const r of readings) {
    if (!r.subject) continue;
    let list = byPatient.get(r.subject);
    if (!list) byPatient.set(r.subject, (list = []));
    list.push(r);
  }
  const results = await Promise.allSettled(
    [...byPatient].map(([patientId, list]) =>
      rt.serial(patientKey(tenantId, patientId), () => onPatientReadings(rt, ctx, patientId, list)),
    ),
  );
  for (const r of results) {
    if (r.status === 'rejected') ctx.logger.error({ err: r.reason }, 'healthcare rules failed for a patient');
  }
}

async function onPresence(rt: Runtime, ctx: PilotContext, device: DeviceWithSubject, online: boolean): Promise<void> {
  if (rt.stopping || !device.subject) return;
  const key = `${device.tenantId}/${device.deviceId}`;
  const source = deviceSource(device.deviceId);
  const pending = rt.offlineTimers.get(key);
  if (pending) clearTimeout(pending);
  rt.offlineTimers.delete(key);
  if (online) {
    await clearKnown(rt, ctx, source, 'device-offline');
    return;
  }
  const subject = device.subject;
  if (!(await attachedTo(rt, ctx, device.deviceId, subject))) return;
  // A short reconnect is normal for home devices: alarm only when still offline after the grace.
  const timer = setTimeout(() => {
    rt.offlineTimers.delete(key);
    void ctx
      .inTenant(device.tenantId, async () => {
        if (rt.stopping || ctx.devices.isOnline(device.deviceId)) return;
        // The patient may have been erased (or the device moved) during the grace.
        if (!(await attachedTo(rt, ctx, device.deviceId, subject))) return;
        await raiseKnown(rt, ctx, {
          source,
          type: 'device-offline',
          category: 'technical',
          severity: 'minor',
          title: `${DEVICE_KIND_DISPLAY[device.kind as DeviceKind] ?? device.kind} offline`,
          detail: { deviceId: device.deviceId },
          subject,
        });
      })
      .catch((err: unknown) => ctx.logger.error({ err }, 'device-offline alarm failed'));
  }, rt.options.offlineGraceMs);
  timer.unref();
  rt.offlineTimers.set(key, timer);
}

async function onEscalation(ctx: PilotContext, tenantId: string, alarm: Alarm): Promise<void> {
  if (!alarm.source.startsWith('patient:')) return;
  await ctx.inTenant(tenantId, async () => {
    ctx.publish({
      type: 'hc.escalation',
      payload: {
        alarmId: alarm.id,
        patientId: alarm.subject,
        type: alarm.type,
        severity: alarm.severity,
        title: alarm.title,
        raisedAt: alarm.raisedAt,
        escalatedAt: alarm.escalatedAt ?? ctx.now(),
      },
    });
  });
}
