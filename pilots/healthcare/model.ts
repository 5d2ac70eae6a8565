// The healthcare pilot's records and the zod schemas of its API boundary. Every record about a
// patient is sealed under the patient's own key (subject = patient id) so erasing the patient
// (crypto-shredding) makes all of it unreadable; only ids and non-personal tags stay in clear.
import { z } from 'zod';
import { labelSchema, noteSchema } from '../../platform/safe-text.ts';
import type { AlarmState } from './domain/alarms.ts';
import type { News2Band, News2Param, News2Result, SpO2Scale } from './domain/news2.ts';
import { DEVICE_KINDS, NUMERIC_VITAL_KEYS, VITAL_KEYS, type DeviceKind, type NumericVitalKey } from './domain/vitals.ts';

export const PILOT_ID = 'healthcare';

export const KINDS = {
  patient: 'hc.patient',
  consent: 'hc.consent',
  news2: 'hc.news2',
  /** The patient's newest NEWS2 result, id = patient id (news2-records.ts). */
  news2Latest: 'hc.news2-latest',
  alarmState: 'hc.alarm-state',
  /** A patient's vitals per hour of one UTC day, id = `<patient id>:<YYYY-MM-DD>` (vitals-rollup.ts). */
  vitalsDay: 'hc.vitals-day',
} as const;

