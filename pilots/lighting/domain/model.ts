// Lighting pilot data model: installations, control cabinets, groups, lamp models, lamps, and the
// payloads their devices exchange. Field names follow the public smart-data-models Streetlighting
// models where they fit (Streetlight, StreetlightModel, StreetlightGroup,
// StreetlightControlCabinet): powerState, illuminanceLevel, status, workingMode, powerConsumption,
// energyConsumed, luminousFlux, lampTechnology, maximumPowerAvailable. References (refStreetlight*)
// are shortened to `cabinetId`, `groupId`, `modelId`, which is what queries filter on.
import { z } from 'zod';
import { isSafeNote, labelSchema } from '../../../platform/safe-text.ts';
import { isCalendarDate, isValidTimeZone } from './tz.ts';

const id = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');
const name = labelSchema(1, 200);
const latitude = z.number().min(-90).max(90);
const longitude = z.number().min(-180).max(180);
export const timeZoneSchema = z.string().min(1).max(64).refine(isValidTimeZone, 'unknown IANA time zone');
export const calendarDateSchema = z.string().refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD');
/** Epoch milliseconds. */
const ts = z.number().int().min(0).max(8.64e15);
/** DALI-style dim level in percent, 0 = off. */
export const levelSchema = z.number().min(0).max(100);

/** Streetlight.powerState */
export const powerStates = ['on', 'off', 'low', 'bootingUp'] as const;
export type PowerState = (typeof powerStates)[number];
/** Streetlight.status */
export const lampStatuses = ['ok', 'defectiveLamp', 'columnIssue', 'brokenLantern'] as const;
export type LampStatus = (typeof lampStatuses)[number];
/** StreetlightControlCabinet.workingMode */
export const workingModes = ['automatic', 'manual', 'semiautomatic'] as const;
export type WorkingMode = (typeof workingModes)[number];
export const phases = ['L1', 'L2', 'L3'] as const;
export type Phase = (typeof phases)[number];

/** Position on the offline SVG layout (arbitrary units) plus geographic position. */
const layoutPosition = z.strictObject({ x: z.number().min(-1e6).max(1e6), y: z.number().min(-1e6).max(1e6) });

export const installationSchema = z.strictObject({
  id,
  name,
  latitude,
  longitude,
  timeZone: timeZoneSchema,
});
export type Installation = z.infer<typeof installationSchema>;

export const feederSchema = z.strictObject({
  id,
  phase: z.enum(phases),
  /** Circuit breaker rating in amperes. */
  ratedCurrent: z.number().positive().max(1000).optional(),
});
export type Feeder = z.infer<typeof feederSchema>;

export const cabinetSchema = z.strictObject({
  id,
  installationId: id,
  name,
  position: layoutPosition,
  latitude,
  longitude,
  feeders: z.array(feederSchema).min(1).max(32),
  energyMeterId: id.optional(),
  workingMode: z.enum(workingModes),
  /** Contracted power in W (StreetlightControlCabinet.maximumPowerAvailable). */
  maximumPowerAvailable: z.number().positive().max(1e7).optional(),
  /** Last known state, kept by the rules from telemetry and events. */
  mainsPresent: z.boolean().default(true),
  doorOpen: z.boolean().default(false),
});
export type Cabinet = z.infer<typeof cabinetSchema>;

export const groupSchema = z.strictObject({
  id,
  installationId: id,
  name,
  kind: z.enum(['street', 'park', 'square', 'tunnel', 'other']),
  cabinetId: id.optional(),
});
export type Group = z.infer<typeof groupSchema>;

export const lampModelSchema = z.strictObject({
  id,
  name,
  lampTechnology: z.literal('LED'),
  /** LED load at 100 % in W (Streetlight.powerRating). */
  powerRating: z.number().positive().max(2000),
  /** Constant driver loss in W added at any level > 0; see expectedPower in power.ts. */
  driverLoss: z.number().min(0).max(200).default(0),
  /** Draw of the driver and node with the LED off, in W. */
  standbyPower: z.number().min(0).max(20).default(0.5),
  /** Lowest level the driver can dim to, in percent; lower non-zero commands run at this level. */
  minDimLevel: z.number().min(0).max(100),
  /** Luminous flux at 100 %, lm (StreetlightModel.luminousFlux). */
  luminousFlux: z.number().positive().max(200_000),
  colorTemperature: z.number().min(1000).max(10_000).optional(),
  /** Driver case temperature limit, °C (datasheet tc max). */
  maxDriverTemperature: z.number().min(30).max(150).default(85),
});
export type LampModel = z.infer<typeof lampModelSchema>;
export type LampModelInput = z.input<typeof lampModelSchema>;

