import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../platform/services/alarms.ts';
import { KINDS, type AlarmStateRecord, type News2Record } from './model.ts';
import {
  alarmCalls,
  createRules,
  news2Title,
  severityFor,
  shouldStoreNews2,
  thresholdBreaches,
} from './rules.ts';
import { accepted, createTestPlatform, enrolTestPatient, fullSet, startedRuntime, type TestPlatform } from './testing.ts';
import type { HealthcareOptions } from './options.ts';
import type { Patient } from './model.ts';

const NORMAL = { rr: 16, spo2: 97, sys: 125, hr: 72, temp: 36.8 }; // NEWS2 0
const MEDIUM = { rr: 22, spo2: 95, sys: 105, hr: 95, temp: 37 }; // 2+1+1+1 = 5, medium
const HIGH = { rr: 26, spo2: 88, sys: 95, hr: 125, temp: 39.5 }; // 3+3+2+2+2 = 12, high
const MINUTE = 60_000;

async function setup(options: Partial<HealthcareOptions> = {}, patientOverrides = {}) {
  const fake = await createTestPlatform();
  const rt = startedRuntime(fake, { escalateAfterMs: 5000, offlineGraceMs: 20, ...options });
  const rules = createRules(rt);
  const patient = await enrolTestPatient(fake, rt, patientOverrides);
  const run = (readings: Parameters<typeof rules.onReadings>[1]) => fake.asSystem(() => rules.onReadings(fake.ctx, readings));
  const active = () => fake.asSystem(() => fake.alarms.list({ state: 'active' }));
  const all = () => fake.asSystem(() => fake.alarms.list({}));
  /** Sends a full set one minute after the previous one. */
  const step = async (v: Parameters<typeof fullSet>[2], p: Patient = patient) => {
    fake.clock.now += MINUTE;
    await run(fullSet(fake, p, v));
  };
  return { fake, rt, rules, patient, run, active, all, step };
}

const news2Records = (fake: TestPlatform) =>
  fake.asSystem(async () => (await (await fake.ctx.records()).find<News2Record>(KINDS.news2, {})).map((r) => r.data));

describe('pure rule helpers', () => {
  it.each([
    [{ total: 12, band: 'high' as const, partial: false }, 'NEWS2 12 (high)'],
    [{ total: 3, band: 'low-medium' as const, partial: true }, 'NEWS2 3 (low-medium, partial set)'],
  ])('titles carry the score and band only: %o → %s', (result, title) => {
    expect(news2Title(result)).toBe(title);
  });

  it.each([
    ['none', null],
    ['minor', 'minor'],
    ['major', 'major'],
    ['critical', 'critical'],
  ] as const)('alarm level %s maps to platform severity %s', (level, severity) => {
    expect(severityFor(level)).toBe(severity);
  });

  it.each([
    ['raise', ['raise']],
    ['escalate', ['raise']],
    ['downgrade', ['clear', 'raise']],
    ['clear', ['clear']],
    ['none', []],
  ] as const)('decision %s is carried out by %o', (action, calls) => {
    const d = { action, from: 'none' as const, to: 'none' as const, next: { level: 'none' as const, since: null, normalStreak: 0 } };
    expect(alarmCalls(d)).toEqual(calls);
  });

  it.each([
    ['no previous result', undefined, { total: 0, band: 'low', partial: false }, 0, true],
    ['same result, too soon', { total: 2, band: 'low', partial: false, storedAt: 0 }, { total: 2, band: 'low', partial: false }, 59_999, false],
    ['same result, interval passed', { total: 2, band: 'low', partial: false, storedAt: 0 }, { total: 2, band: 'low', partial: false }, 60_000, true],
    ['total changed', { total: 2, band: 'low', partial: false, storedAt: 0 }, { total: 3, band: 'low', partial: false }, 1, true],
    ['set became complete', { total: 2, band: 'low', partial: true, storedAt: 0 }, { total: 2, band: 'low', partial: false }, 1, true],
  ] as const)('NEWS2 storage: %s', (_name, last, result, now, expected) => {
    expect(shouldStoreNews2(last, result, now, 60_000)).toBe(expected);
  });

  it('personal thresholds: the latest reading per parameter decides, untouched parameters are ignored', () => {
    const t = { weight: { high: 80 }, glucose: { low: 70, high: 180 }, heartRate: { low: 50 } };
    const r = thresholdBreaches(
      [
        { param: 'weight', value: 82, ts: 1 },
        { param: 'weight', value: 79, ts: 2 },
        { param: 'glucose', value: 60, ts: 1 },
        { param: 'spo2', value: 80, ts: 1 },
      ],
      t,
    );
    expect(r.breached).toEqual([{ param: 'glucose', side: 'low' }]);
    expect(r.within).toEqual(['weight']);
    expect(thresholdBreaches([{ param: 'weight', value: 200, ts: 1 }], undefined)).toEqual({ breached: [], within: [] });
  });
});