/** Long-term conditions the pilot monitors (the same names the simulator's physiology uses). */
export const CONDITIONS = ['copd', 'heart-failure', 'diabetes', 'hypertension'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** Devices a patient can be given besides the home hub, which every patient has. */
export const PATIENT_DEVICE_KINDS = DEVICE_KINDS.filter((k): k is Exclude<DeviceKind, 'home-hub'> => k !== 'home-hub');
export const DEFAULT_DEVICE_KINDS = ['pulse-oximeter', 'bp-cuff', 'thermometer', 'wearable'] as const;

/** Suffix of a device id per kind: `hc-<short>-<suffix>`. */
export const DEVICE_SUFFIX: Record<DeviceKind, string> = {
  'home-hub': 'hub',
  'pulse-oximeter': 'ox',
  'bp-cuff': 'bp',
  thermometer: 'temp',
  scale: 'scale',
  glucometer: 'gluc',
  wearable: 'wear',
};

export const SEXES = ['male', 'female', 'other', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

export interface Threshold {
  low?: number;
  high?: number;
}
export type Thresholds = Partial<Record<NumericVitalKey, Threshold>>;

export interface PatientSettings {
  /** NEWS2 SpO2 scale: 2 only when a clinician prescribed an 88–92 % target. */
  scale: SpO2Scale;
  /** Personalised alert limits per parameter; they raise their own alarm and never change NEWS2. */
  thresholds?: Thresholds;
  /** Expected interval between observation sets, chosen by the clinician (shown on the board). */
  monitoringMinutes: number;
  /** Escalation delay of critical alarms for this patient; absent: the pilot's default. */
  escalateAfterMinutes?: number;
}

export interface Address {
  line?: string[];
  city?: string;
  postalCode?: string;
  country?: string;
}

export interface Patient {
  id: string;
  /** Synthetic MRN-like identifier (e.g. SYN-000123); looked up through a blind index. */
  identifier: string;
  givenName: string;
  familyName: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: Sex;
  address?: Address;
  conditions: Condition[];
  careTeam: string[];
  hubDeviceId: string;
  deviceIds: string[];
  settings: PatientSettings;
  /** Created by demo provisioning: the simulator honours scenario commands for it. */
  demo: boolean;
  createdAt: number;
  createdBy: string;
}

export type ConsentStatus = 'given' | 'withdrawn';

/** Secondary uses a patient may agree to, beyond telemonitoring itself (data sharing agreements). */
export const SECONDARY_PURPOSES = ['research', 'public-statistics'] as const;
export type SecondaryPurpose = (typeof SECONDARY_PURPOSES)[number];

export interface ConsentEntry {
  status: ConsentStatus;
  at: number;
  recordedBy: string;
  note: string;
  /** Secondary uses agreed to; absent in entries recorded before purposes existed (= none). */
  purposes?: SecondaryPurpose[];
}

export interface ConsentRecord {
  patientId: string;
  current: ConsentEntry | null;
  history: ConsentEntry[];
}

export interface News2Record {
  id: string;
  patientId: string;
  /** Time of the newest observation in the set (epoch ms). */
  at: number;
  computedAt: number;
  total: number;
  band: News2Band;
  partial: boolean;
  missing: News2Param[];
  scale: SpO2Scale;
  scores: News2Result['scores'];
  anySingleThree: boolean;
  /** The values scored, for the record and the FHIR export. */
  set: Partial<Record<News2Param, number | boolean | string>>;
}

/** What a NEWS2 result tells the ward: the score, its band and parts, and what was missing. */
export const news2Summary = (r: News2Result): Pick<News2Result, 'total' | 'band' | 'partial' | 'missing' | 'scale' | 'scores'> => ({
  total: r.total,
  band: r.band,
  partial: r.partial,
  missing: r.missing,
  scale: r.scale,
  scores: r.scores,
});

/** A NEWS2 result as the pilot stores it, for the live rules and the demo's history alike. */
export function news2Record(ref: Pick<News2Record, 'id' | 'patientId' | 'at' | 'computedAt' | 'set'>, result: News2Result): News2Record {
  return {
    id: ref.id,
    patientId: ref.patientId,
    at: ref.at,
    computedAt: ref.computedAt,
    ...news2Summary(result),
    anySingleThree: result.anySingleThree,
    set: ref.set,
  };
}

export interface AlarmStateRecord extends AlarmState {
  patientId: string;
  updatedAt: number;
}

// ---- API schemas ---------------------------------------------------------------------------

export const patientIdParam = z.object({ id: z.uuid() }).strict();
/** A page of the commands sent to a patient's hub, newest first. */
export const hubCommandsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

const threshold = z
  .object({ low: z.number().finite().optional(), high: z.number().finite().optional() })
  .strict()
  .refine((t) => t.low === undefined || t.high === undefined || t.low < t.high, 'low must be below high');
export const thresholdsSchema = z.partialRecord(z.enum(NUMERIC_VITAL_KEYS), threshold);

export const settingsSchema = z
  .object({
    scale: z.union([z.literal(1), z.literal(2)]).default(1),
    thresholds: thresholdsSchema.optional(),
    monitoringMinutes: z.number().int().min(1).max(24 * 60).default(60),
    escalateAfterMinutes: z.number().int().min(1).max(24 * 60).optional(),
  })
  .strict();

export const settingsPatchSchema = z
  .object({
    scale: z.union([z.literal(1), z.literal(2)]).optional(),
    thresholds: thresholdsSchema.nullable().optional(),
    monitoringMinutes: z.number().int().min(1).max(24 * 60).optional(),
    escalateAfterMinutes: z.number().int().min(1).max(24 * 60).nullable().optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');

const text = (max: number) => labelSchema(1, max);

export const identifierSchema = z.string().regex(/^[A-Z0-9][A-Z0-9-]{2,31}$/, 'uppercase letters, digits and dashes, 3–32 characters');

export const createPatientSchema = z
  .object({
    identifier: identifierSchema,
    givenName: text(80),
    familyName: text(80),
    birthDate: z.iso.date(),
    sex: z.enum(SEXES),
    address: z
      .object({
        line: z.array(text(120)).max(3).optional(),
        city: text(80).optional(),
        postalCode: text(16).optional(),
        country: text(56).optional(),
      })
      .strict()
      .optional(),
    conditions: z.array(z.enum(CONDITIONS)).max(CONDITIONS.length).default([]),
    careTeam: z.array(text(80)).max(10).default([]),
    settings: settingsSchema.default({ scale: 1, monitoringMinutes: 60 }),
    /** Kinds of devices to register besides the home hub (one of each). */
    devices: z.array(z.enum(PATIENT_DEVICE_KINDS)).max(PATIENT_DEVICE_KINDS.length).default([...DEFAULT_DEVICE_KINDS]),
    /** Consent recorded at enrolment (needs the consent:manage permission). */
    consent: z.object({ status: z.literal('given'), note: noteSchema(500).default('') }).strict().optional(),
  })
  .strict()
  .refine((p) => new Set(p.devices).size === p.devices.length, 'each device kind at most once');
export type CreatePatientInput = z.infer<typeof createPatientSchema>;

export const consentSchema = z
  .object({
    status: z.enum(['given', 'withdrawn']),
    note: noteSchema(500).default(''),
    purposes: z.array(z.enum(SECONDARY_PURPOSES)).max(SECONDARY_PURPOSES.length).default([]),
  })
  .strict();

/** Epoch milliseconds or an ISO 8601 date-time. */
export const instant = z
  .string()
  .max(40)
  .transform((v, c) => {
    const n = /^\d{1,16}$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(n)) {
      c.addIssue({ code: 'custom', message: 'epoch milliseconds or an ISO 8601 date-time' });
      return z.NEVER;
    }
    return n;
  });

export const rangeQuery = z.object({ from: instant.optional(), to: instant.optional() }).strict();
/** The export: today's `collection` Bundle by default, or a `transaction` a FHIR server imports. */
export const exportQuery = rangeQuery.extend({ type: z.enum(['collection', 'transaction']).default('collection') }).strict();
/** Chart buckets: a minute to a day; the API answers one mean per bucket instead of each reading. */
export const MIN_BUCKET_MS = 60_000;
export const MAX_BUCKET_MS = 86_400_000;
/** Most buckets one answer holds: a range over a bucket of more is refused, not cut. */
export const MAX_BUCKETS = 5000;
export const VITALS_RESOLUTIONS = ['raw', 'hour', 'auto'] as const;
export const vitalsQuery = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    param: z.enum(VITAL_KEYS).optional(),
    bucket: z.coerce.number().int().min(MIN_BUCKET_MS).max(MAX_BUCKET_MS).optional(),
    /** `raw` (the default) every reading; `hour` count, min, max and mean per vital and hour;
     *  `auto` per hour over 48 h (domain/vitals-rollup.ts). */
    resolution: z.enum(VITALS_RESOLUTIONS).optional().meta({ description: 'raw (default): every reading; hour: {t, n, min, max, mean} per vital and hour; auto: hour when the range is over 48 h' }),
  })
  .strict();

export const MESSAGE_KINDS = ['message', 'reminder'] as const;
export const messageSchema = z
  .object({
    kind: z.enum(MESSAGE_KINDS).default('message'),
    text: text(500),
    /** For reminders: when the hub should show it (epoch ms); absent: at once. */
    dueAt: z.number().int().positive().optional(),
  })
  .strict();

export const SCENARIOS = ['deterioration', 'fall', 'recover', 'offline', 'battery-low', 'implausible'] as const;
export const simulateSchema = z.object({ scenario: z.enum(SCENARIOS) }).strict();

export const eraseSchema = z.object({ confirm: z.uuid() }).strict();

export const provisionSchema = z
  .object({ patients: z.number().int().min(1).max(200), seed: z.number().int().min(0).max(2 ** 31 - 1).default(42) })
  .strict();

export const resolveParams = z.object({ id: z.uuid(), alarmId: z.uuid() }).strict();
/** A device id as the platform's registry spells it (lowercase letters, digits, dashes). */
const deviceIdParam = z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/, 'a device id: lowercase letters, digits and dashes');
export const linkDeviceSchema = z.object({ deviceId: deviceIdParam }).strict();
export const patientDeviceParams = z.object({ id: z.uuid(), deviceId: deviceIdParam }).strict();
