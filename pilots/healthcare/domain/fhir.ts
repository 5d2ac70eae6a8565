// Pure builders for the FHIR R4 resources of a patient's export (Patient, Device, Observation,
// Bundle). Vital signs follow the R4 vital-signs profile (hl7.org/fhir/R4/vitalsigns.html):
// status, category vital-signs (system terminology.hl7.org/CodeSystem/observation-category),
// a LOINC code, subject, effective time, and a valueQuantity in UCUM (value, unit, system, code);
// blood pressure is the 85354-9 panel with systolic/diastolic components.
//
// The NEWS2 score is an Observation, not a RiskAssessment: it is a measured score with sub-scores,
// not a probability of an outcome, and the UK FHIR guidance (NHS Digital FHIR-NEWS2, UK Core early
// warning scores) models it as an Observation of category survey with component sub-scores.
// No LOINC code for the NEWS2 total could be confirmed ("1104051-8" appears in no source we found;
// it looks like the start of the SNOMED CT UK concept 1104051000000101), so the primary coding is
// Custodia's local code `https://custodia.example/fhir/CodeSystem/scores|news2`, with that SNOMED
// CT UK-edition concept, as used by the UK guides and IG examples, as a second coding.
import { createHash } from 'node:crypto';
import type { News2Param, News2Result } from './news2.ts';
import {
  ACVPU_DISPLAY,
  BP_PANEL,
  BP_PROFILE,
  DEVICE_KIND_DISPLAY,
  SNOMED,
  UCUM,
  VITALS,
  type Coding,
  type DeviceKind,
  type QuantityDefinition,
  type VitalReading,
} from './vitals.ts';

export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const DATA_ABSENT_REASON = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';
export const SCORES_SYSTEM = 'https://custodia.example/fhir/CodeSystem/scores';
export const ACVPU_SYSTEM = 'https://custodia.example/fhir/CodeSystem/acvpu';
export const DEVICE_KIND_SYSTEM = 'https://custodia.example/fhir/CodeSystem/device-kind';
export const PATIENT_IDENTIFIER_SYSTEM = 'https://custodia.example/fhir/NamingSystem/patient-identifier';
export const DEVICE_IDENTIFIER_SYSTEM = 'https://custodia.example/fhir/NamingSystem/device-id';
const VITALSIGNS_PROFILE = 'http://hl7.org/fhir/StructureDefinition/vitalsigns';

// ---- minimal FHIR R4 shapes ----------------------------------------------------------------

export interface Reference {
  reference: string;
  display?: string;
}
export interface CodeableConcept {
  coding: Coding[];
  text?: string;
}
export interface Quantity {
  value: number;
  unit: string;
  system: string;
  code: string;
}
export interface ObservationComponent {
  code: CodeableConcept;
  valueQuantity?: Quantity;
  dataAbsentReason?: CodeableConcept;
}
export interface Observation {
  resourceType: 'Observation';
  id: string;
  meta?: { profile: string[] };
  status: 'preliminary' | 'final';
  category: CodeableConcept[];
  code: CodeableConcept;
  subject: Reference;
  effectiveDateTime: string;
  device?: Reference;
  valueQuantity?: Quantity;
  valueCodeableConcept?: CodeableConcept;
  valueBoolean?: boolean;
  interpretation?: CodeableConcept[];
  note?: { text: string }[];
  derivedFrom?: Reference[];
  component?: ObservationComponent[];
}
export interface Patient {
  resourceType: 'Patient';
  id: string;
  identifier: { system: string; value: string }[];
  name: { use: 'official'; family: string; given: string[] }[];
  gender: FhirGender;
  birthDate: string;
  address?: { use: 'home'; line?: string[]; city?: string; postalCode?: string; country?: string }[];
}
export interface Device {
  resourceType: 'Device';
  id: string;
  identifier: { system: string; value: string }[];
  status: 'active' | 'inactive';
  type: CodeableConcept;
  deviceName?: { name: string; type: 'user-friendly-name' }[];
  manufacturer?: string;
  modelNumber?: string;
  serialNumber?: string;
  patient?: Reference;
}
export type Resource = Observation | Patient | Device;
export type BundleType = 'collection' | 'searchset' | 'transaction';
export interface BundleEntry {
  fullUrl: string;
  resource: Resource;
  search?: { mode: 'match' };
  request?: { method: 'POST'; url: string; ifNoneExist?: string };
}
export interface Bundle {
  resourceType: 'Bundle';
  id: string;
  type: BundleType;
  timestamp: string;
  total?: number;
  entry: BundleEntry[];
}

// ---- ids -----------------------------------------------------------------------------------

