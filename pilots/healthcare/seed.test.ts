import { describe, expect, it } from 'vitest';
import { readConsent } from './consent.ts';
import { listPatients } from './patients.ts';
import { demoPatientInputs, devicesFor, seedDemo, type DemoPatientProfile } from './seed.ts';
import { createTestPlatform, startedRuntime } from './testing.ts';

describe('demo patients', () => {
  it('a seed reproduces the same synthetic people; another seed gives others', () => {
    const a = demoPatientInputs(7, 6);
    expect(demoPatientInputs(7, 6)).toEqual(a);
    expect(demoPatientInputs(8, 6).map((p) => p.familyName)).not.toEqual(a.map((p) => p.familyName));
  });

  it('conditions are mixed; COPD patients are on SpO2 scale 2, the others on scale 1', () => {
    const inputs = demoPatientInputs(42, 10);
    expect(new Set(inputs.map((p) => p.condition))).toEqual(new Set(['copd', 'heart-failure', 'diabetes', 'hypertension', 'healthy']));
    for (const p of inputs) expect(p.settings.scale).toBe(p.condition === 'copd' ? 2 : 1);
  });

  it.each([
    ['copd', ['pulse-oximeter', 'bp-cuff', 'thermometer', 'wearable']],
    ['heart-failure', ['pulse-oximeter', 'bp-cuff', 'thermometer', 'wearable', 'scale']],
    ['diabetes', ['pulse-oximeter', 'bp-cuff', 'thermometer', 'wearable', 'glucometer']],
  ] as const)('a %s patient gets %o besides the hub', (condition, kinds) => {
    expect(devicesFor(condition)).toEqual(kinds);
  });

  it('identifiers look like SYN-000123 and never repeat within a seed', () => {
    const ids = demoPatientInputs(1, 50).map((p) => p.identifier);
    for (const id of ids) expect(id).toMatch(/^SYN-\d{6}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('seeding enrols patients with consent and returns their devices with secrets and no personal data', async () => {
    const fake = await createTestPlatform();
    const rt = startedRuntime(fake);
    const provision = await fake.asSystem(() => seedDemo(fake.ctx, rt, { seed: 3, size: 5 }));
    const patients = (provision.extra as { patients: DemoPatientProfile[] }).patients;
    expect(patients).toHaveLength(5);
    expect(provision.devices).toHaveLength(5 * 5 + 2); // hub + 4 each, a scale and a glucometer
    for (const d of provision.devices) {
      expect(d).toMatchObject({ tenantId: fake.tenantId, attributes: { pilot: 'healthcare' } });
      expect(d.secret.length).toBeGreaterThanOrEqual(32);
      expect(d.id).toMatch(/^hc-[0-9a-f]{8}-(hub|ox|bp|temp|wear|scale|gluc)$/);
    }
    const stored = await fake.asSystem(() => listPatients(fake.ctx));
    expect(stored).toHaveLength(5);
    for (const p of stored) {
      expect(p.demo).toBe(true);
      expect((await fake.asSystem(() => readConsent(fake.ctx, p.id)))?.current?.status).toBe('given');
      expect(provision.devices.filter((d) => d.subject === p.id).map((d) => d.id).sort()).toEqual([...p.deviceIds].sort());
    }
    const extra = JSON.stringify(provision.extra);
    for (const p of stored) {
      expect(extra).not.toContain(p.familyName);
      expect(extra).not.toContain(p.identifier);
      expect(extra).not.toContain(p.birthDate);
    }
  });

  it('seeding the same seed twice in one tenant draws new identifiers instead of failing', async () => {
    const fake = await createTestPlatform();
    const rt = startedRuntime(fake);
    await fake.asSystem(() => seedDemo(fake.ctx, rt, { seed: 9, size: 2 }));
    await fake.asSystem(() => seedDemo(fake.ctx, rt, { seed: 9, size: 2 }));
    const ids = (await fake.asSystem(() => listPatients(fake.ctx))).map((p) => p.identifier);
    expect(new Set(ids).size).toBe(4);
  });
});
