// Healthcare steps shared by the pilot scenarios, on top of the device and user steps in
// ./healthcare-steps.ts (which the healthcare integration tests use too): seeded synthetic patients, and one observation set sent by
// all of a patient's devices at once (the moment the set starts is what latencies count from).
import type { Faker } from '@faker-js/faker';
import type { ApiClient } from './api-client.ts';
import { enrol, type Device, type EnrolledPatient, type Vitals } from './healthcare-steps.ts';
import { syntheticPerson } from './synthetic.ts';

export { connectAll, eventually, HC, HIGH, listen, NORMAL, type Device, type EnrolledPatient, type Listener } from './healthcare-steps.ts';

export async function enrolSynthetic(client: ApiClient, f: Faker, index: number, extra: Record<string, unknown> = {}): Promise<EnrolledPatient> {
  const { identifier, givenName, familyName, birthDate, sex } = syntheticPerson(f, index);
  return enrol(client, { identifier, givenName, familyName, birthDate, sex, ...extra });
}

/** One complete observation set, every device publishing at the same moment (QoS 1). */
export async function sendSetAtOnce(devices: Record<string, Device>, v: Vitals, ts: number): Promise<void> {
  await Promise.all([
    devices['wearable']!.send('telemetry', { ts, heartRate: v.hr, respiratoryRate: v.rr, movement: 0.1 }),
    devices['pulse-oximeter']!.send('telemetry', { ts, spo2: v.spo2, heartRate: v.hr }),
    devices['bp-cuff']!.send('telemetry', { ts, systolic: v.sys, diastolic: Math.round(v.sys * 0.6), heartRate: v.hr }),
    devices['thermometer']!.send('telemetry', { ts, temperature: v.temp }),
    devices['home-hub']!.send('telemetry', { ts, battery: 90, connectivity: 'wifi', consciousness: 'A', onOxygen: false }),
  ]);
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank method: the smallest value with at least p % of the values at or below it.
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}