// Fixed namespace for Custodia's name-based UUIDs (RFC 9562 §5.5, version 5): the same resource
// always gets the same urn:uuid, so exports are reproducible and references stable.
const UUID_NAMESPACE = Buffer.from('6f1c2b7e4d8a4e3f9b5c0a1d2e3f4a5b', 'hex');
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(UUID_NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8]! & 0x3f) | 0x80; // RFC variant
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const iso = (ts: number): string => new Date(ts).toISOString();
const ref = (r: string | Reference): Reference => (typeof r === 'string' ? { reference: r } : r);
const category = (code: string, display: string): CodeableConcept[] => [
  { coding: [{ system: OBSERVATION_CATEGORY, code, display }] },
];
const CATEGORY_DISPLAY = { 'vital-signs': 'Vital Signs', laboratory: 'Laboratory', exam: 'Exam', survey: 'Survey' };

function quantity(def: QuantityDefinition, value: number): Quantity {
  return { value, unit: def.unit.display, system: UCUM, code: def.unit.code };
}

// ---- Patient and Device --------------------------------------------------------------------

export type FhirGender = 'male' | 'female' | 'other' | 'unknown';

/** Synthetic patient demographics as the pilot holds them. */
export interface PatientInput {
  id: string;
  identifier: string;
  identifierSystem?: string;
  givenName: string;
  familyName: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: FhirGender;
  address?: { line?: string[]; city?: string; postalCode?: string; country?: string };
}

export function patientResource(patient: PatientInput): Patient {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(patient.birthDate)) {
    throw new RangeError('birthDate must be YYYY-MM-DD');
  }
  const resource: Patient = {
    resourceType: 'Patient',
    id: patient.id,
    identifier: [{ system: patient.identifierSystem ?? PATIENT_IDENTIFIER_SYSTEM, value: patient.identifier }],
    name: [{ use: 'official', family: patient.familyName, given: [patient.givenName] }],
    gender: patient.sex,
    birthDate: patient.birthDate,
  };
  if (patient.address) resource.address = [{ use: 'home', ...patient.address }];
  return resource;
}

export interface DeviceInput {
  id: string;
  kind: DeviceKind;
  status?: 'active' | 'inactive';
  label?: string;
  manufacturer?: string;
  model?: string;
  serialNumber?: string;
  /** The patient the device is assigned to: "Patient/<id>". */
  patientRef?: string;
}

/** Device types use a local code system: no standard code was confirmed for every kind. */
export function deviceResource(device: DeviceInput): Device {
  const resource: Device = {
    resourceType: 'Device',
    id: device.id,
    identifier: [{ system: DEVICE_IDENTIFIER_SYSTEM, value: device.id }],
    status: device.status ?? 'active',
    type: {
      coding: [{ system: DEVICE_KIND_SYSTEM, code: device.kind, display: DEVICE_KIND_DISPLAY[device.kind] }],
      text: DEVICE_KIND_DISPLAY[device.kind],
    },
  };
  if (device.label) resource.deviceName = [{ name: device.label, type: 'user-friendly-name' }];
  if (device.manufacturer) resource.manufacturer = device.manufacturer;
  if (device.model) resource.modelNumber = device.model;
  if (device.serialNumber) resource.serialNumber = device.serialNumber;
  if (device.patientRef) resource.patient = { reference: device.patientRef };
  return resource;
}

// ---- Observations --------------------------------------------------------------------------

/** Systolic and diastolic taken together; either may be absent (recorded as data-absent). */
export interface BloodPressureReading {
  param: 'bloodPressure';
  systolic?: number;
  diastolic?: number;
  ts: number;
  id?: string;
  deviceId?: string;
}

function observationId(patientRef: Reference, code: string, ts: number, deviceId?: string): string {
  return uuidV5(`Observation|${patientRef.reference}|${code}|${ts}|${deviceId ?? ''}`);
}

function bpComponent(key: 'systolic' | 'diastolic', value: number | undefined): ObservationComponent {
  const def = VITALS[key];
  const code = { coding: [...def.codes], text: def.display };
  if (value === undefined) {
    return { code, dataAbsentReason: { coding: [{ system: DATA_ABSENT_REASON, code: 'unknown', display: 'Unknown' }] } };
  }
  return { code, valueQuantity: quantity(def, value) };
}

function bloodPressureObservation(reading: BloodPressureReading, subject: Reference): Observation {
  if (reading.systolic === undefined && reading.diastolic === undefined) {
    throw new RangeError('a blood pressure observation needs a systolic or a diastolic value');
  }
  const obs: Observation = {
    resourceType: 'Observation',
    id: reading.id ?? observationId(subject, BP_PANEL.code, reading.ts, reading.deviceId),
    meta: { profile: [VITALSIGNS_PROFILE, BP_PROFILE] },
    status: 'final',
    category: category('vital-signs', CATEGORY_DISPLAY['vital-signs']),
    code: { coding: [BP_PANEL], text: 'Blood pressure' },
    subject,
    effectiveDateTime: iso(reading.ts),
    // The panel itself carries no value; its components do (R4 vital-signs, BP panel rules).
    component: [bpComponent('systolic', reading.systolic), bpComponent('diastolic', reading.diastolic)],
  };
  if (reading.deviceId) obs.device = { reference: `Device/${reading.deviceId}` };
  return obs;
}

