// Patients: the ward board, enrolment, one patient's record, and their settings.
import type { Request, RequestHandler, Response } from 'express';
import { body, params } from '../../../platform/api/validate.ts';
import { commandsFilter, eventsTopic, mqttIdentity, telemetryTopic } from '../../../platform/broker/topics.ts';
import { forbidden } from '../../../platform/errors.ts';
import type { PilotContext } from '../../../platform/pilot.ts';
import { can } from '../../../platform/policy/roles.ts';
import { auditPatient, patientTarget } from '../audit.ts';
import { readConsent, recordConsent } from '../consent.ts';
import {
  createPatientSchema,
  KINDS,
  patientIdParam,
  settingsPatchSchema,
  type News2Record,
  type Patient,
  type PatientSettings,
} from '../model.ts';
import { readLatestNews2 } from '../news2-records.ts';
import { enrolPatient, listPatients, requirePatient, savePatient } from '../patients.ts';
import type { Runtime } from '../runtime.ts';
import { telemetryRows } from '../stored.ts';
import type { TelemetryPayload } from '../domain/vitals.ts';
import { byUrgency, patientSummary, type DeviceSummary, type PatientSummary } from '../summary.ts';

export async function latestNews2(ctx: PilotContext, patientId: string): Promise<News2Record | null> {
  return readLatestNews2(await ctx.records(), patientId);
}

async function deviceSummaries(ctx: PilotContext, p: Patient): Promise<{ devices: DeviceSummary[]; latest: { ts: number; data: TelemetryPayload }[] }> {
  const devices: DeviceSummary[] = [];
  const latest: { ts: number; data: TelemetryPayload }[] = [];
  for (const id of p.deviceIds) {
    const device = await ctx.devices.find(id);
    if (!device) continue;
    // Not `series.latest`: a reading dated in the far future would pin "last vitals" for ever.
    const [last] = telemetryRows(await ctx.series.range(id, { to: ctx.now() + ctx.deviceClock.maxSkewMs, desc: true, limit: 1 }), device.kind);
    if (last) latest.push({ ts: last.ts, data: last.data });
    const battery = last && 'battery' in last.data && typeof last.data.battery === 'number' ? { battery: last.data.battery } : {};
    devices.push({ id, kind: device.kind, online: ctx.devices.isOnline(id), ...battery });
  }
  return { devices, latest };
}

export async function summarise(ctx: PilotContext, p: Patient, activeAlarms: number): Promise<PatientSummary> {
  const [news2, consent, { devices, latest }] = await Promise.all([
    latestNews2(ctx, p.id),
    readConsent(ctx, p.id),
    deviceSummaries(ctx, p),
  ]);
  return patientSummary({
    patient: p,
    news2,
    latestReadings: latest,
    consent: consent?.current?.status ?? null,
    activeAlarms,
    devices,
    now: ctx.now(),
  });
}

// How a device connects: `<tenant>/<device>` as username and client id, the only form the broker
// accepts (docs/security.md "Client ids"), and its topics from the platform's topic scheme.
const mqttHints = (tenantId: string, deviceId: string) => ({
  username: mqttIdentity(tenantId, deviceId),
  clientId: mqttIdentity(tenantId, deviceId),
  telemetryTopic: telemetryTopic(tenantId, deviceId),
  eventsTopic: eventsTopic(tenantId, deviceId),
  commandsTopic: commandsFilter(tenantId, deviceId),
});

export function patientHandlers(ctx: PilotContext, rt: Runtime) {
  const list: RequestHandler = async (_req: Request, res: Response) => {
    const patients = await listPatients(ctx);
    const alarms = await ctx.alarms.list({ state: 'active', limit: 10_000 });
    const counts = new Map<string, number>();
    for (const a of alarms) if (a.subject) counts.set(a.subject, (counts.get(a.subject) ?? 0) + 1);
    const items = await Promise.all(patients.map((p) => summarise(ctx, p, counts.get(p.id) ?? 0)));
    items.sort(byUrgency);
    await auditPatient(ctx, 'patient.list', 'patients', { count: items.length, patients: items.slice(0, 200).map((i) => i.id) });
    res.json({ items });
  };

  // Enrolment: an operator (clinician) or a tenant-admin (who registers devices) may enrol; only
  // a role that manages consent may record it at the same time.
  const create: RequestHandler = async (req, res) => {
    const input = body(req, createPatientSchema);
    if (input.consent && !can(req.principal!.role, 'consent:manage')) {
      throw forbidden(`role ${req.principal!.role} may not record consent`);
    }
    const { consent, ...rest } = input;
    const { patient, devices } = await enrolPatient(ctx, rest);
    if (consent) await recordConsent(ctx, rt, patient.id, 'given', consent.note);
    const tenantId = ctx.principal().tenantId!;
    res.status(201).json({
      id: patient.id,
      hubDeviceId: patient.hubDeviceId,
      consent: consent ? 'given' : 'none',
      // Secrets are shown once, here, and never again.
      devices: devices.map((d) => ({ id: d.id, kind: d.kind, secret: d.secret, mqtt: mqttHints(tenantId, d.id) })),
    });
  };

  const read: RequestHandler = async (req, res) => {
    const { id } = params(req, patientIdParam);
    const patient = await requirePatient(ctx, id);
    const active = await ctx.alarms.list({ state: 'active', subject: id });
    const summary = await summarise(ctx, patient, active.length);
    await auditPatient(ctx, 'patient.read', patientTarget(id));
    res.json({ patient, summary });
  };

  const updateSettings: RequestHandler = async (req, res) => {
    const { id } = params(req, patientIdParam);
    const patch = body(req, settingsPatchSchema);
    const patient = await requirePatient(ctx, id);
    const settings: PatientSettings = { ...patient.settings };
    if (patch.scale !== undefined) settings.scale = patch.scale;
    if (patch.monitoringMinutes !== undefined) settings.monitoringMinutes = patch.monitoringMinutes;
    if (patch.thresholds === null) delete settings.thresholds;
    else if (patch.thresholds !== undefined) settings.thresholds = patch.thresholds;
    if (patch.escalateAfterMinutes === null) delete settings.escalateAfterMinutes;
    else if (patch.escalateAfterMinutes !== undefined) settings.escalateAfterMinutes = patch.escalateAfterMinutes;
    await savePatient(ctx, { ...patient, settings });
    if (patch.scale !== undefined && patch.scale !== patient.settings.scale) {
      // Choosing SpO2 scale 2 is a clinical decision (NEWS2 chart 1: prescribed 88–92 % target).
      await auditPatient(ctx, 'patient.scale.set', patientTarget(id), { from: patient.settings.scale, to: patch.scale });
    }
    await auditPatient(ctx, 'patient.settings.update', patientTarget(id), { fields: Object.keys(patch) });
    res.json({ id, settings });
  };

  return { list, create, read, updateSettings };
}
