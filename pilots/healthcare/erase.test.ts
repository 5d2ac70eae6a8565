import { describe, expect, it, vi } from 'vitest';
import { createGate } from './consent.ts';
import { erasePatient } from './erase.ts';
import { KINDS } from './model.ts';
import { getPatient } from './patients.ts';
import { createRules } from './rules.ts';
import { createTestPlatform, enrolTestPatient, fullSet, startedRuntime } from './testing.ts';

describe('erasure', () => {
  it('detaches the devices, closes the alarms, shreds the key and removes the records; others are untouched', async () => {
    const fake = await createTestPlatform();
    const rt = startedRuntime(fake);
    const rules = createRules(rt);
    const patient = await enrolTestPatient(fake, rt);
    const other = await enrolTestPatient(fake, rt, { identifier: 'SYN-999999' });
    const readings = [...fullSet(fake, patient, { rr: 26, spo2: 88, sys: 95, hr: 125, temp: 39.5 }), ...fullSet(fake, other, { rr: 26, spo2: 88, sys: 95, hr: 125, temp: 39.5 })];
    for (const r of readings) await fake.appendTelemetry(r.deviceId, r.subject, r.ts, r.data, r.id);
    await fake.asSystem(() => rules.onReadings(fake.ctx, readings));
    expect(await fake.asSystem(() => fake.alarms.list({ state: 'active' }))).toHaveLength(2);

    const report = await fake.asUser(() => erasePatient(fake.ctx, rt, patient));
    expect(report).toMatchObject({ patientId: patient.id, alarmsCleared: 1 });
    expect(report.devicesDetached.sort()).toEqual([...patient.deviceIds].sort());

    expect(await fake.keyring.isErased(fake.tenantId, patient.id)).toBe(true);
    for (const id of patient.deviceIds) expect((await fake.asUser(() => fake.ctx.devices.get(id))).subject).toBeNull();
    expect(await fake.asUser(() => getPatient(fake.ctx, patient.id))).toBeNull();
    const left = fake.store.dump().records.filter((r) => r.subject === patient.id && r.kind.startsWith('hc.'));
    expect(left).toEqual([]);
    // The readings are still on disk but no one can open them.
    expect(await fake.asUser(() => fake.series.range(patient.deviceIds[1]!))).toEqual([]);
    expect(await fake.asUser(() => fake.series.range(other.deviceIds[1]!))).toHaveLength(1);
    expect(await fake.asUser(() => getPatient(fake.ctx, other.id))).not.toBeNull();
    expect((await fake.asSystem(() => fake.alarms.list({ state: 'active' }))).map((a) => a.subject)).toEqual([other.id]);

    const gate = createGate(fake.ctx, rt);
    const verdict = await fake.asSystem(() =>
      gate({ tenantId: fake.tenantId, deviceId: patient.deviceIds[1]!, kind: 'pulse-oximeter', family: 'telemetry', subject: null, ts: 1, data: { ts: 1, spo2: 97, heartRate: 70 } }),
    );
    expect(verdict).toEqual({ allow: false, reason: 'no-patient' });
    const actions = fake.audit.map((a) => a.action);
    expect(actions.indexOf('key.shred')).toBeLessThan(actions.indexOf('patient.erase'));
    expect(fake.audit.find((a) => a.action === 'patient.erase')).toMatchObject({ target: `patient:${patient.id}`, actor: 'user:operator-1' });
    expect(fake.store.dump().records.some((r) => r.kind === KINDS.news2 && r.subject === other.id)).toBe(true);
  });

  it('devices of an erased patient going offline attempt no alarm and log no ErasedError (issue #12)', async () => {
    const fake = await createTestPlatform();
    const rt = startedRuntime(fake, { offlineGraceMs: 20 });
    const rules = createRules(rt);
    const patient = await enrolTestPatient(fake, rt);
    const errors = vi.spyOn(fake.ctx.logger, 'error');
    const raise = vi.spyOn(fake.alarms, 'raise');
    const device = (deviceId: string, kind: string) => ({ tenantId: fake.tenantId, deviceId, kind, subject: patient.id });
    // Offline just before the erasure: the grace ends after it.
    await fake.asSystem(() => rules.onPresence(fake.ctx, device(patient.hubDeviceId, 'home-hub'), false, fake.clock.now));
    await fake.asUser(() => erasePatient(fake.ctx, rt, patient));
    // Offline after it, as seen through a registry cache that still names the erased subject.
    await fake.asSystem(() => rules.onPresence(fake.ctx, device(patient.deviceIds[1]!, 'pulse-oximeter'), false, fake.clock.now));
    await new Promise((r) => setTimeout(r, 100));
    expect(raise).not.toHaveBeenCalled();
    expect(errors).not.toHaveBeenCalled();
    expect(await fake.asSystem(() => fake.alarms.list({ state: 'active' }))).toEqual([]);
  });
});