/**
 * One reading as an Observation. Quantities carry their LOINC code(s) and UCUM unit; a lone
 * systolic or diastolic reading becomes the 85354-9 panel with the other component data-absent.
 * Glucose is category laboratory; ACVPU and the oxygen flag are category exam.
 */
export function vitalObservation(reading: VitalReading | BloodPressureReading, patientRef: string | Reference): Observation {
  const subject = ref(patientRef);
  if (reading.param === 'bloodPressure') return bloodPressureObservation(reading, subject);
  if (reading.param === 'systolic' || reading.param === 'diastolic') {
    const bp: BloodPressureReading = { param: 'bloodPressure', ts: reading.ts, [reading.param]: reading.value };
    if (reading.id) bp.id = reading.id;
    if (reading.deviceId) bp.deviceId = reading.deviceId;
    return bloodPressureObservation(bp, subject);
  }

  const def = VITALS[reading.param];
  const primary = def.codes[0];
  const obs: Observation = {
    resourceType: 'Observation',
    id: reading.id ?? observationId(subject, primary.code, reading.ts, reading.deviceId),
    status: 'final',
    category: category(def.category, CATEGORY_DISPLAY[def.category]),
    code: { coding: [...def.codes], text: def.display },
    subject,
    effectiveDateTime: iso(reading.ts),
  };
  if ('profile' in def) obs.meta = { profile: [VITALSIGNS_PROFILE, def.profile] };
  if (reading.deviceId) obs.device = { reference: `Device/${reading.deviceId}` };

  if (reading.param === 'consciousness') {
    obs.valueCodeableConcept = {
      coding: [{ system: ACVPU_SYSTEM, code: reading.value, display: ACVPU_DISPLAY[reading.value] }],
      text: ACVPU_DISPLAY[reading.value],
    };
  } else if (reading.param === 'onOxygen') {
    obs.valueBoolean = reading.value;
  } else {
    if (!Number.isFinite(reading.value)) throw new RangeError(`${reading.param} value must be a finite number`);
    obs.valueQuantity = quantity(VITALS[reading.param], reading.value);
  }
  return obs;
}

/**
 * Readings as Observations, pairing a systolic and a diastolic with the same timestamp and
 * device into one blood pressure panel.
 */
export function vitalObservations(readings: readonly VitalReading[], patientRef: string | Reference): Observation[] {
  const out: Observation[] = [];
  const panels = new Map<string, BloodPressureReading>();
  for (const r of readings) {
    if (r.param !== 'systolic' && r.param !== 'diastolic') {
      out.push(vitalObservation(r, patientRef));
      continue;
    }
    const key = `${r.ts}|${r.deviceId ?? ''}`;
    let bp = panels.get(key);
    if (!bp) {
      bp = { param: 'bloodPressure', ts: r.ts };
      if (r.deviceId) bp.deviceId = r.deviceId;
      panels.set(key, bp);
    }
    bp[r.param] = r.value;
  }
  for (const bp of panels.values()) out.push(vitalObservation(bp, patientRef));
  return out;
}

// SNOMED CT UK-edition NEWS2 concepts, as used by the NHS FHIR NEWS2 guidance and UK Core examples.
const NEWS2_TOTAL: Coding[] = [
  { system: SCORES_SYSTEM, code: 'news2', display: 'NEWS2 (National Early Warning Score 2) total score' },
  { system: SNOMED, code: '1104051000000101', display: 'Royal College of Physicians NEWS2 (National Early Warning Score 2) total score' },
];
const SUBSCORE_SNOMED: Record<Exclude<News2Param, 'spo2'> | 'spo2-1' | 'spo2-2', [string, string]> = {
  respiratoryRate: ['1104301000000104', 'NEWS2 respiration rate score'],
  'spo2-1': ['1104311000000102', 'NEWS2 oxygen saturation scale 1 score'],
  'spo2-2': ['1104321000000108', 'NEWS2 oxygen saturation scale 2 score'],
  onOxygen: ['1104331000000105', 'NEWS2 air or oxygen score'],
  systolic: ['1104341000000101', 'NEWS2 systolic blood pressure score'],
  heartRate: ['1104351000000103', 'NEWS2 pulse score'],
  consciousness: ['1104361000000100', 'NEWS2 consciousness score'],
  temperature: ['1104371000000107', 'NEWS2 temperature score'],
};
const BAND_DISPLAY = { low: 'Low', 'low-medium': 'Low-medium', medium: 'Medium', high: 'High' } as const;

