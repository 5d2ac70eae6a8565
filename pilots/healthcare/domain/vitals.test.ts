import { describe, it, expect } from 'vitest';
import {
  DEVICE_KINDS,
  NUMERIC_VITAL_KEYS,
  VITALS,
  VITAL_KEYS,
  eventPayload,
  implausibleFields,
  isPlausible,
  parseTelemetry,
  readingsFromTelemetry,
  telemetrySchemas,
  type DeviceKind,
} from './vitals.ts';

const ts = 1_700_000_000_000;

describe('vital-sign catalogue', () => {
  it.each([
    ['heartRate', '8867-4', '/min'],
    ['respiratoryRate', '9279-1', '/min'],
    ['spo2', '2708-6', '%'],
    ['temperature', '8310-5', 'Cel'],
    ['systolic', '8480-6', 'mm[Hg]'],
    ['diastolic', '8462-4', 'mm[Hg]'],
    ['weight', '29463-7', 'kg'],
    ['glucose', '2339-0', 'mg/dL'],
  ] as const)('%s is LOINC %s in UCUM %s', (key, code, unit) => {
    const def = VITALS[key];
    expect(def.codes[0]).toMatchObject({ system: 'http://loinc.org', code });
    expect(def.unit.code).toBe(unit);
  });
  it('SpO2 carries both the arterial and the pulse-oximetry LOINC codes', () => {
    expect(VITALS.spo2.codes.map((c) => c.code)).toEqual(['2708-6', '59408-5']);
  });
  it('glucose is a laboratory result and the others are vital signs', () => {
    expect(VITALS.glucose.category).toBe('laboratory');
    for (const k of NUMERIC_VITAL_KEYS.filter((k) => k !== 'glucose')) expect(VITALS[k].category).toBe('vital-signs');
  });
  it('every plausible range sits inside its schema bounds', () => {
    for (const k of NUMERIC_VITAL_KEYS) {
      const d = VITALS[k];
      expect(d.plausible.min).toBeGreaterThanOrEqual(d.schema.min);
      expect(d.plausible.max).toBeLessThanOrEqual(d.schema.max);
      expect(d.plausible.min).toBeLessThan(d.plausible.max);
    }
  });
  it('covers every key, including ACVPU and the oxygen flag', () => {
    expect(Object.keys(VITALS).sort()).toEqual([...VITAL_KEYS].sort());
  });
});

describe('plausibility (technical alarm, not a clinical score)', () => {
  it.each([
    ['heartRate', 72, true],
    ['heartRate', 0, false],
    ['spo2', 35, false],
    ['spo2', 88, true],
    ['temperature', 24.5, false],
    ['temperature', 41.2, true],
    ['weight', 3.2, false],
    ['glucose', 700, false],
    ['heartRate', Number.NaN, false],
    ['consciousness', 'V', true],
    ['consciousness', 'Z', false],
    ['onOxygen', true, true],
    ['onOxygen', 'yes', false],
  ] as const)('%s = %s is plausible: %s', (param, value, expected) => {
    expect(isPlausible(param, value)).toBe(expected);
  });
});

describe('telemetry payload schemas', () => {
  const valid = {
    'pulse-oximeter': { ts, spo2: 96, heartRate: 70 },
    'bp-cuff': { ts, systolic: 120, diastolic: 80, heartRate: 70 },
    thermometer: { ts, temperature: 36.9 },
    scale: { ts, weight: 81.4 },
    glucometer: { ts, glucose: 110 },
    wearable: { ts, heartRate: 70, respiratoryRate: 15, movement: 0.4 },
    'home-hub': { ts, battery: 80, connectivity: 'wifi', consciousness: 'A', onOxygen: false },
  } as const;

  it.each(DEVICE_KINDS)('a well-formed %s payload passes', (kind) => {
    expect(parseTelemetry(kind, valid[kind]).success).toBe(true);
  });
  it('a home hub may omit the ACVPU and oxygen fields', () => {
    expect(parseTelemetry('home-hub', { ts, battery: 50, connectivity: 'cellular' }).success).toBe(true);
  });
  const rejected: [DeviceKind, string, unknown][] = [
    ['pulse-oximeter', 'SpO2 above 100 %', { ts, spo2: 150, heartRate: 70 }],
    ['pulse-oximeter', 'NaN', { ts, spo2: Number.NaN, heartRate: 70 }],
    ['pulse-oximeter', 'a negative pulse', { ts, spo2: 96, heartRate: -5 }],
    ['pulse-oximeter', 'a missing field', { ts, spo2: 96 }],
    ['pulse-oximeter', 'an unknown field', { ts, spo2: 96, heartRate: 70, note: 'x' }],
    ['pulse-oximeter', 'a missing timestamp', { spo2: 96, heartRate: 70 }],
    ['thermometer', 'a string timestamp', { ts: '2024-01-01', temperature: 36.9 }],
    ['thermometer', 'a fractional timestamp', { ts: 1.5, temperature: 36.9 }],
    ['thermometer', 'infinity', { ts, temperature: Number.POSITIVE_INFINITY }],
    ['thermometer', 'a number sent as text', { ts, temperature: '36.9' }],
    ['wearable', 'movement above 1', { ts, heartRate: 70, respiratoryRate: 15, movement: 1.5 }],
    ['home-hub', 'battery above 100 %', { ts, battery: 101, connectivity: 'wifi' }],
    ['home-hub', 'an unknown ACVPU letter', { ts, battery: 50, connectivity: 'wifi', consciousness: 'X' }],
  ];
  it.each(rejected)('%s rejects %s', (kind, _why, payload) => {
    expect(parseTelemetry(kind, payload).success).toBe(false);
  });
  it('implausible-yet-possible values pass the schema and are flagged afterwards', () => {
    const parsed = parseTelemetry('thermometer', { ts, temperature: 24.5 });
    expect(parsed.success).toBe(true);
    expect(implausibleFields(parsed.data!)).toEqual(['temperature']);
  });
  it('a diastolic at or above the systolic is flagged as a failed measurement', () => {
    const parsed = telemetrySchemas['bp-cuff'].parse({ ts, systolic: 110, diastolic: 115, heartRate: 70 });
    expect(implausibleFields(parsed)).toEqual(['diastolic']);
    expect(implausibleFields(valid['bp-cuff'])).toEqual([]);
  });
});

describe('readings from a payload', () => {
  it('splits a BP cuff payload into three readings with the payload time and device', () => {
    expect(readingsFromTelemetry(telemetrySchemas['bp-cuff'].parse({ ts, systolic: 130, diastolic: 85, heartRate: 66 }), 'd1')).toEqual([
      { param: 'heartRate', value: 66, ts, deviceId: 'd1' },
      { param: 'systolic', value: 130, ts, deviceId: 'd1' },
      { param: 'diastolic', value: 85, ts, deviceId: 'd1' },
    ]);
  });
  it('keeps device-state fields out of the vitals', () => {
    const r = readingsFromTelemetry({ ts, battery: 9, connectivity: 'wifi', onOxygen: true });
    expect(r).toEqual([{ param: 'onOxygen', value: true, ts }]);
  });
});

describe('event payloads', () => {
  it('accepts a fall with a detail and rejects an unknown event type', () => {
    expect(eventPayload.safeParse({ ts, type: 'fall', detail: 'hallway' }).success).toBe(true);
    expect(eventPayload.safeParse({ ts, type: 'explosion' }).success).toBe(false);
    expect(eventPayload.safeParse({ ts, type: 'button', extra: 1 }).success).toBe(false);
  });
});
