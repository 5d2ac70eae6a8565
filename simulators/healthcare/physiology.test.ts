import { describe, it, expect } from 'vitest';
import { CONDITIONS, createPatientModel, hashSeed, mulberry32, type Condition, type PatientVitals } from './physiology.ts';
import { news2, type ObservationSet } from '../../pilots/healthcare/domain/news2.ts';
import { NUMERIC_VITAL_KEYS, isPlausible } from '../../pilots/healthcare/domain/vitals.ts';

const START = Date.UTC(2024, 0, 15, 0, 0, 0); // midnight UTC
const MIN = 60_000;
const HOUR = 60 * MIN;

function simulate(condition: Condition, seed: string | number, hours: number, everyMs = 5 * MIN) {
  const model = createPatientModel({ seed, condition, now: START });
  const out: { at: number; v: PatientVitals }[] = [];
  for (let at = START + everyMs; at <= START + hours * HOUR; at += everyMs) out.push({ at, v: model.step(everyMs, at) });
  return out;
}

const asSet = (v: PatientVitals): ObservationSet => ({
  respiratoryRate: v.respiratoryRate,
  spo2: v.spo2,
  onOxygen: v.onOxygen,
  systolic: v.systolic,
  heartRate: v.heartRate,
  consciousness: v.consciousness,
  temperature: v.temperature,
});

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('deterministic randomness', () => {
  it('mulberry32 gives the same sequence for the same seed, in [0, 1)', () => {
    const a = mulberry32(hashSeed('ward-7'));
    const b = mulberry32(hashSeed('ward-7'));
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
  it('the same seed gives the same series and another seed a different one', () => {
    const a = simulate('heart-failure', 'seed-1', 6);
    expect(simulate('heart-failure', 'seed-1', 6)).toEqual(a);
    expect(simulate('heart-failure', 'seed-2', 6)).not.toEqual(a);
  });
});

describe('a stable day stays within plausible bounds', () => {
  it.each(CONDITIONS)('%s: every value over 24 h is plausible and well-formed', (condition) => {
    for (const { v } of simulate(condition, `bounds-${condition}`, 24)) {
      for (const key of NUMERIC_VITAL_KEYS) expect(isPlausible(key, v[key]), `${key}=${v[key]}`).toBe(true);
      expect(v.diastolic).toBeLessThan(v.systolic);
      expect(v.movement).toBeGreaterThanOrEqual(0);
      expect(v.movement).toBeLessThanOrEqual(1);
      expect(Number.isInteger(v.heartRate)).toBe(true);
      expect(Math.round(v.temperature * 10) / 10).toBe(v.temperature);
    }
  });
  it.each(CONDITIONS)('%s: a stable day mostly scores low on NEWS2', (condition) => {
    const model = createPatientModel({ seed: 3, condition, now: START });
    const totals = simulate(condition, 3, 24).map(({ v }) => news2(asSet(v), model.scale).total);
    expect(mean(totals)).toBeLessThan(3);
  });
});

describe('condition specifics', () => {
  it('a COPD patient runs SpO2 88–92 % and is scored on scale 2', () => {
    const model = createPatientModel({ seed: 'copd-1', condition: 'copd', now: START });
    expect(model.scale).toBe(2);
    const spo2 = simulate('copd', 'copd-1', 24).map(({ v }) => v.spo2);
    expect(Math.min(...spo2)).toBeGreaterThanOrEqual(88);
    expect(Math.max(...spo2)).toBeLessThanOrEqual(92);
  });
  it('pulse and temperature are lower at night than in the afternoon', () => {
    const series = simulate('healthy', 'circadian', 72, 10 * MIN);
    const hourOf = (at: number) => new Date(at).getUTCHours();
    const night = series.filter(({ at }) => hourOf(at) >= 2 && hourOf(at) < 6).map(({ v }) => v);
    const afternoon = series.filter(({ at }) => hourOf(at) >= 14 && hourOf(at) < 18).map(({ v }) => v);
    expect(mean(night.map((v) => v.heartRate))).toBeLessThan(mean(afternoon.map((v) => v.heartRate)) - 4);
    expect(mean(night.map((v) => v.temperature))).toBeLessThan(mean(afternoon.map((v) => v.temperature)) - 0.2);
  });
  it('a diabetic patient has higher glucose than a healthy one', () => {
    const g = (c: Condition) => mean(simulate(c, 'gluc', 24).map(({ v }) => v.glucose));
    expect(g('diabetes')).toBeGreaterThan(g('healthy') + 30);
  });
});

describe('scenario injection', () => {
  it.each(CONDITIONS.flatMap((c) => [1, 2, 3].map((seed) => [c, seed] as const)))(
    '%s (seed %d): deterioration reaches NEWS2 ≥ 7 by the end of its window',
    (condition, seed) => {
      const model = createPatientModel({ seed, condition, now: START });
      let at = START;
      for (let i = 0; i < 12; i++) model.step(5 * MIN, (at += 5 * MIN));
      model.inject('deterioration', { overMs: 2 * HOUR });
      expect(model.phase).toBe('deteriorating');
      let last: PatientVitals | undefined;
      for (let i = 0; i < 24; i++) last = model.step(5 * MIN, (at += 5 * MIN));
      const r = news2(asSet(last!), model.scale);
      expect(r.total).toBeGreaterThanOrEqual(7);
      expect(r.band).toBe('high');
      expect(model.phase).toBe('deteriorated');
      for (const key of NUMERIC_VITAL_KEYS) expect(isPlausible(key, last![key]), key).toBe(true);
    },
  );
  it.each([
    // speed factor after a quarter of a 2 h ramp, when the ramp ends (h from its start)
    [1, 2],
    [2, 1.25],
    [4, 0.875],
    [0.5, 3.5],
  ])('a ramp rescaled by %d a quarter in keeps its progress and ends after %d h', (factor, endH) => {
    const model = createPatientModel({ seed: 5, condition: 'copd', now: START });
    model.inject('deterioration', { overMs: 2 * HOUR, at: START });
    model.step(30 * MIN, START + 30 * MIN);
    model.rescale(factor, START + 30 * MIN);
    model.step(MIN, START + endH * HOUR - MIN);
    expect(model.phase).toBe('deteriorating');
    model.step(MIN, START + endH * HOUR);
    expect(model.phase).toBe('deteriorated');
  });

  it('deterioration ramps: halfway through it is worse than before but not yet at its end', () => {
    const model = createPatientModel({ seed: 9, condition: 'healthy', now: START });
    const before = news2(asSet(model.step(MIN, START + MIN)), 1).total;
    model.inject('deterioration', { overMs: 4 * HOUR, at: START + MIN });
    const mid = news2(asSet(model.step(2 * HOUR, START + MIN + 2 * HOUR)), 1).total;
    const end = news2(asSet(model.step(2 * HOUR, START + MIN + 4 * HOUR)), 1).total;
    expect(before).toBeLessThan(mid);
    expect(mid).toBeLessThan(end);
  });
  it('a heart-failure decompensation brings weight gain ahead of the other signs', () => {
    const model = createPatientModel({ seed: 'hf', condition: 'heart-failure', now: START });
    let at = START;
    const baseline = mean(Array.from({ length: 12 }, () => model.step(5 * MIN, (at += 5 * MIN)).weight));
    model.inject('deterioration', { overMs: 3 * 24 * HOUR });
    // A quarter of the way in: weight has gained half its 2.5 kg, NEWS2 is still below medium.
    let quarter: PatientVitals | undefined;
    for (let i = 0; i < 18; i++) quarter = model.step(HOUR, (at += HOUR));
    expect(quarter!.weight - baseline).toBeGreaterThan(0.8);
    expect(news2(asSet(quarter!), 1).total).toBeLessThan(5);
  });
  it('recover brings the patient back to a low score', () => {
    const model = createPatientModel({ seed: 4, condition: 'healthy', now: START });
    let at = START;
    model.inject('deterioration', { overMs: HOUR, at });
    model.step(HOUR, (at += HOUR));
    model.inject('recover', { overMs: HOUR });
    expect(model.phase).toBe('recovering');
    let v: PatientVitals | undefined;
    for (let i = 0; i < 4; i++) v = model.step(30 * MIN, (at += 30 * MIN));
    expect(news2(asSet(v!), 1).total).toBeLessThanOrEqual(4);
    expect(model.phase).toBe('stable');
  });
  it('implausible makes exactly the next reading implausible, once', () => {
    const model = createPatientModel({ seed: 5, condition: 'hypertension', now: START });
    let at = START;
    const implausibleCount = (v: PatientVitals) => NUMERIC_VITAL_KEYS.filter((k) => !isPlausible(k, v[k])).length;
    expect(implausibleCount(model.step(MIN, (at += MIN)))).toBe(0);
    model.inject('implausible');
    expect(implausibleCount(model.step(MIN, (at += MIN)))).toBe(1);
    expect(implausibleCount(model.step(MIN, (at += MIN)))).toBe(0);
  });
  it('deterioration needs a window length', () => {
    const model = createPatientModel({ seed: 1, condition: 'healthy', now: START });
    expect(() => model.inject('deterioration', { overMs: Number.NaN })).toThrow(RangeError);
  });
});
