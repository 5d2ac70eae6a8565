import { describe, expect, it } from 'vitest';
import { applyNews2, applyPresence, applyTrends, applyVitals, boardFilter, hourBands, numericPoints, sortDevices, type PatientSummary } from './healthcare.ts';

const patient = (over: Partial<PatientSummary> = {}): PatientSummary => ({
  id: 'p1',
  displayName: 'Alex Synthetic',
  age: 70,
  sex: 'female',
  conditions: ['copd'],
  scale: 2,
  latestNews2: { total: 1, band: 'low', partial: false, at: 1_000 },
  lastVitals: { at: 1_000, heartRate: 70, spo2: 95 },
  consent: 'given',
  activeAlarms: 0,
  devices: [
    { id: 'hc-p1-ox', kind: 'pulse-oximeter', online: false },
    { id: 'hc-p1-hub', kind: 'home-hub', online: true, battery: 80 },
  ],
  ...over,
});

describe('live vitals on the ward board', () => {
  it('takes the newest value of each parameter and marks the sending device online', () => {
    const [p] = applyVitals([patient()], [
      { patientId: 'p1', deviceId: 'hc-p1-ox', kind: 'pulse-oximeter', ts: 3_000, values: { spo2: 91, heartRate: 104 } },
      { patientId: 'p1', deviceId: 'hc-p1-ox', kind: 'pulse-oximeter', ts: 2_000, values: { spo2: 93, heartRate: 99 } },
    ]);
    expect(p!.lastVitals).toMatchObject({ at: 3_000, spo2: 91, heartRate: 104 });
    expect(p!.devices.find((d) => d.id === 'hc-p1-ox')!.online).toBe(true);
  });

  it('does not show a value the platform flagged implausible', () => {
    const [p] = applyVitals([patient()], [{ patientId: 'p1', deviceId: 'hc-p1-ox', kind: 'pulse-oximeter', ts: 3_000, values: { spo2: 40, heartRate: 72 }, implausible: ['spo2'] }]);
    expect(p!.lastVitals.spo2).toBe(95);
    expect(p!.lastVitals.heartRate).toBe(72);
  });

  it('leaves other patients untouched (same object)', () => {
    const other = patient({ id: 'p2' });
    const [, q] = applyVitals([patient(), other], [{ patientId: 'p1', deviceId: 'x', kind: 'wearable', ts: 5, values: { heartRate: 1 } }]);
    expect(q).toBe(other);
  });

  it('keeps trend windows per patient and drops old points', () => {
    const t = applyTrends({ p1: { heartRate: [[0, 60]] } }, [{ patientId: 'p1', deviceId: 'x', kind: 'wearable', ts: 10_000, values: { heartRate: 80, respiratoryRate: 18 } }], 5_000, 10_000);
    expect(t.p1!.heartRate).toEqual([[10_000, 80]]);
    expect(t.p1!.respiratoryRate).toEqual([[10_000, 18]]);
  });
});

describe('live NEWS2 and presence', () => {
  it('replaces the score with a newer result', () => {
    const [p] = applyNews2([patient()], { patientId: 'p1', at: 2_000, total: 8, band: 'high', partial: false });
    expect(p!.latestNews2).toEqual({ total: 8, band: 'high', partial: false, at: 2_000 });
  });

  it('ignores a result older than the one shown', () => {
    const [p] = applyNews2([patient()], { patientId: 'p1', at: 500, total: 8, band: 'high', partial: false });
    expect(p!.latestNews2!.total).toBe(1);
  });

  it('marks a device offline', () => {
    const [p] = applyPresence([patient()], { deviceId: 'hc-p1-hub', online: false, at: 9 });
    expect(p!.devices.find((d) => d.kind === 'home-hub')!.online).toBe(false);
  });
});

describe('board helpers', () => {
  it('keeps only numeric points of a series', () => {
    expect(numericPoints([[1, 'A'], [2, 97], [3, true], [4, Number.NaN]])).toEqual([[2, 97]]);
  });

  it('lists the hub first', () => {
    expect(sortDevices(patient().devices).map((d) => d.kind)).toEqual(['home-hub', 'pulse-oximeter']);
  });

  it.each([
    { q: 'alex', attention: false, n: 2 },
    { q: 'nobody', attention: false, n: 0 },
    { q: '', attention: true, n: 1 },
  ])('search "$q" attention=$attention keeps $n', ({ q, attention, n }) => {
    const items = [patient(), patient({ id: 'p2', displayName: 'Alexis Example', latestNews2: { total: 6, band: 'medium', partial: false, at: 1 } })];
    expect(boardFilter(items, q, attention)).toHaveLength(n);
  });
});

describe('hourly answers', () => {
  it('draw the mean at the middle of each hour with the lowest and highest beside it (a spike stays)', () => {
    const t = Date.UTC(2026, 0, 5, 8);
    const out = hourBands({ spo2: [{ t, n: 4, min: 84, max: 97, mean: 93.25 }, { t: t + 3_600_000, n: 1, min: 95, max: 95, mean: 95 }] });
    expect(out).toEqual({
      spo2: [[t + 1_800_000, 93.25], [t + 5_400_000, 95]],
      'spo2:min': [[t + 1_800_000, 84], [t + 5_400_000, 95]],
      'spo2:max': [[t + 1_800_000, 97], [t + 5_400_000, 95]],
    });
  });
});
