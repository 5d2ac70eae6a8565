import { describe, it, expect } from 'vitest';
import { chartRows, news2, observationSet, scoreParameter, type ObservationSet } from './news2.ts';
import type { VitalReading } from './vitals.ts';

// Every boundary of every chart 1 row (RCP NEWS2, 2017), on both sides.
type Row = [value: number, score: number];

const respiration: Row[] = [
  [3, 3], [8, 3], [9, 1], [11, 1], [12, 0], [20, 0], [21, 2], [24, 2], [25, 3], [40, 3],
];
const spo2Scale1: Row[] = [
  [80, 3], [91, 3], [92, 2], [93, 2], [94, 1], [95, 1], [96, 0], [100, 0],
];
const spo2Scale2Air: Row[] = [
  [75, 3], [83, 3], [84, 2], [85, 2], [86, 1], [87, 1], [88, 0], [92, 0], [93, 0], [97, 0], [100, 0],
];
const spo2Scale2Oxygen: Row[] = [
  [83, 3], [84, 2], [85, 2], [86, 1], [87, 1], [88, 0], [92, 0], [93, 1], [94, 1], [95, 2], [96, 2], [97, 3], [100, 3],
];
const systolic: Row[] = [
  [70, 3], [90, 3], [91, 2], [100, 2], [101, 1], [110, 1], [111, 0], [219, 0], [220, 3], [250, 3],
];
const pulse: Row[] = [
  [30, 3], [40, 3], [41, 1], [50, 1], [51, 0], [90, 0], [91, 1], [110, 1], [111, 2], [130, 2], [131, 3], [180, 3],
];
const temperature: Row[] = [
  [34.2, 3], [35.0, 3], [35.1, 1], [36.0, 1], [36.1, 0], [38.0, 0], [38.1, 1], [39.0, 1], [39.1, 2], [40.5, 2],
];

describe('NEWS2 chart 1, one parameter at a time', () => {
  it.each(respiration)('respiration rate %d/min scores %d', (v, s) => {
    expect(scoreParameter('respiratoryRate', v, { scale: 1 })).toBe(s);
  });
  it.each(spo2Scale1)('SpO2 %d%% on scale 1 scores %d (on air or oxygen alike)', (v, s) => {
    expect(scoreParameter('spo2', v, { scale: 1, onOxygen: false })).toBe(s);
    expect(scoreParameter('spo2', v, { scale: 1, onOxygen: true })).toBe(s);
  });
  it.each(spo2Scale2Air)('SpO2 %d%% on scale 2 breathing air scores %d', (v, s) => {
    expect(scoreParameter('spo2', v, { scale: 2, onOxygen: false })).toBe(s);
  });
  it.each(spo2Scale2Oxygen)('SpO2 %d%% on scale 2 on supplemental oxygen scores %d', (v, s) => {
    expect(scoreParameter('spo2', v, { scale: 2, onOxygen: true })).toBe(s);
  });
  it('SpO2 97% on scale 2 with the oxygen status unknown scores the on-air lower bound', () => {
    expect(scoreParameter('spo2', 97, { scale: 2 })).toBe(0);
    expect(scoreParameter('spo2', 85, { scale: 2 })).toBe(2);
  });
  it.each(systolic)('systolic %d mmHg scores %d', (v, s) => {
    expect(scoreParameter('systolic', v, { scale: 1 })).toBe(s);
  });
  it.each(pulse)('pulse %d/min scores %d', (v, s) => {
    expect(scoreParameter('heartRate', v, { scale: 1 })).toBe(s);
  });
  it.each(temperature)('temperature %s °C scores %d', (v, s) => {
    expect(scoreParameter('temperature', v, { scale: 1 })).toBe(s);
  });
  it.each([
    ['A', 0],
    ['C', 3],
    ['V', 3],
    ['P', 3],
    ['U', 3],
  ] as const)('consciousness %s scores %d', (v, s) => {
    expect(scoreParameter('consciousness', v, { scale: 1 })).toBe(s);
  });
  it('air scores 0 and supplemental oxygen scores 2', () => {
    expect(scoreParameter('onOxygen', false, { scale: 1 })).toBe(0);
    expect(scoreParameter('onOxygen', true, { scale: 1 })).toBe(2);
  });
});