describe('NEWS2 rules', () => {
  it('a deteriorating set raises one critical clinical alarm, stores the score and publishes it', async () => {
    const { fake, patient, step, active } = await setup();
    await step(HIGH);
    const alarms = await active();
    expect(alarms).toHaveLength(1);
    const a = alarms[0]!;
    expect(a).toMatchObject({
      source: `patient:${patient.id}`,
      type: 'news2',
      category: 'clinical',
      severity: 'critical',
      title: 'NEWS2 12 (high)',
      subject: patient.id,
      detail: { total: 12, band: 'high', partial: false },
    });
    expect(a.escalateAt).toBe(a.raisedAt + 5000);
    // No personal data in what is shown in every alarm list.
    expect(JSON.stringify(a)).not.toMatch(/Synthia|Testcase|SYN-/);

    const recs = await news2Records(fake);
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ total: 12, band: 'high', partial: false, scale: 1, patientId: patient.id });
    const stored = fake.store.dump().records.find((r) => r.kind === KINDS.news2)!;
    expect(stored.subject).toBe(patient.id);

    const news2Events = fake.events.filter((e) => e.type === 'hc.news2');
    expect(news2Events).toHaveLength(1);
    expect(news2Events[0]).toMatchObject({ tenantId: fake.tenantId, payload: { patientId: patient.id, total: 12, band: 'high' } });
    expect(news2Events[0]!.room).toBeUndefined();
    const vitals = fake.events.filter((e) => e.type === 'hc.vitals');
    expect(vitals).toHaveLength(5);
    expect(vitals.every((e) => e.batch === true)).toBe(true);

    const state = await fake.asSystem(async () => (await (await fake.ctx.records()).get<AlarmStateRecord>(KINDS.alarmState, patient.id))!.data);
    expect(state).toMatchObject({ level: 'critical', normalStreak: 0 });
  });

  it('one normal set does not clear a critical alarm; the second in a row does (hysteresis 2)', async () => {
    const { step, active, all } = await setup();
    await step(HIGH);
    await step(NORMAL);
    expect((await active()).map((a) => a.severity)).toEqual(['critical']);
    await step(NORMAL);
    expect(await active()).toEqual([]);
    expect((await all())[0]!.state).toBe('cleared');
  });

  it('a high set in the middle of a recovery starts the count again', async () => {
    const { step, active, fake, patient } = await setup();
    await step(HIGH);
    await step(NORMAL);
    await step(HIGH); // same level again: streak broken
    await step(NORMAL);
    expect((await active()).map((a) => a.severity)).toEqual(['critical']);
    const state = await fake.asSystem(async () => (await (await fake.ctx.records()).get<AlarmStateRecord>(KINDS.alarmState, patient.id))!.data);
    expect(state.normalStreak).toBe(1);
  });

  it('after two medium sets a critical alarm is replaced by a major one', async () => {
    const { step, active, all } = await setup();
    await step(HIGH);
    const critical = (await active())[0]!;
    await step(MEDIUM);
    await step(MEDIUM);
    const now = await active();
    expect(now.map((a) => a.severity)).toEqual(['major']);
    expect(now[0]!.id).not.toBe(critical.id);
    expect(now[0]!.detail).toMatchObject({ downgradedFrom: 'critical' });
    expect(now[0]!.escalateAt).toBeUndefined();
    expect((await all()).find((a) => a.id === critical.id)!.state).toBe('cleared');
  });

  it('a major alarm rises to critical at once, keeping its identity', async () => {
    const { step, active } = await setup();
    await step(MEDIUM);
    const major = (await active())[0]!;
    expect(major.severity).toBe('major');
    expect(major.escalateAt).toBeUndefined();
    await step(HIGH);
    const critical = (await active())[0]!;
    expect(critical).toMatchObject({ id: major.id, severity: 'critical' });
    expect(critical.escalateAt).toBeGreaterThan(0);
  });

  it('a partial set raises (its total is a lower bound) but never lowers an alarm by default', async () => {
    const { fake, patient, run, active } = await setup();
    const noHub = (v: typeof HIGH) => fullSet(fake, patient, v).filter((r) => r.kind !== 'home-hub');
    fake.clock.now += MINUTE;
    await run(noHub(HIGH));
    expect((await active()).map((a) => [a.severity, a.title])).toEqual([['critical', 'NEWS2 12 (high, partial set)']]);
    for (let i = 0; i < 3; i++) {
      fake.clock.now += MINUTE;
      await run(noHub(NORMAL));
    }
    expect((await active()).map((a) => a.severity)).toEqual(['critical']);
    const last = (await news2Records(fake)).at(-1)!;
    expect(last).toMatchObject({ total: 0, partial: true, missing: ['onOxygen', 'consciousness'] });
  });

  it('with downgradeOnPartial, partial normal sets clear the alarm', async () => {
    const { fake, patient, run, active } = await setup({ downgradeOnPartial: true });
    const noHub = (v: typeof HIGH) => fullSet(fake, patient, v).filter((r) => r.kind !== 'home-hub');
    for (const v of [HIGH, NORMAL, NORMAL]) {
      fake.clock.now += MINUTE;
      await run(noHub(v));
    }
    expect(await active()).toEqual([]);
  });

  it('SpO2 scale 2 scores 88 % on air as 0 (NEWS2 chart 1, prescribed 88–92 % target)', async () => {
    const { fake, step } = await setup({}, { settings: { scale: 2, monitoringMinutes: 60 } });
    await step({ ...NORMAL, spo2: 88 });
    const rec = (await news2Records(fake))[0]!;
    expect(rec).toMatchObject({ scale: 2, total: 0 });
    expect(rec.scores.spo2).toBe(0);
  });

  it('the patient setting for escalation overrides the pilot default', async () => {
    const { step, active } = await setup({}, { settings: { scale: 1, monitoringMinutes: 60, escalateAfterMinutes: 3 } });
    await step(HIGH);
    const a = (await active())[0]!;
    expect(a.escalateAt! - a.raisedAt).toBe(3 * MINUTE);
  });

  it('a cold start rebuilds the window from stored readings, so one new reading completes the set', async () => {
    const fake = await createTestPlatform();
    const first = startedRuntime(fake);
    const patient = await enrolTestPatient(fake, first);
    const earlier = fake.clock.now - 10 * MINUTE;
    for (const r of fullSet(fake, patient, HIGH, earlier)) await fake.appendTelemetry(r.deviceId, patient.id, r.ts, r.data, r.id);
    // A fresh runtime (after a restart) has no window in memory.
    const rules = createRules(startedRuntime(fake));
    const temp = accepted(fake, patient, 'temp', { ts: fake.clock.now, temperature: 36.8 });
    await fake.appendTelemetry(temp.deviceId, patient.id, temp.ts, temp.data, temp.id);
    await fake.asSystem(() => rules.onReadings(fake.ctx, [temp]));
    const rec = (await news2Records(fake))[0]!;
    // 12 with the fever, 10 once the new normal temperature replaced it; the reading is not double counted.
    expect(rec).toMatchObject({ total: 10, partial: false });
    expect(rec.set.temperature).toBe(36.8);
  });

  it('a far-future reading already in the store neither blinds a cold start nor a running window (issue #12)', async () => {
    // Written before the platform bounded device clocks: year 275760, microseconds as milliseconds.
    const fake = await createTestPlatform();
    const patient = await enrolTestPatient(fake, startedRuntime(fake));
    for (const ts of [8.64e15, fake.clock.now * 1000]) {
      const r = accepted(fake, patient, 'ox', { ts, spo2: 98, heartRate: 70 });
      await fake.appendTelemetry(r.deviceId, patient.id, r.ts, r.data, r.id);
    }
    const rt = startedRuntime(fake);
    const rules = createRules(rt);
    const high = fullSet(fake, patient, { ...HIGH, spo2: 84, hr: 135 });
    for (const r of high) await fake.appendTelemetry(r.deviceId, patient.id, r.ts, r.data, r.id);
    await fake.asSystem(() => rules.onReadings(fake.ctx, high));
    const last = (await news2Records(fake)).at(-1)!;
    expect(last).toMatchObject({ at: fake.clock.now, partial: false, band: 'high' });
    expect(last.set).toMatchObject({ spo2: 84, heartRate: 135 });
    const alarms = await fake.asSystem(() => fake.alarms.list({ state: 'active' }));
    expect(alarms.map((a) => [a.type, a.severity])).toContainEqual(['news2', 'critical']);
    // A far-future reading reaching a running window directly is ignored as well.
    fake.clock.now += MINUTE;
    await fake.asSystem(() => rules.onReadings(fake.ctx, [accepted(fake, patient, 'ox', { ts: 8.64e15, spo2: 99, heartRate: 60 })]));
    await fake.asSystem(() => rules.onReadings(fake.ctx, [accepted(fake, patient, 'ox', { ts: fake.clock.now, spo2: 83, heartRate: 136 })]));
    const published = fake.events.filter((e) => e.type === 'hc.news2').at(-1);
    expect(published?.payload).toMatchObject({ at: fake.clock.now, band: 'high' });
  });

  it('readings older than the window no longer count', async () => {
    const { fake, patient, run } = await setup({ windowMs: 30 * MINUTE });
    await run(fullSet(fake, patient, HIGH, fake.clock.now));
    fake.clock.now += 31 * MINUTE;
    await run([accepted(fake, patient, 'temp', { ts: fake.clock.now, temperature: 36.8 })]);
    const last = (await news2Records(fake)).at(-1)!;
    expect(last).toMatchObject({ total: 0, partial: true });
    expect(last.missing).toHaveLength(6);
  });

  it('weight alone gives no new NEWS2 result; a personal limit raises its own minor alarm and clears', async () => {
    const { fake, patient, run, active } = await setup(
      {},
      { devices: ['pulse-oximeter', 'scale'], settings: { scale: 1, monitoringMinutes: 60, thresholds: { weight: { high: 80 } } } },
    );
    await run([accepted(fake, patient, 'scale', { weight: 82.5 })]);
    expect(await news2Records(fake)).toEqual([]);
    expect((await active()).map((a) => [a.type, a.severity, a.category, a.title])).toEqual([
      ['threshold-weight', 'minor', 'clinical', 'Body weight above personal limit'],
    ]);
    await run([accepted(fake, patient, 'scale', { weight: 79 })]);
    expect(await active()).toEqual([]);
  });

  it('readings of devices assigned to no patient are ignored', async () => {
    const { fake, patient, run, active } = await setup();
    await run(fullSet(fake, patient, HIGH).map((r) => ({ ...r, subject: null })));
    expect(await active()).toEqual([]);
    expect(fake.events.filter((e) => e.type.startsWith('hc.'))).toEqual([]);
  });
});

