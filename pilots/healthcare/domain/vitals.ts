// The healthcare pilot's catalogue of vital-sign parameters and the telemetry/event payload schemas
// of its device kinds. Codes: LOINC (http://loinc.org) as required by the FHIR R4 vital-signs
// profile (hl7.org/fhir/R4/vitalsigns.html), units in UCUM (http://unitsofmeasure.org).
// Two kinds of bounds on purpose:
//   - schema bounds reject values no sensor can report (SpO2 150 %, a negative pulse, NaN);
//   - plausible ranges flag values a sensor can report but a living, monitored patient is very
//     unlikely to have (probe off, thermometer in the air): a technical alarm, not a clinical one.
import { z } from 'zod';

export const VITAL_KEYS = [
  'heartRate',
  'respiratoryRate',
  'spo2',
  'temperature',
  'systolic',
  'diastolic',
  'weight',
  'glucose',
  'consciousness',
  'onOxygen',
] as const;
export type VitalKey = (typeof VITAL_KEYS)[number];
export type NumericVitalKey = Exclude<VitalKey, 'consciousness' | 'onOxygen'>;
export const NUMERIC_VITAL_KEYS = VITAL_KEYS.filter(
  (k): k is NumericVitalKey => k !== 'consciousness' && k !== 'onOxygen',
);

/** ACVPU (NEWS2 chart 1, consciousness row): Alert, new Confusion, Voice, Pain, Unresponsive. */
export const ACVPU = ['A', 'C', 'V', 'P', 'U'] as const;
export type Acvpu = (typeof ACVPU)[number];
export const ACVPU_DISPLAY: Record<Acvpu, string> = {
  A: 'Alert',
  C: 'New confusion',
  V: 'Responds to voice',
  P: 'Responds to pain',
  U: 'Unresponsive',
};

export const LOINC = 'http://loinc.org';
export const SNOMED = 'http://snomed.info/sct';
export const UCUM = 'http://unitsofmeasure.org';
/** Local code system for concepts with no confirmed standard code (see fhir.ts). */
export const LOCAL_CODES = 'https://custodia.example/fhir/CodeSystem/vitals';

export interface Coding {
  system: string;
  code: string;
  display: string;
}

export interface Range {
  min: number;
  max: number;
}

interface BaseDefinition {
  key: VitalKey;
  display: string;
  /** Codings for Observation.code, the primary (LOINC where one exists) first. */
  codes: Coding[];
  /** FHIR observation-category code. */
  category: 'vital-signs' | 'laboratory' | 'exam';
  /** The base FHIR R4 profile this parameter conforms to, when there is one. */
  profile?: string;
}

export interface QuantityDefinition extends BaseDefinition {
  type: 'quantity';
  /** UCUM code (Quantity.code) and the human unit (Quantity.unit). */
  unit: { code: string; display: string };
  /** Resolution the value is recorded at (decimal places). */
  decimals: number;
  /** Hard bounds of the telemetry schema. */
  schema: Range;
  /** Physiologically plausible range; outside it the reading raises a technical alarm. */
  plausible: Range;
}

export interface CodedDefinition extends BaseDefinition {
  type: 'code' | 'boolean';
}

export type VitalDefinition = QuantityDefinition | CodedDefinition;

const loinc = (code: string, display: string): Coding => ({ system: LOINC, code, display });
const R4 = 'http://hl7.org/fhir/StructureDefinition/';

/** The blood pressure panel that groups systolic and diastolic (R4 profile `bp`). */
export const BP_PANEL = loinc('85354-9', 'Blood pressure panel with all children optional');
export const BP_PROFILE = `${R4}bp`;

