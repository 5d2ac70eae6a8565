// The FHIR R4 export of one patient: a collection Bundle with the Patient, their Devices, the
// vital-sign Observations of a time range and the NEWS2 score Observations (domain/fhir.ts builds
// each resource; this file only gathers them). Implausible values are left out: they were never
// accepted as measurements of the patient (domain/vitals.ts "plausible ranges").
import { clinicalResponse, type News2Result } from './domain/news2.ts';
import {
  bundle,
  deviceResource,
  news2Observation,
  patientResource,
  vitalObservations,
  type Bundle,
  type Observation,
  type Resource,
} from './domain/fhir.ts';
import { implausibleFields, readingsFromTelemetry, type DeviceKind, type TelemetryPayload, type VitalReading } from './domain/vitals.ts';
import type { News2Record, Patient } from './model.ts';

export const FHIR_CONTENT_TYPE = 'application/fhir+json';

export interface ExportInput {
  patient: Patient;
  devices: { id: string; kind: DeviceKind; label?: string }[];
  /** Stored telemetry of the patient's devices, parsed by their kinds' schemas (stored.ts). */
  readings: { deviceId: string; ts: number; data: TelemetryPayload }[];
  news2: News2Record[];
  at: number;
}

export function news2ResultOf(rec: News2Record): News2Result {
  return {
    total: rec.total,
    scores: rec.scores,
    band: rec.band,
    anySingleThree: rec.anySingleThree,
    partial: rec.partial,
    missing: rec.missing,
    scale: rec.scale,
    ...clinicalResponse(rec.total, rec.anySingleThree),
  };
}

/** Drops resources whose id repeats (two identical readings of one device at one instant). */
function unique<T extends Resource>(resources: T[]): T[] {
  const seen = new Set<string>();
  return resources.filter((r) => {
    const k = `${r.resourceType}/${r.id}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The patient's vital-sign and NEWS2 Observations, oldest first (the export's and the FHIR
 *  Observation search's one source). */
export function patientObservations(patientId: string, readings: ExportInput['readings'], news2: News2Record[]): Observation[] {
  const ref = `Patient/${patientId}`;
  const vitals: VitalReading[] = [];
  for (const r of readings) {
    const bad = implausibleFields(r.data);
    for (const v of readingsFromTelemetry(r.data, r.deviceId)) if (!bad.includes(v.param)) vitals.push({ ...v, ts: r.ts });
  }
  vitals.sort((a, b) => a.ts - b.ts);
  const observations: Observation[] = unique(vitalObservations(vitals, ref));
  const scores = unique(news2.map((n) => news2Observation(news2ResultOf(n), ref, { at: n.at, id: n.id })));
  return [...observations, ...scores];
}

export function fhirPatient(p: Patient) {
  return patientResource({
    id: p.id,
    identifier: p.identifier,
    givenName: p.givenName,
    familyName: p.familyName,
    birthDate: p.birthDate,
    sex: p.sex,
    ...(p.address ? { address: p.address } : {}),
  });
}

export function fhirDevice(d: { id: string; kind: DeviceKind; label?: string }, patientId: string | null) {
  return deviceResource({ id: d.id, kind: d.kind, ...(d.label ? { label: d.label } : {}), ...(patientId ? { patientRef: `Patient/${patientId}` } : {}) });
}

/** The export: a `collection` Bundle by default, or a `transaction` of POST entries a FHIR
 *  server imports as resources (Patient and Devices created only if their identifier is new). */
export function patientBundle(input: ExportInput, type: 'collection' | 'transaction' = 'collection'): Bundle {
  const { patient: p } = input;
  const devices = input.devices.map((d) => fhirDevice(d, p.id));
  const observations = patientObservations(p.id, input.readings, input.news2);
  return bundle([fhirPatient(p), ...devices, ...observations], type, { at: input.at });
}