describe('events and device state', () => {
  it('a fall is a critical clinical alarm at once, with escalation', async () => {
    const { fake, patient, run, active } = await setup();
    await run([accepted(fake, patient, 'wear', { type: 'fall' }, 'events')]);
    const [a] = await active();
    expect(a).toMatchObject({ type: 'fall', category: 'clinical', severity: 'critical', source: `patient:${patient.id}`, title: 'Fall detected' });
    expect(a!.escalateAt).toBe(a!.raisedAt + 5000);
  });

  it.each([
    ['button', 'button', 'clinical', 'major', 'patient'],
    ['fault', 'device-fault', 'technical', 'major', 'device'],
    ['battery-low', 'battery-low', 'technical', 'minor', 'device'],
  ] as const)('event %s raises a %s alarm (%s, %s) on the %s', async (type, alarmType, category, severity, on) => {
    const { fake, patient, run, active } = await setup();
    const r = accepted(fake, patient, 'wear', { type }, 'events');
    await run([r]);
    const [a] = await active();
    expect(a).toMatchObject({ type: alarmType, category, severity, subject: patient.id });
    expect(a!.source).toBe(on === 'patient' ? `patient:${patient.id}` : `device:${r.deviceId}`);
    expect(a!.escalateAt).toBeUndefined();
  });

  it('an implausible value raises a technical alarm, is never scored, and clears on a plausible reading', async () => {
    const { fake, patient, run, active } = await setup();
    const bad = accepted(fake, patient, 'ox', { spo2: 40, heartRate: 72 });
    await run([bad]);
    const [a] = await active();
    expect(a).toMatchObject({ type: 'implausible-value', category: 'technical', severity: 'minor', source: `device:${bad.deviceId}`, detail: { params: ['spo2'] } });
    const rec = (await news2Records(fake))[0]!;
    expect(rec.set.spo2).toBeUndefined();
    expect(rec.set.heartRate).toBe(72);
    const vitals = fake.events.find((e) => e.type === 'hc.vitals')!;
    expect(vitals.payload).toMatchObject({ implausible: ['spo2'] });
    await run([accepted(fake, patient, 'ox', { spo2: 97, heartRate: 72 })]);
    expect(await active()).toEqual([]);
  });

  it('a diastolic at or above the systolic is a failed measurement, not a blood pressure', async () => {
    const { fake, patient, run, active } = await setup();
    await run([accepted(fake, patient, 'bp', { systolic: 120, diastolic: 125, heartRate: 70 })]);
    expect((await active()).map((a) => a.type)).toEqual(['implausible-value']);
    const rec = (await news2Records(fake))[0]!;
    expect(rec.set.systolic).toBe(120);
  });

  it.each([
    [[90, 15], true],
    [[15, 18], true],
    [[15, 21], false],
    [[16, 40], false],
  ])('hub battery %o (threshold 15, clears above 20): alarm still active = %s', async (levels, stillActive) => {
    const { fake, patient, run, active } = await setup();
    for (const battery of levels) await run([accepted(fake, patient, 'hub', { battery, connectivity: 'wifi' })]);
    const types = (await active()).map((a) => a.type);
    expect(types.includes('battery-low')).toBe(stillActive);
  });

  it('a patient device offline past the grace raises device-offline; coming back clears it', async () => {
    const { fake, rules, patient, active } = await setup({ offlineGraceMs: 20 });
    const hub = { tenantId: fake.tenantId, deviceId: patient.hubDeviceId, kind: 'home-hub', subject: patient.id };
    await fake.asSystem(() => rules.onPresence(fake.ctx, hub, false, fake.clock.now));
    await new Promise((r) => setTimeout(r, 80));
    const [a] = await active();
    expect(a).toMatchObject({ type: 'device-offline', category: 'technical', severity: 'minor', source: `device:${hub.deviceId}`, title: 'Home hub offline' });
    await fake.asSystem(() => rules.onPresence(fake.ctx, hub, true, fake.clock.now));
    expect(await active()).toEqual([]);
  });

  it('a reconnect within the grace raises nothing', async () => {
    const { fake, rules, patient, active } = await setup({ offlineGraceMs: 50 });
    const ox = { tenantId: fake.tenantId, deviceId: patient.deviceIds[1]!, kind: 'pulse-oximeter', subject: patient.id };
    await fake.asSystem(() => rules.onPresence(fake.ctx, ox, false, fake.clock.now));
    await fake.asSystem(() => rules.onPresence(fake.ctx, ox, true, fake.clock.now));
    await new Promise((r) => setTimeout(r, 90));
    expect(await active()).toEqual([]);
  });

  it('an escalation of a patient alarm is published as hc.escalation; other pilots’ alarms are not', async () => {
    const { fake, rules, patient } = await setup();
    const alarm = { id: 'a-1', source: `patient:${patient.id}`, type: 'news2', severity: 'critical', title: 'NEWS2 12 (high)', subject: patient.id, raisedAt: 1, escalatedAt: 2 } as Alarm;
    await rules.onEscalation(fake.ctx, fake.tenantId, alarm);
    await rules.onEscalation(fake.ctx, fake.tenantId, { ...alarm, source: 'lamp:l-1' });
    const esc = fake.events.filter((e) => e.type === 'hc.escalation');
    expect(esc).toHaveLength(1);
    expect(esc[0]).toMatchObject({ tenantId: fake.tenantId, payload: { alarmId: 'a-1', patientId: patient.id, escalatedAt: 2 } });
  });
});