export const lampSchema = z.strictObject({
  id,
  installationId: id,
  name: name.optional(),
  modelId: id,
  cabinetId: id,
  groupId: id,
  /** Feeder (circuit) of the cabinet that supplies the lamp. */
  feederId: id.optional(),
  position: layoutPosition,
  latitude,
  longitude,
  burningHours: z.number().min(0).max(1e6).default(0),
  switchCount: z.number().int().min(0).max(1e9).default(0),
  status: z.enum(lampStatuses).default('ok'),
  powerState: z.enum(powerStates).default('off'),
  /** Relative illuminance level setting 0..1 (Streetlight.illuminanceLevel) = dim level / 100. */
  illuminanceLevel: z.number().min(0).max(1).default(0),
});
export type Lamp = z.infer<typeof lampSchema>;

// ---- Device payloads (validated at the broker boundary) ----

export const lampTelemetrySchema = z.strictObject({
  ts,
  powerState: z.enum(powerStates),
  dimLevel: levelSchema,
  /** W */
  activePower: z.number().min(0).max(5000),
  /** V (r.m.s.) */
  voltage: z.number().min(0).max(300),
  /** A (r.m.s.) */
  current: z.number().min(0).max(50),
  powerFactor: z.number().min(0).max(1),
  /** °C */
  driverTemperature: z.number().min(-50).max(200),
  burningHours: z.number().min(0).max(1e6),
});
export type LampTelemetry = z.infer<typeof lampTelemetrySchema>;

export const cabinetTelemetrySchema = z.strictObject({
  ts,
  /** Cumulative meter register, kWh (StreetlightControlCabinet.energyConsumed). */
  activeEnergy: z.number().min(0).max(1e10),
  /** W, all phases */
  activePower: z.number().min(0).max(1e7),
  voltageL1: z.number().min(0).max(300),
  voltageL2: z.number().min(0).max(300),
  voltageL3: z.number().min(0).max(300),
  currentL1: z.number().min(0).max(2000),
  currentL2: z.number().min(0).max(2000),
  currentL3: z.number().min(0).max(2000),
  mainsPresent: z.boolean(),
  doorOpen: z.boolean(),
});
export type CabinetTelemetry = z.infer<typeof cabinetTelemetrySchema>;

export const lightingEventTypes = ['fault', 'door-open', 'door-closed', 'mains-lost', 'mains-restored'] as const;
export type LightingEventType = (typeof lightingEventTypes)[number];
export const lightingEventSchema = z.strictObject({
  ts,
  type: z.enum(lightingEventTypes),
  detail: z.string().min(1).max(500).refine(isSafeNote, 'must not contain control, bidi or unpaired surrogate characters').optional(),
});
export type LightingEvent = z.infer<typeof lightingEventSchema>;

export const lightingCommandSchema = z
  .strictObject({
    action: z.enum(['on', 'off', 'dim']),
    level: z.number().int().min(0).max(100).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.action === 'dim' && c.level === undefined) {
      ctx.addIssue({ code: 'custom', path: ['level'], message: 'dim needs a level' });
    }
    if (c.action === 'off' && c.level !== undefined && c.level !== 0) {
      ctx.addIssue({ code: 'custom', path: ['level'], message: 'off takes no level other than 0' });
    }
    if (c.action === 'on' && c.level === 0) {
      ctx.addIssue({ code: 'custom', path: ['level'], message: 'on with level 0 is off; use action off' });
    }
  });
export type LightingCommand = z.infer<typeof lightingCommandSchema>;

/** The level a command asks for: on without a level means full output. */
export function commandLevel(c: LightingCommand): number {
  if (c.action === 'off') return 0;
  return c.level ?? 100;
}

/** Device kinds of the lighting pilot and the schemas of what they publish. */
export const lightingDeviceKinds = {
  lamp: { telemetry: lampTelemetrySchema, event: lightingEventSchema, command: lightingCommandSchema },
  cabinet: { telemetry: cabinetTelemetrySchema, event: lightingEventSchema, command: lightingCommandSchema },
} as const;
export type LightingDeviceKind = keyof typeof lightingDeviceKinds;
