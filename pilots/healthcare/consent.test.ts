import { describe, expect, it } from 'vitest';
import { applyConsent, consentActive, createGate, gateReason, readConsent, recordConsent } from './consent.ts';
import type { ConsentEntry } from './model.ts';
import { createTestPlatform, enrolTestPatient, startedRuntime } from './testing.ts';

const entry = (status: ConsentEntry['status'], at: number): ConsentEntry => ({ status, at, recordedBy: 'user:operator-1', note: '' });

describe('consent state', () => {
  it('keeps every recorded entry, the newest being current', () => {
    let rec = applyConsent(null, 'p-1', entry('given', 1));
    rec = applyConsent(rec, 'p-1', entry('withdrawn', 2));
    rec = applyConsent(rec, 'p-1', entry('given', 3));
    expect(rec.current).toEqual(entry('given', 3));
    expect(rec.history.map((e) => [e.status, e.at])).toEqual([
      ['given', 1],
      ['withdrawn', 2],
      ['given', 3],
    ]);
  });

  it.each([
    ['no record', null, false],
    ['given', applyConsent(null, 'p', entry('given', 1)), true],
    ['withdrawn after given', applyConsent(applyConsent(null, 'p', entry('given', 1)), 'p', entry('withdrawn', 2)), false],
  ] as const)('consent is active: %s → %s', (_name, rec, active) => {
    expect(consentActive(rec)).toBe(active);
  });

  it.each([
    [null, false, 'no-patient'],
    [null, true, 'no-patient'],
    ['p-1', false, 'no-consent'],
    ['p-1', true, null],
  ] as const)('gate for subject %s with consent %s refuses with %s', (subject, given, reason) => {
    expect(gateReason(subject, given)).toBe(reason);
  });
});

describe('the ingest gate', () => {
  const reading = (tenantId: string, subject: string | null) => ({
    tenantId,
    deviceId: 'hc-00000000-ox',
    kind: 'pulse-oximeter',
    family: 'telemetry' as const,
    subject,
    ts: 1,
    data: { ts: 1, spo2: 97, heartRate: 70 },
  });

  it('lets readings of a consenting patient through and refuses them once consent is withdrawn', async () => {
    const fake = await createTestPlatform();
    const rt = startedRuntime(fake);
    const gate = createGate(fake.ctx, rt);
    const patient = await enrolTestPatient(fake, rt);
    expect(await fake.asSystem(() => gate(reading(fake.tenantId, patient.id)))).toEqual({ allow: true });
    await fake.asUser(() => recordConsent(fake.ctx, rt, patient.id, 'withdrawn', 'patient asked to stop'));
    expect(await fake.asSystem(() => gate(reading(fake.tenantId, patient.id)))).toEqual({ allow: false, reason: 'no-consent' });
    const rec = await fake.asUser(() => readConsent(fake.ctx, patient.id));
    expect(rec!.history.map((e) => e.status)).toEqual(['given', 'withdrawn']);
    expect(rec!.current).toMatchObject({ recordedBy: 'user:operator-1', note: 'patient asked to stop' });
    expect(fake.audit.filter((a) => a.action.startsWith('consent.')).map((a) => a.action)).toEqual(['consent.give', 'consent.withdraw']);
    // Audit entries name the patient by id only.
    expect(JSON.stringify(fake.audit)).not.toMatch(/Synthia|Testcase|patient asked/);
  });

  it('refuses a patient enrolled without consent, and a device assigned to no patient', async () => {
    const fake = await createTestPlatform();
    const rt = startedRuntime(fake);
    const gate = createGate(fake.ctx, rt);
    const patient = await enrolTestPatient(fake, rt, {}, false);
    expect(await fake.asSystem(() => gate(reading(fake.tenantId, patient.id)))).toEqual({ allow: false, reason: 'no-consent' });
    expect(await fake.asSystem(() => gate(reading(fake.tenantId, null)))).toEqual({ allow: false, reason: 'no-patient' });
  });

  it('reads consent from the store on a cold cache (after a restart)', async () => {
    const fake = await createTestPlatform();
    const patient = await enrolTestPatient(fake, startedRuntime(fake));
    const gate = createGate(fake.ctx, startedRuntime(fake));
    expect(await fake.asSystem(() => gate(reading(fake.tenantId, patient.id)))).toEqual({ allow: true });
  });

  it('refuses an erased patient, whose consent record can no longer be opened', async () => {
    const fake = await createTestPlatform();
    const patient = await enrolTestPatient(fake, startedRuntime(fake));
    await fake.keyring.shred(fake.tenantId, patient.id);
    const gate = createGate(fake.ctx, startedRuntime(fake));
    expect(await fake.asSystem(() => gate(reading(fake.tenantId, patient.id)))).toEqual({ allow: false, reason: 'no-consent' });
  });
});
