// Demo data: synthetic patients (seeded @faker-js/faker, so a seed reproduces the same people and
// conditions), each with a home hub and the devices their condition calls for, consent recorded.
// Ids are random UUIDs: device ids are unique across the platform, so provisioning the same seed
// twice must not collide. What goes back to the simulator carries no personal data.
import { base, en, en_GB, Faker } from '@faker-js/faker';
import type { DemoProvision, PilotContext } from '../../platform/pilot.ts';
import { auditPatient } from './audit.ts';
import { recordConsent } from './consent.ts';
import type { DeviceKind } from './domain/vitals.ts';
import type { Condition, CreatePatientInput } from './model.ts';
import { enrolPatient, findByIdentifier } from './patients.ts';
import type { Runtime } from './runtime.ts';

/** The simulator's condition names ('healthy': monitored after discharge, no long-term condition). */
export type DemoCondition = Condition | 'healthy';
export const DEMO_CONDITIONS: readonly DemoCondition[] = ['copd', 'heart-failure', 'diabetes', 'hypertension', 'healthy'];

/** Birth dates are drawn relative to a fixed day so a seed gives the same dates on any day. */
const REFERENCE_DAY = Date.UTC(2025, 0, 1);

export interface DemoPatientProfile {
  id: string;
  condition: DemoCondition;
  scale: 1 | 2;
  hubDeviceId: string;
  deviceIds: string[];
}

export function devicesFor(condition: DemoCondition): Exclude<DeviceKind, 'home-hub'>[] {
  const kinds: Exclude<DeviceKind, 'home-hub'>[] = ['pulse-oximeter', 'bp-cuff', 'thermometer', 'wearable'];
  if (condition === 'heart-failure') kinds.push('scale');
  if (condition === 'diabetes') kinds.push('glucometer');
  return kinds;
}

/** Deterministic synthetic demographics and settings for the i-th demo patient of a seed. */
export function demoPatientInputs(seed: number, size: number): (Omit<CreatePatientInput, 'consent'> & { condition: DemoCondition })[] {
  const faker = new Faker({ locale: [en_GB, en, base] });
  faker.seed(seed);
  const used = new Set<string>();
  const out: (Omit<CreatePatientInput, 'consent'> & { condition: DemoCondition })[] = [];
  for (let i = 0; i < size; i++) {
    const condition = DEMO_CONDITIONS[i % DEMO_CONDITIONS.length]!;
    const sex = faker.helpers.arrayElement(['female', 'male'] as const);
    let identifier = '';
    do identifier = `SYN-${String(faker.number.int({ min: 1, max: 999_999 })).padStart(6, '0')}`;
    while (used.has(identifier));
    used.add(identifier);
    const birth = faker.date.birthdate({ mode: 'age', min: 45, max: 92, refDate: REFERENCE_DAY });
    out.push({
      condition,
      identifier,
      givenName: faker.person.firstName(sex),
      familyName: faker.person.lastName(),
      birthDate: birth.toISOString().slice(0, 10),
      sex,
      address: {
        line: [faker.location.streetAddress()],
        city: faker.location.city(),
        postalCode: faker.location.zipCode(),
        country: 'GB',
      },
      conditions: condition === 'healthy' ? [] : [condition],
      careTeam: [`Dr ${faker.person.lastName()}`, 'Community nursing team'],
      // Scale 2 is for a prescribed 88–92 % target (NEWS2 chart 1): the COPD patients here.
      settings: { scale: condition === 'copd' ? 2 : 1, monitoringMinutes: condition === 'healthy' ? 240 : 60 },
      devices: devicesFor(condition),
    });
  }
  return out;
}

export async function seedDemo(ctx: PilotContext, rt: Runtime, opts: { seed: number; size: number }): Promise<DemoProvision> {
  const tenantId = ctx.principal().tenantId;
  if (!tenantId) throw new Error('seedDemo needs a tenant context');
  const devices: DemoProvision['devices'] = [];
  const patients: DemoPatientProfile[] = [];
  for (const input of demoPatientInputs(opts.seed, opts.size)) {
    const { condition, ...rest } = input;
    // A tenant provisioned before with the same seed already has these identifiers: draw anew.
    let identifier = rest.identifier;
    for (let n = 1; (await findByIdentifier(ctx, identifier)) && n < 1000; n++) {
      identifier = `SYN-${String((Number(rest.identifier.slice(4)) + n * 7919) % 1_000_000).padStart(6, '0')}`;
    }
    const { patient, devices: enrolled } = await enrolPatient(ctx, { ...rest, identifier }, { demo: true });
    // Two in three demo patients also agree to research use, so sharing agreements have data.
    await recordConsent(ctx, rt, patient.id, 'given', 'synthetic demo patient', patients.length % 3 === 2 ? [] : ['research']);
    for (const d of enrolled) {
      devices.push({ id: d.id, kind: d.kind, secret: d.secret, tenantId, attributes: d.attributes, subject: patient.id });
    }
    patients.push({
      id: patient.id,
      condition,
      scale: patient.settings.scale,
      hubDeviceId: patient.hubDeviceId,
      deviceIds: patient.deviceIds,
    });
  }
  await auditPatient(ctx, 'demo.provision', `tenant:${tenantId}`, { patients: patients.length, devices: devices.length, seed: opts.seed });
  return { devices, extra: { patients } };
}
