// The lighting fleet file: lamp and cabinet devices plus `extra` (pilots/lighting/seed.ts
// LightingFleetExtra): lamp models, cabinets with their feeders, and each lamp's cabinet, group,
// model and phase. A lamp's device id is its lamp id, a cabinet's its cabinet id (unless the
// device's attributes say `lampId` / `cabinetId`).
import { z } from 'zod';
import { lampModelSchema, phases, powerStates, type LampModel, type Phase } from '../../pilots/lighting/domain/model.ts';
import { fleetSchema, FleetError, type FleetDevice } from '../common/fleet.ts';
import { phaseOf } from './physics.ts';

const ref = z.string().min(1).max(128);

export const lampEntrySchema = z.object({
  id: ref,
  cabinetId: ref,
  groupId: ref.optional(),
  modelId: ref,
  feederId: ref.nullable().optional(),
  phase: z.enum(phases).optional(),
  /** Counters carried over from the inventory, when provided. */
  burningHours: z.number().min(0).max(1e6).optional(),
  switchCount: z.number().int().min(0).optional(),
  /** Initial state; absent: off until commanded. */
  powerState: z.enum(powerStates).optional(),
  illuminanceLevel: z.number().min(0).max(1).optional(),
});

export const cabinetEntrySchema = z.object({
  id: ref,
  feeders: z.array(z.object({ id: ref, phase: z.enum(phases) })).default([]),
  mainsPresent: z.boolean().optional(),
  doorOpen: z.boolean().optional(),
});

export const lightingExtraSchema = z.object({
  installation: z.unknown().optional(),
  /** The pilot's expected reporting interval at speed 1, in ms. */
  reportIntervalMs: z.number().int().positive().optional(),
  models: z.union([z.array(lampModelSchema), z.record(z.string(), lampModelSchema)]),
  cabinets: z.array(cabinetEntrySchema).default([]),
  lamps: z.array(lampEntrySchema).min(1),
});

export const lightingFleetSchema = fleetSchema('lighting', lightingExtraSchema);
export type LightingFleet = z.infer<typeof lightingFleetSchema>;
export type LampEntry = z.infer<typeof lampEntrySchema>;

export interface LampSpec {
  index: number;
  entry: LampEntry;
  model: LampModel;
  phase: Phase;
  /** The lamp's node; null when the fleet has no device for it (it still draws power). */
  device: FleetDevice | null;
}

export interface CabinetSpec {
  index: number;
  id: string;
  device: FleetDevice | null;
  lamps: LampSpec[];
  mainsPresent: boolean;
  doorOpen: boolean;
}

export interface Installation {
  lamps: LampSpec[];
  cabinets: CabinetSpec[];
  /** Devices of kinds this simulator does not drive. */
  ignored: FleetDevice[];
}

/** Pairs lamps and cabinets with their devices and models; a dangling reference is an error. */
export function buildInstallation(fleet: LightingFleet): Installation {
  const extra = fleet.extra;
  const models = new Map<string, LampModel>(
    Array.isArray(extra.models) ? extra.models.map((m) => [m.id, m]) : Object.values(extra.models).map((m) => [m.id, m]),
  );
  const lampDevices = new Map<string, FleetDevice>();
  const cabinetDevices = new Map<string, FleetDevice>();
  const ignored: FleetDevice[] = [];
  for (const d of fleet.devices) {
    const key = (attr: string) => (typeof d.attributes[attr] === 'string' ? (d.attributes[attr] as string) : d.id);
    if (d.kind === 'lamp') lampDevices.set(key('lampId'), d);
    else if (d.kind === 'cabinet') cabinetDevices.set(key('cabinetId'), d);
    else ignored.push(d);
  }

  const cabinets = new Map<string, CabinetSpec>();
  const cabinetOf = (id: string): CabinetSpec => {
    let c = cabinets.get(id);
    if (!c) {
      const entry = extra.cabinets.find((e) => e.id === id);
      c = {
        index: cabinets.size,
        id,
        device: cabinetDevices.get(id) ?? null,
        lamps: [],
        mainsPresent: entry?.mainsPresent ?? true,
        doorOpen: entry?.doorOpen ?? false,
      };
      cabinets.set(id, c);
    }
    return c;
  };
  for (const e of extra.cabinets) cabinetOf(e.id);

  const lamps = extra.lamps.map((entry, index): LampSpec => {
    const model = models.get(entry.modelId);
    if (!model) throw new FleetError(`lamp ${entry.id} uses model ${entry.modelId}, which is not in the fleet's models`);
    const cabinet = cabinetOf(entry.cabinetId);
    const feeder = extra.cabinets.find((c) => c.id === entry.cabinetId)?.feeders.find((f) => f.id === entry.feederId);
    const spec: LampSpec = {
      index,
      entry,
      model,
      phase: entry.phase ?? feeder?.phase ?? phaseOf(cabinet.lamps.length),
      device: lampDevices.get(entry.id) ?? null,
    };
    cabinet.lamps.push(spec);
    return spec;
  });
  const known = new Set(lamps.map((l) => l.entry.id));
  for (const id of lampDevices.keys()) if (!known.has(id)) throw new FleetError(`lamp device ${id} has no lamp in the fleet's extra.lamps`);
  for (const id of cabinetDevices.keys()) if (!cabinets.has(id)) throw new FleetError(`cabinet device ${id} has no cabinet in the fleet`);
  return { lamps, cabinets: [...cabinets.values()], ignored };
}
