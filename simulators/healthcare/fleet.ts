// The healthcare fleet file: devices plus `extra.patients`, the non-personal profile of each
// synthetic patient the simulator needs (pilots/healthcare/seed.ts DemoPatientProfile): id,
// condition (drives the physiology), SpO2 scale, and the home's devices. No names, no dates.
import { z } from 'zod';
import { DEVICE_KINDS, type DeviceKind } from '../../pilots/healthcare/domain/vitals.ts';
import { fleetSchema, FleetError, type FleetDevice } from '../common/fleet.ts';
import { CONDITIONS, type Condition } from './physiology.ts';

export const patientProfileSchema = z.object({
  id: z.string().min(1).max(128),
  condition: z.enum(CONDITIONS as [Condition, ...Condition[]]),
  scale: z.union([z.literal(1), z.literal(2)]).optional(),
  hubDeviceId: z.string().min(1).max(128),
  /** The home's devices; the hub may or may not be listed again here. */
  deviceIds: z.array(z.string().min(1).max(128)).default([]),
  /** Supplemental oxygen at home; absent: decided by the seed (some COPD patients). */
  onOxygen: z.boolean().optional(),
});
export type PatientProfile = z.infer<typeof patientProfileSchema>;

export const healthcareFleetSchema = fleetSchema('healthcare', z.object({ patients: z.array(patientProfileSchema).min(1) }));
export type HealthcareFleet = z.infer<typeof healthcareFleetSchema>;

export interface HomeDevice {
  fleet: FleetDevice;
  kind: DeviceKind;
}

export interface Home {
  index: number;
  patient: PatientProfile;
  hub: HomeDevice;
  /** Every device of the home, hub included, one per id. */
  devices: HomeDevice[];
}

const isKind = (k: string): k is DeviceKind => (DEVICE_KINDS as readonly string[]).includes(k);

/** Pairs each patient with its devices; a reference to a missing device or a foreign kind is an error. */
export function buildHomes(fleet: HealthcareFleet): Home[] {
  const byId = new Map(fleet.devices.map((d) => [d.id, d]));
  const claimed = new Set<string>();
  return fleet.extra.patients.map((patient, index) => {
    const ids = [...new Set([patient.hubDeviceId, ...patient.deviceIds])];
    const devices = ids.map((id): HomeDevice => {
      const d = byId.get(id);
      if (!d) throw new FleetError(`patient #${index} lists device ${id}, which is not in the fleet's devices`);
      if (!isKind(d.kind)) throw new FleetError(`device ${id} has kind ${d.kind}, not a healthcare device kind`);
      if (claimed.has(id)) throw new FleetError(`device ${id} belongs to more than one patient`);
      claimed.add(id);
      return { fleet: d, kind: d.kind };
    });
    const hub = devices.find((d) => d.fleet.id === patient.hubDeviceId)!;
    if (hub.kind !== 'home-hub') throw new FleetError(`patient #${index}: hub device ${hub.fleet.id} has kind ${hub.kind}`);
    return { index, patient, hub, devices };
  });
}