export const VITALS = {
  heartRate: {
    key: 'heartRate',
    type: 'quantity',
    display: 'Heart rate',
    codes: [loinc('8867-4', 'Heart rate')],
    category: 'vital-signs',
    profile: `${R4}heartrate`,
    unit: { code: '/min', display: 'beats/minute' },
    decimals: 0,
    schema: { min: 0, max: 300 },
    plausible: { min: 25, max: 250 },
  },
  respiratoryRate: {
    key: 'respiratoryRate',
    type: 'quantity',
    display: 'Respiratory rate',
    codes: [loinc('9279-1', 'Respiratory rate')],
    category: 'vital-signs',
    profile: `${R4}resprate`,
    unit: { code: '/min', display: 'breaths/minute' },
    decimals: 0,
    schema: { min: 0, max: 100 },
    plausible: { min: 4, max: 60 },
  },
  spo2: {
    key: 'spo2',
    type: 'quantity',
    display: 'Oxygen saturation (SpO2)',
    // R4 `oxygensat` profile requires 2708-6; 59408-5 says it was measured by pulse oximetry.
    codes: [
      loinc('2708-6', 'Oxygen saturation in Arterial blood'),
      loinc('59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry'),
    ],
    category: 'vital-signs',
    profile: `${R4}oxygensat`,
    unit: { code: '%', display: '%' },
    decimals: 0,
    schema: { min: 0, max: 100 },
    plausible: { min: 50, max: 100 },
  },
  temperature: {
    key: 'temperature',
    type: 'quantity',
    display: 'Body temperature',
    codes: [loinc('8310-5', 'Body temperature')],
    category: 'vital-signs',
    profile: `${R4}bodytemp`,
    unit: { code: 'Cel', display: 'C' },
    decimals: 1,
    schema: { min: 10, max: 50 },
    plausible: { min: 30, max: 43 },
  },
  systolic: {
    key: 'systolic',
    type: 'quantity',
    display: 'Systolic blood pressure',
    codes: [loinc('8480-6', 'Systolic blood pressure')],
    category: 'vital-signs',
    profile: BP_PROFILE,
    unit: { code: 'mm[Hg]', display: 'mmHg' },
    decimals: 0,
    schema: { min: 0, max: 350 },
    plausible: { min: 50, max: 260 },
  },
  diastolic: {
    key: 'diastolic',
    type: 'quantity',
    display: 'Diastolic blood pressure',
    codes: [loinc('8462-4', 'Diastolic blood pressure')],
    category: 'vital-signs',
    profile: BP_PROFILE,
    unit: { code: 'mm[Hg]', display: 'mmHg' },
    decimals: 0,
    schema: { min: 0, max: 300 },
    plausible: { min: 25, max: 160 },
  },
  weight: {
    key: 'weight',
    type: 'quantity',
    display: 'Body weight',
    codes: [loinc('29463-7', 'Body weight')],
    category: 'vital-signs',
    profile: `${R4}bodyweight`,
    unit: { code: 'kg', display: 'kg' },
    decimals: 1,
    schema: { min: 0, max: 500 },
    plausible: { min: 25, max: 300 },
  },
  glucose: {
    key: 'glucose',
    type: 'quantity',
    display: 'Blood glucose',
    // A laboratory-category result, not a vital sign (no vital-signs profile applies).
    codes: [loinc('2339-0', 'Glucose [Mass/volume] in Blood')],
    category: 'laboratory',
    unit: { code: 'mg/dL', display: 'mg/dL' },
    decimals: 0,
    schema: { min: 0, max: 2000 },
    // Home meters typically read 20–600 mg/dL and show LO/HI outside it.
    plausible: { min: 20, max: 600 },
  },
  consciousness: {
    key: 'consciousness',
    type: 'code',
    display: 'Level of consciousness (ACVPU)',
    // SNOMED CT UK edition "ACVPU" observable, as used by the NHS Digital FHIR NEWS2 guidance;
    // no LOINC code was confirmed for ACVPU, so the local code rides along.
    codes: [
      { system: SNOMED, code: '1104441000000107', display: 'ACVPU (Alert Confusion Voice Pain Unresponsive) scale score' },
      { system: LOCAL_CODES, code: 'acvpu', display: 'Level of consciousness (ACVPU)' },
    ],
    category: 'exam',
  },
  onOxygen: {
    key: 'onOxygen',
    type: 'boolean',
    display: 'Receiving supplemental oxygen',
    codes: [{ system: LOCAL_CODES, code: 'on-oxygen', display: 'Receiving supplemental oxygen' }],
    category: 'exam',
  },
} as const satisfies Record<VitalKey, VitalDefinition>;

export function vitalDefinition(key: VitalKey): VitalDefinition {
  return VITALS[key];
}

/** Value kinds per parameter: numbers for quantities, ACVPU letters, a boolean for oxygen. */
export type VitalValue<K extends VitalKey> = K extends 'consciousness' ? Acvpu : K extends 'onOxygen' ? boolean : number;

/** One reading of one parameter; the unit of observation sets, FHIR export and alarms. */
export type VitalReading = {
  [K in VitalKey]: { param: K; value: VitalValue<K>; ts: number; id?: string; deviceId?: string };
}[VitalKey];

/**
 * True when a value is physiologically plausible for the parameter. Non-finite numbers and values
 * of the wrong type are never plausible. ACVPU and oxygen flags are plausible whenever well-formed.
 */
export function isPlausible(param: VitalKey, value: unknown): boolean {
  const def: VitalDefinition = VITALS[param];
  if (def.type === 'quantity') {
    return typeof value === 'number' && Number.isFinite(value) && value >= def.plausible.min && value <= def.plausible.max;
  }
  if (def.type === 'boolean') return typeof value === 'boolean';
  return typeof value === 'string' && (ACVPU as readonly string[]).includes(value);
}

// ---- telemetry payloads --------------------------------------------------------------------

/** Epoch milliseconds: an integer between 1970 and the end of ECMAScript's date range. */
export const epochMs = z.number().int().min(0).max(8.64e15);

// zod 4 numbers already reject NaN and ±Infinity; the bounds are the catalogue's schema bounds.
const measure = (key: NumericVitalKey) => z.number().min(VITALS[key].schema.min).max(VITALS[key].schema.max);

export const DEVICE_KINDS = [
  'pulse-oximeter',
  'bp-cuff',
  'thermometer',
  'scale',
  'glucometer',
  'wearable',
  'home-hub',
] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];
export const isDeviceKind = (k: unknown): k is DeviceKind => (DEVICE_KINDS as readonly unknown[]).includes(k);

