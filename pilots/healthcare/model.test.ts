import { describe, expect, it } from 'vitest';
import { news2 } from './domain/news2.ts';
import { createPatientSchema, instant, news2Record, settingsPatchSchema, thresholdsSchema } from './model.ts';
import { resolveOptions } from './options.ts';

const base = { identifier: 'SYN-000001', givenName: 'Ann', familyName: 'Synthetic', birthDate: '1950-01-01', sex: 'female' };

describe('API schemas', () => {
  it('a minimal patient gets scale 1, hourly monitoring and the default devices', () => {
    const p = createPatientSchema.parse(base);
    expect(p.settings).toEqual({ scale: 1, monitoringMinutes: 60 });
    expect(p.devices).toEqual(['pulse-oximeter', 'bp-cuff', 'thermometer', 'wearable']);
  });

  it.each([
    ['an unknown field', { ...base, nhsNumber: '123' }],
    ['a lower-case identifier', { ...base, identifier: 'syn-1' }],
    ['an impossible birth date', { ...base, birthDate: '1950-02-30' }],
    ['a home hub in the device list', { ...base, devices: ['home-hub'] }],
    ['the same device kind twice', { ...base, devices: ['scale', 'scale'] }],
    ['SpO2 scale 3', { ...base, settings: { scale: 3 } }],
    ['withdrawn consent at enrolment', { ...base, consent: { status: 'withdrawn' } }],
  ])('refuses %s', (_name, input) => {
    expect(createPatientSchema.safeParse(input).success).toBe(false);
  });

  it.each([
    [{}, false],
    [{ scale: 2 }, true],
    [{ thresholds: null }, true],
    [{ scale: 2, colour: 'red' }, false],
  ])('settings patch %o is valid: %s', (patch, ok) => {
    expect(settingsPatchSchema.safeParse(patch).success).toBe(ok);
  });

  it.each([
    [{ weight: { high: 80 } }, true],
    [{ weight: { low: 90, high: 80 } }, false],
    [{ consciousness: { low: 1 } }, false],
  ])('thresholds %o are valid: %s', (t, ok) => {
    expect(thresholdsSchema.safeParse(t).success).toBe(ok);
  });

  it.each([
    ['1735689600000', 1735689600000],
    ['2025-01-01T00:00:00Z', 1735689600000],
    ['yesterday', null],
  ])('instant %s → %s', (text, value) => {
    const r = instant.safeParse(text);
    expect(r.success ? r.data : null).toBe(value);
  });
});

describe('pilot options', () => {
  it('fill defaults and refuse nonsense', () => {
    expect(resolveOptions().escalateAfterMs).toBe(15 * 60_000);
    expect(resolveOptions({ escalateAfterMs: 1000 }).escalateAfterMs).toBe(1000);
    expect(() => resolveOptions({ hysteresis: 0 })).toThrow(RangeError);
    expect(() => resolveOptions({ windowMs: -1 })).toThrow(RangeError);
  });
});

describe('stored NEWS2 records', () => {
  it('keep the score, band and gaps of the result with the values scored, and nothing of the advice', () => {
    const set = { respiratoryRate: 26, spo2: 91, onOxygen: false, systolic: 95, heartRate: 118, consciousness: 'A' as const };
    const result = news2(set, 1);
    const rec = news2Record({ id: 'r1', patientId: 'p1', at: 10, computedAt: 20, set }, result);
    expect(rec).toEqual({
      id: 'r1',
      patientId: 'p1',
      at: 10,
      computedAt: 20,
      total: result.total,
      band: result.band,
      partial: true,
      missing: ['temperature'],
      scale: 1,
      scores: result.scores,
      anySingleThree: result.anySingleThree,
      set,
    });
    expect(rec.total).toBeGreaterThanOrEqual(7);
  });
});