const score = (value: number): Quantity => ({ value, unit: 'score', system: UCUM, code: '{score}' });

export interface News2ObservationOptions {
  /** When the set was scored (epoch ms). */
  at: number;
  id?: string;
  /** References to the vital-sign Observations the score was computed from. */
  derivedFrom?: string[];
}

/**
 * The NEWS2 result as an Observation (category survey) with one component per sub-score. A partial
 * set is exported with status preliminary and a note naming the missing parameters: a NEWS2 over
 * an incomplete set is not a NEWS2 and must not pass for one.
 */
export function news2Observation(
  result: News2Result,
  patientRef: string | Reference,
  opts: News2ObservationOptions,
): Observation {
  const subject = ref(patientRef);
  const components: ObservationComponent[] = [];
  for (const [param, value] of Object.entries(result.scores) as [News2Param, number][]) {
    const key = param === 'spo2' ? (`spo2-${result.scale}` as const) : param;
    const [code, display] = SUBSCORE_SNOMED[key];
    components.push({
      code: {
        coding: [
          { system: SCORES_SYSTEM, code: `news2-${key}`, display },
          { system: SNOMED, code, display },
        ],
        text: display,
      },
      valueQuantity: score(value),
    });
  }
  const obs: Observation = {
    resourceType: 'Observation',
    id: opts.id ?? uuidV5(`Observation|${subject.reference}|news2|${opts.at}`),
    status: result.partial ? 'preliminary' : 'final',
    category: category('survey', CATEGORY_DISPLAY.survey),
    code: { coding: NEWS2_TOTAL, text: 'NEWS2 total score' },
    subject,
    effectiveDateTime: iso(opts.at),
    valueQuantity: score(result.total),
    interpretation: [
      {
        coding: [{ system: SCORES_SYSTEM, code: `news2-band-${result.band}`, display: `${BAND_DISPLAY[result.band]} clinical risk` }],
        text: `${BAND_DISPLAY[result.band]} clinical risk; ${result.monitoring}`,
      },
    ],
    component: components,
  };
  if (result.partial) obs.note = [{ text: `Partial observation set; missing: ${result.missing.join(', ')}` }];
  if (opts.derivedFrom?.length) obs.derivedFrom = opts.derivedFrom.map((r) => ({ reference: r }));
  return obs;
}

// ---- Bundle --------------------------------------------------------------------------------

function rewriteReferences(node: unknown, map: ReadonlyMap<string, string>): void {
  if (Array.isArray(node)) {
    for (const item of node) rewriteReferences(item, map);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'reference' && typeof value === 'string') {
      const target = map.get(value);
      if (target) obj[key] = target;
    } else {
      rewriteReferences(value, map);
    }
  }
}

export interface BundleOptions {
  /** Bundle.timestamp (epoch ms); defaults to now. */
  at?: number;
  id?: string;
}

/**
 * A Bundle of the given resources. Each entry's fullUrl is `urn:uuid:<uuid>` (the resource id
 * when it already is a UUID, else a name-based UUID of "Type/id"), and references between
 * resources of the bundle are rewritten to those fullUrls so they resolve inside the bundle
 * (R4 Bundle, "Resolving references in Bundles"). The input resources are not modified.
 */
export function bundle(resources: readonly Resource[], type: BundleType = 'collection', opts: BundleOptions = {}): Bundle {
  const urls = new Map<string, string>();
  for (const r of resources) {
    const local = `${r.resourceType}/${r.id}`;
    if (urls.has(local)) throw new RangeError(`duplicate resource in bundle: ${local}`);
    urls.set(local, `urn:uuid:${UUID_RE.test(r.id) ? r.id : uuidV5(local)}`);
  }
  const entry = resources.map((r): BundleEntry => {
    const resource = structuredClone(r);
    rewriteReferences(resource, urls);
    const e: BundleEntry = { fullUrl: urls.get(`${r.resourceType}/${r.id}`)!, resource };
    if (type === 'searchset') e.search = { mode: 'match' };
    if (type === 'transaction') {
      e.request = { method: 'POST', url: r.resourceType };
      // A conditional create: importing the same patient or device twice makes no duplicate.
      const id = r.resourceType === 'Observation' ? undefined : r.identifier[0];
      if (id) e.request.ifNoneExist = `identifier=${encodeURIComponent(id.system)}|${encodeURIComponent(id.value)}`;
    }
    return e;
  });
  const at = opts.at ?? Date.now();
  const b: Bundle = {
    resourceType: 'Bundle',
    id: opts.id ?? uuidV5(`Bundle|${at}|${[...urls.values()].join(',')}`),
    type,
    timestamp: iso(at),
    entry,
  };
  if (type === 'searchset') b.total = entry.length;
  return b;
}