export const DEVICE_KIND_DISPLAY: Record<DeviceKind, string> = {
  'pulse-oximeter': 'Pulse oximeter',
  'bp-cuff': 'Blood pressure cuff',
  thermometer: 'Thermometer',
  scale: 'Weighing scale',
  glucometer: 'Blood glucose meter',
  wearable: 'Wearable activity and vital-sign monitor',
  'home-hub': 'Home hub',
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Reporting interval per kind: the simulator's at speed 1, and the demo history's. A complete
 * NEWS2 set needs every parameter inside the pilot's one-hour window (options.ts windowMs):
 * respiratory rate from the wearable, SpO2 from the oximeter, temperature, systolic pressure, and
 * ACVPU plus supplemental oxygen from the hub, so those kinds report at least twice an hour.
 * Weight and glucose are spot checks (a few a day).
 */
export const REPORT_INTERVAL_MS: Record<DeviceKind, number> = {
  wearable: 1 * MINUTE,
  'pulse-oximeter': 5 * MINUTE,
  'home-hub': 5 * MINUTE,
  thermometer: 30 * MINUTE,
  'bp-cuff': 30 * MINUTE,
  glucometer: 4 * HOUR,
  scale: 6 * HOUR,
};

// Strict objects: an unknown field is an error, so a misconfigured device is told at once
// instead of having part of its data silently dropped.
export const pulseOximeterPayload = z.strictObject({
  ts: epochMs,
  spo2: measure('spo2'),
  heartRate: measure('heartRate'),
});
export const bpCuffPayload = z.strictObject({
  ts: epochMs,
  systolic: measure('systolic'),
  diastolic: measure('diastolic'),
  heartRate: measure('heartRate'),
});
export const thermometerPayload = z.strictObject({ ts: epochMs, temperature: measure('temperature') });
export const scalePayload = z.strictObject({ ts: epochMs, weight: measure('weight') });
export const glucometerPayload = z.strictObject({ ts: epochMs, glucose: measure('glucose') });
export const wearablePayload = z.strictObject({
  ts: epochMs,
  heartRate: measure('heartRate'),
  respiratoryRate: measure('respiratoryRate'),
  /** Activity level, 0 (still) to 1 (vigorous). */
  movement: z.number().min(0).max(1),
});
export const homeHubPayload = z.strictObject({
  ts: epochMs,
  /** Battery charge in percent. */
  battery: z.number().min(0).max(100),
  connectivity: z.enum(['wifi', 'cellular', 'ethernet']),
  /** Entered on the hub by the patient or a carer (ACVPU), when assessed. */
  consciousness: z.enum(ACVPU).optional(),
  onOxygen: z.boolean().optional(),
});

export const telemetrySchemas = {
  'pulse-oximeter': pulseOximeterPayload,
  'bp-cuff': bpCuffPayload,
  thermometer: thermometerPayload,
  scale: scalePayload,
  glucometer: glucometerPayload,
  wearable: wearablePayload,
  'home-hub': homeHubPayload,
} as const satisfies Record<DeviceKind, z.ZodType>;

export type TelemetryPayload<K extends DeviceKind = DeviceKind> = z.infer<(typeof telemetrySchemas)[K]>;

export const EVENT_TYPES = ['fall', 'button', 'fault', 'battery-low'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const eventPayload = z.strictObject({
  ts: epochMs,
  type: z.enum(EVENT_TYPES),
  detail: z.string().max(500).optional(),
});
export type EventPayload = z.infer<typeof eventPayload>;

/** Validates one telemetry payload of a device kind (zod safeParse result). */
export function parseTelemetry<K extends DeviceKind>(kind: K, payload: unknown) {
  const schema: z.ZodType = telemetrySchemas[kind];
  return schema.safeParse(payload) as z.ZodSafeParseResult<TelemetryPayload<K>>;
}

/** Splits a validated payload into per-parameter readings (device-state fields are not vitals). */
export function readingsFromTelemetry(payload: TelemetryPayload, deviceId?: string): VitalReading[] {
  const out: VitalReading[] = [];
  const extra = deviceId === undefined ? {} : { deviceId };
  for (const key of VITAL_KEYS) {
    if (!(key in payload)) continue;
    const value = (payload as Record<string, unknown>)[key];
    if (value === undefined) continue;
    out.push({ param: key, value, ts: payload.ts, ...extra } as VitalReading);
  }
  return out;
}

/**
 * The parameters of a validated payload that are implausible (technical alarm candidates),
 * plus a cross-field check: a diastolic pressure at or above the systolic is a failed measurement.
 */
export function implausibleFields(payload: TelemetryPayload): VitalKey[] {
  const bad: VitalKey[] = [];
  for (const r of readingsFromTelemetry(payload)) {
    if (!isPlausible(r.param, r.value)) bad.push(r.param);
  }
  if ('systolic' in payload && payload.diastolic >= payload.systolic && !bad.includes('diastolic')) {
    bad.push('diastolic');
  }
  return bad;
}