describe('a value between two chart rows scores as the more severe row (issue #12, patient safety)', () => {
  // Every gap between two rows of chart 1, just above the lower row and halfway; scale 1 unless said.
  it.each([
    ['respiratoryRate', 8.5, 3], // 8 → 3, 9 → 1
    ['respiratoryRate', 8.01, 3],
    ['respiratoryRate', 11.5, 1], // 11 → 1, 12 → 0
    ['respiratoryRate', 20.4, 2], // 20 → 0, 21 → 2
    ['respiratoryRate', 20.5, 2],
    ['respiratoryRate', 24.5, 3], // 24 → 2, 25 → 3
    ['spo2', 91.5, 3], // 91 → 3, 92 → 2
    ['spo2', 93.5, 2], // 93 → 2, 94 → 1
    ['spo2', 95.5, 1], // 95 → 1, 96 → 0
    ['spo2', 95.99, 1],
    ['systolic', 90.5, 3], // 90 → 3, 91 → 2
    ['systolic', 100.5, 2], // 100 → 2, 101 → 1
    ['systolic', 110.5, 1], // 110 → 1, 111 → 0
    ['systolic', 219.5, 3], // 219 → 0, 220 → 3
    ['heartRate', 40.5, 3], // 40 → 3, 41 → 1
    ['heartRate', 50.5, 1], // 50 → 1, 51 → 0
    ['heartRate', 90.5, 1], // 90 → 0, 91 → 1
    ['heartRate', 110.5, 2], // 110 → 1, 111 → 2
    ['heartRate', 130.5, 3], // 130 → 2, 131 → 3
    ['temperature', 35.05, 3], // 35.0 → 3, 35.1 → 1 (rounding half-up gave 1)
    ['temperature', 35.01, 3],
    ['temperature', 36.05, 1], // 36.0 → 1, 36.1 → 0
    ['temperature', 38.04, 1], // 38.0 → 0, 38.1 → 1
    ['temperature', 38.05, 1],
    ['temperature', 39.05, 2], // 39.0 → 1, 39.1 → 2
  ] as const)('%s %d scores %d', (param, v, s) => {
    expect(scoreParameter(param, v, { scale: 1 })).toBe(s);
  });

  it.each([
    [83.5, false, 3], // 83 → 3, 84 → 2
    [85.5, false, 2], // 85 → 2, 86 → 1
    [87.5, false, 1], // 87 → 1, 88 → 0
    [92.5, false, 0], // 92 → 0, 93 on air → 0
    [92.5, true, 1], // 92 → 0, 93 on oxygen → 1
    [94.5, true, 2], // 94 → 1, 95 on oxygen → 2
    [96.5, true, 3], // 96 → 2, 97 on oxygen → 3
    [96.5, false, 0],
  ] as const)('SpO2 scale 2: %d percent, on oxygen %s, scores %d', (v, onOxygen, s) => {
    expect(scoreParameter('spo2', v, { scale: 2, onOxygen })).toBe(s);
  });

  it.each([
    ['respiratoryRate', 21, 2],
    ['spo2', 94, 1],
    ['systolic', 111, 0],
    ['heartRate', 51, 0],
    ['temperature', 36.1, 0], // 36.1 * 10 = 361.00000000000006 in binary: still the 36.1 row
    ['temperature', 35.1, 1],
    ['temperature', 38.1, 1],
  ] as const)('a value on a row scores that row: %s %d scores %d', (param, v, s) => {
    expect(scoreParameter(param, v, { scale: 1 })).toBe(s);
  });

  it('chartRows finds the rows around a value, immune to binary representation artefacts', () => {
    expect(chartRows(35.05, 1)).toEqual([35, 35.1]);
    expect(chartRows(38.05, 1)).toEqual([38, 38.1]);
    expect(chartRows(36.1, 1)).toEqual([36.1, 36.1]);
    expect(chartRows(93.5, 0)).toEqual([93, 94]);
    expect(chartRows(97, 0)).toEqual([97, 97]);
  });
});

describe('wrong value kinds are programming errors, not scores', () => {
  it.each([
    ['respiratoryRate', Number.NaN],
    ['heartRate', Number.POSITIVE_INFINITY],
    ['temperature', 'hot'],
    ['onOxygen', 1],
    ['consciousness', 'X'],
  ] as const)('%s given %s throws', (param, v) => {
    expect(() => scoreParameter(param, v as never, { scale: 1 })).toThrow(TypeError);
  });
});

const NORMAL: ObservationSet = {
  respiratoryRate: 16,
  spo2: 97,
  onOxygen: false,
  systolic: 125,
  heartRate: 72,
  consciousness: 'A',
  temperature: 36.8,
};

