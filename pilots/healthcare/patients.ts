// Patients: records of kind hc.patient, sealed under the patient's own key (subject = patient id),
// found by id or by a blind index of the identifier. Enrolment registers the patient's devices
// with the patient as their subject, so every reading they send is sealed under that key too.
import { randomUUID } from 'node:crypto';
import { conflict, ErasedError, notFound } from '../../platform/errors.ts';
import type { PilotContext } from '../../platform/pilot.ts';
import { auditPatient, patientTarget } from './audit.ts';
import { DEVICE_KIND_DISPLAY, type DeviceKind } from './domain/vitals.ts';
import { DEVICE_SUFFIX, KINDS, PILOT_ID, type CreatePatientInput, type Patient } from './model.ts';

export async function getPatient(ctx: PilotContext, id: string): Promise<Patient | null> {
  const records = await ctx.records();
  try {
    return (await records.get<Patient>(KINDS.patient, id))?.data ?? null;
  } catch (err) {
    // An erased patient no longer exists for any reader.
    if (err instanceof ErasedError) return null;
    throw err;
  }
}

/** The patient of the tenant in context, or 404: another tenant's patient is simply not here. */
export async function requirePatient(ctx: PilotContext, id: string): Promise<Patient> {
  const p = await getPatient(ctx, id);
  if (!p) throw notFound(`no patient ${id}`);
  return p;
}

export async function listPatients(ctx: PilotContext): Promise<Patient[]> {
  const rows = await (await ctx.records()).find<Patient>(KINDS.patient, { limit: 10_000 });
  return rows.map((r) => r.data);
}

export async function findByIdentifier(ctx: PilotContext, identifier: string): Promise<Patient | null> {
  const rows = await (await ctx.records()).find<Patient>(KINDS.patient, { blind: { identifier }, limit: 1 });
  return rows[0]?.data ?? null;
}

export async function savePatient(ctx: PilotContext, patient: Patient): Promise<void> {
  await (await ctx.records()).put(KINDS.patient, patient.id, patient, {
    subject: patient.id,
    blind: { identifier: patient.identifier },
    tags: { demo: patient.demo ? '1' : '0' },
  });
}

export const deviceIdFor = (patientId: string, kind: DeviceKind) => `hc-${patientId.slice(0, 8)}-${DEVICE_SUFFIX[kind]}`;

export interface EnrolledDevice {
  id: string;
  kind: DeviceKind;
  secret: string;
  attributes: Record<string, string | number | boolean>;
}

export interface Enrolment {
  patient: Patient;
  devices: EnrolledDevice[];
}

/**
 * Creates a patient and registers a home hub plus one device of each requested kind. Device
 * labels name the kind only: a label is stored in clear in the device registry.
 */
export async function enrolPatient(
  ctx: PilotContext,
  input: Omit<CreatePatientInput, 'consent'>,
  opts: { demo?: boolean } = {},
): Promise<Enrolment> {
  if (await findByIdentifier(ctx, input.identifier)) throw conflict('a patient with this identifier already exists');
  const kinds: DeviceKind[] = ['home-hub', ...input.devices];
  const principal = ctx.principal();

  // Device ids are unique across the platform; a clash of the 8-hex prefix is retried with a new id.
  let id = randomUUID();
  for (let attempt = 0; attempt < 5; attempt++) {
    const taken = await Promise.all(kinds.map((k) => ctx.devices.get(deviceIdFor(id, k)).then(() => true, () => false)));
    if (!taken.includes(true)) break;
    id = randomUUID();
  }

  const devices: EnrolledDevice[] = [];
  for (const kind of kinds) {
    const attributes = { pilot: PILOT_ID };
    const { device, secret } = await ctx.devices.register({
      id: deviceIdFor(id, kind),
      kind,
      label: DEVICE_KIND_DISPLAY[kind],
      subject: id,
      attributes,
    });
    devices.push({ id: device.id, kind, secret, attributes: device.attributes });
    await auditPatient(ctx, 'device.create', `device:${device.id}`, { kind, patient: id });
  }

  const patient: Patient = {
    id,
    identifier: input.identifier,
    givenName: input.givenName,
    familyName: input.familyName,
    birthDate: input.birthDate,
    sex: input.sex,
    ...(input.address ? { address: input.address } : {}),
    conditions: input.conditions,
    careTeam: input.careTeam,
    hubDeviceId: deviceIdFor(id, 'home-hub'),
    deviceIds: devices.map((d) => d.id),
    settings: input.settings,
    demo: opts.demo ?? false,
    createdAt: ctx.now(),
    createdBy: principal.label,
  };
  await savePatient(ctx, patient);
  await auditPatient(ctx, 'patient.create', patientTarget(id), { devices: patient.deviceIds, demo: patient.demo });
  return { patient, devices };
}