describe('aggregate score, risk band and response (charts 3 and 4)', () => {
  it('an all-normal complete set scores 0, band low, 12-hourly monitoring', () => {
    const r = news2(NORMAL, 1);
    expect(r).toMatchObject({ total: 0, band: 'low', partial: false, missing: [], anySingleThree: false });
    expect(r.monitoring).toBe('minimum 12-hourly');
    expect(Object.keys(r.scores)).toHaveLength(7);
  });
  it('a total of 1–4 without a red score is low, 4–6-hourly', () => {
    const r = news2({ ...NORMAL, heartRate: 95, temperature: 38.3 }, 1);
    expect(r).toMatchObject({ total: 2, band: 'low', anySingleThree: false });
    expect(r.monitoring).toBe('minimum 4–6-hourly');
  });
  it('a single parameter scoring 3 with a total of 3 is low-medium, hourly', () => {
    const r = news2({ ...NORMAL, consciousness: 'C' }, 1);
    expect(r).toMatchObject({ total: 3, band: 'low-medium', anySingleThree: true });
    expect(r.monitoring).toBe('minimum 1-hourly');
    expect(r.response).toMatch(/medical team/);
  });
  it('a total of 5 is medium with an urgent response', () => {
    // RR 22 → 2, SpO2 95 → 1, pulse 100 → 1, temperature 38.5 → 1
    const r = news2({ ...NORMAL, respiratoryRate: 22, spo2: 95, heartRate: 100, temperature: 38.5 }, 1);
    expect(r).toMatchObject({ total: 5, band: 'medium', anySingleThree: false });
    expect(r.monitoring).toBe('minimum 1-hourly');
    expect(r.response).toMatch(/^Urgent/);
  });
  it('a total of 7 is high with continuous monitoring and an emergency response', () => {
    // RR 22 → 2, oxygen → 2, SpO2 95 → 1, pulse 115 → 2
    const r = news2({ ...NORMAL, respiratoryRate: 22, onOxygen: true, spo2: 95, heartRate: 115 }, 1);
    expect(r).toMatchObject({ total: 7, band: 'high' });
    expect(r.scores).toMatchObject({ respiratoryRate: 2, onOxygen: 2, spo2: 1, heartRate: 2 });
    expect(r.monitoring).toBe('continuous monitoring of vital signs');
    expect(r.response).toMatch(/^Emergency/);
  });
  it('the worst possible set scores the chart maximum of 20', () => {
    const r = news2(
      { respiratoryRate: 30, spo2: 85, onOxygen: true, systolic: 85, heartRate: 140, consciousness: 'U', temperature: 34 },
      1,
    );
    expect(r.total).toBe(20);
  });
  it('the same COPD set scores differently on scale 1 and scale 2', () => {
    const set = { ...NORMAL, spo2: 89 };
    expect(news2(set, 1).scores.spo2).toBe(3);
    expect(news2(set, 2).scores.spo2).toBe(0);
    expect(news2({ ...set, spo2: 97, onOxygen: true }, 2).total).toBe(5); // oxygen 2 + SpO2 3
  });
});

describe('partial observation sets are flagged, never silently completed', () => {
  it('missing parameters are listed and the total covers only what is present', () => {
    const r = news2({ respiratoryRate: 26, heartRate: 72 }, 1);
    expect(r.partial).toBe(true);
    expect(r.missing).toEqual(['spo2', 'onOxygen', 'systolic', 'consciousness', 'temperature']);
    expect(r.total).toBe(3);
    expect(r.band).toBe('low-medium');
    expect(r.scores).toEqual({ respiratoryRate: 3, heartRate: 0 });
  });
  it('a set without the oxygen flag is partial and does not score air', () => {
    const { onOxygen: _omit, ...rest } = NORMAL;
    const r = news2(rest, 1);
    expect(r.partial).toBe(true);
    expect(r.missing).toEqual(['onOxygen']);
    expect(r.scores.onOxygen).toBeUndefined();
  });
  it('an empty set scores 0 and says all seven parameters are missing', () => {
    const r = news2({}, 1);
    expect(r).toMatchObject({ total: 0, partial: true, band: 'low' });
    expect(r.missing).toHaveLength(7);
  });
});

describe('observation set from a window of readings', () => {
  const at = 1_700_000_000_000;
  const min = 60_000;
  const readings: VitalReading[] = [
    { param: 'heartRate', value: 120, ts: at - 40 * min }, // outside a 30-minute window
    { param: 'heartRate', value: 80, ts: at - 20 * min },
    { param: 'heartRate', value: 84, ts: at - 5 * min }, // latest within the window
    { param: 'heartRate', value: 150, ts: at + min }, // in the future: ignored
    { param: 'spo2', value: 96, ts: at - 30 * min }, // exactly on the window's start: included
    { param: 'onOxygen', value: true, ts: at - 10 * min },
    { param: 'consciousness', value: 'A', ts: at },
    { param: 'temperature', value: 39.5, ts: at - 31 * min }, // just outside
    { param: 'weight', value: 80, ts: at - min }, // not a NEWS2 parameter
  ];

  it('takes the latest value of each parameter inside the window and ignores older ones', () => {
    const set = observationSet(readings, { at, windowMs: 30 * min });
    expect(set.heartRate).toBe(84);
    expect(set.spo2).toBe(96);
    expect(set.onOxygen).toBe(true);
    expect(set.consciousness).toBe('A');
    expect(set.temperature).toBeUndefined();
    expect(set).not.toHaveProperty('weight');
    expect(set.observedAt).toEqual({ heartRate: at - 5 * min, spo2: at - 30 * min, onOxygen: at - 10 * min, consciousness: at });
  });
  it('is independent of the order readings arrive in', () => {
    const a = observationSet(readings, { at, windowMs: 30 * min });
    const b = observationSet([...readings].reverse(), { at, windowMs: 30 * min });
    expect(b.heartRate).toBe(a.heartRate);
  });
  it('leaves a missing oxygen flag missing so the score is partial', () => {
    const set = observationSet(
      readings.filter((r) => r.param !== 'onOxygen'),
      { at, windowMs: 30 * min },
    );
    expect(set.onOxygen).toBeUndefined();
    expect(news2(set, 1).missing).toContain('onOxygen');
  });
  it('a wider window picks up the older temperature', () => {
    expect(observationSet(readings, { at, windowMs: 60 * min }).temperature).toBe(39.5);
  });
});
