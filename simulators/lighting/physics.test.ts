import { describe, expect, it } from 'vitest';
import {
  commsLoss,
  evaluateCabinet,
  evaluateLamp,
  expectedPower,
  lampEnergy,
  levelFromPoints,
  meterBalance,
  scheduleSchema,
  suppressLampCommsLoss,
  sunEvents,
  switchPoints,
  type CabinetTelemetry,
  type Finding,
  type FindingType,
  type Installation,
  type LampModel,
  type LampTelemetry,
  type Phase,
} from '../../pilots/lighting/domain/index.ts';
import {
  cabinetStep,
  initialCabinetState,
  lampPower,
  mulberry32,
  phaseOf,
  type LampFault,
  type Rng,
} from './physics.ts';

const MIN = 60_000;
const H = 3_600_000;
const INTERVAL = 5 * MIN;

const led100: LampModel = {
  id: 'led-100',
  name: 'LED 100 W',
  lampTechnology: 'LED',
  powerRating: 100,
  driverLoss: 4,
  standbyPower: 0.5,
  minDimLevel: 10,
  luminousFlux: 14_000,
  maxDriverTemperature: 85,
};
const led40: LampModel = { ...led100, id: 'led-40', name: 'LED 40 W', powerRating: 40, driverLoss: 2.5, minDimLevel: 20, luminousFlux: 5_600 };

const madrid: Installation = { id: 'inst-mad', name: 'Synthetic Madrid', latitude: 40.4168, longitude: -3.7038, timeZone: 'Europe/Madrid' };
const nightly = scheduleSchema.parse({
  id: 'sch-night',
  name: 'dusk to dawn with night dimming',
  steps: [
    { at: { kind: 'astro', event: 'sunset', offsetMinutes: 10 }, level: 100 },
    { at: { kind: 'fixed', time: '23:00' }, level: 50 },
    { at: { kind: 'fixed', time: '05:00' }, level: 100 },
    { at: { kind: 'astro', event: 'sunrise', offsetMinutes: -10 }, level: 0 },
  ],
});
// 16:00 local on 15 January to 11:00 local on the 16th: afternoon light, dusk, night, dawn, morning.
const FROM = Date.parse('2026-01-15T15:00:00Z');
const TO = Date.parse('2026-01-16T10:00:00Z');
const points = switchPoints(nightly, madrid, FROM - 2 * 86_400_000, TO + 86_400_000);
const level = (ts: number) => levelFromPoints(points, ts);
const l0ts = (k: number) => FROM + k * INTERVAL;

interface LampSim {
  model: LampModel;
  rng: Rng;
  fault?: { type: LampFault; onset: number };
  ambientTemperature?: number;
}

/** One reading per interval over [from, to) from the lamp's physics. */
function simulateLamp(s: LampSim, from = FROM, to = TO): LampTelemetry[] {
  const out: LampTelemetry[] = [];
  let burningHours = 5_000;
  for (let ts = from; ts < to; ts += INTERVAL) {
    const l = level(ts);
    const fault = s.fault && ts >= s.fault.onset ? s.fault.type : null;
    const e = lampPower(s.model, l > 0 ? 'on' : 'off', l, s.rng, {
      fault,
      ...(s.ambientTemperature === undefined ? {} : { ambientTemperature: s.ambientTemperature }),
    });
    out.push({ ts, ...e, burningHours: Math.round(burningHours * 100) / 100 });
    if (e.powerState !== 'off') burningHours += INTERVAL / H;
  }
  return out;
}

/** Runs the lamp rules after every reading (on its last three readings), as the pilot does. */
function lampFindings(lampId: string, model: LampModel, readings: LampTelemetry[]): Finding[] {
  const out: Finding[] = [];
  readings.forEach((r, i) => {
    out.push(
      ...evaluateLamp({
        lamp: { id: lampId, latitude: madrid.latitude, longitude: madrid.longitude },
        model,
        readings: readings.slice(Math.max(0, i - 2), i + 1),
        level,
        now: r.ts,
        intervalMs: INTERVAL,
      }),
    );
  });
  return out;
}
const firstAt = (findings: Finding[], type: FindingType) => findings.find((f) => f.type === type)?.at;

describe('mulberry32', () => {
  it('is deterministic for a seed, differs between seeds, and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  it('reproduces a whole simulated lamp night from the seed', () => {
    expect(simulateLamp({ model: led100, rng: mulberry32(7) })).toEqual(simulateLamp({ model: led100, rng: mulberry32(7) }));
  });
});

describe('lampPower', () => {
  const rng = mulberry32(1);
  it.each([
    ['full output', 'on', 100, led100, 104, 'on'],
    ['dimmed to half', 'on', 50, led100, 54, 'on'],
    ['dimmed low', 'on', 30, led100, 34, 'low'],
    ['below the driver floor runs at the floor', 'on', 5, led100, 14, 'low'],
    ['a 40 W model at full', 'on', 100, led40, 42.5, 'on'],
    ['switched off: standby only', 'off', 100, led100, 0.5, 'off'],
  ] as const)('%s draws the model power within 2 percent', (_, state, lvl, model, watts, reported) => {
    for (let i = 0; i < 50; i++) {
      const e = lampPower(model, state, lvl, rng);
      expect(e.powerState).toBe(reported);
      expect(Math.abs(e.activePower - watts)).toBeLessThanOrEqual(watts * 0.02 + 0.05);
      expect(Math.abs(e.voltage - 230)).toBeLessThanOrEqual(230 * 0.015 + 0.05);
      expect(e.powerFactor).toBeGreaterThanOrEqual(0.3);
      expect(e.powerFactor).toBeLessThanOrEqual(0.99);
      expect(e.current).toBeCloseTo(e.activePower / (e.voltage * e.powerFactor), 2);
    }
  });

  it('the driver runs warmer and at a better power factor at full load than dimmed', () => {
    const avg = (lvl: number, f: (e: ReturnType<typeof lampPower>) => number) =>
      Array.from({ length: 100 }, () => f(lampPower(led100, 'on', lvl, rng))).reduce((s, x) => s + x, 0) / 100;
    expect(avg(100, (e) => e.driverTemperature)).toBeGreaterThan(avg(20, (e) => e.driverTemperature) + 20);
    expect(avg(100, (e) => e.powerFactor)).toBeGreaterThan(avg(20, (e) => e.powerFactor));
    expect(avg(100, (e) => e.driverTemperature)).toBeLessThan(led100.maxDriverTemperature);
  });

  it.each([
    ['failed: a few watts while reporting on', 'failed', 'on', 100, (e: ReturnType<typeof lampPower>) => e.powerState === 'on' && e.activePower < 5],
    ['driverFault: overpower and overheating', 'driverFault', 'on', 100, (e: ReturnType<typeof lampPower>) => e.activePower > 1.3 * 104 && e.driverTemperature > 85],
    ['dayBurner: full output although switched off', 'dayBurner', 'off', 0, (e: ReturnType<typeof lampPower>) => e.powerState === 'on' && e.activePower > 100],
  ] as const)('%s', (_, fault, state, lvl, check) => {
    for (let i = 0; i < 20; i++) expect(check(lampPower(led100, state, lvl, rng, { fault }))).toBe(true);
  });

  it('without mains there is no voltage, no current and no power', () => {
    expect(lampPower(led100, 'on', 100, rng, { mainsPresent: false })).toMatchObject({
      powerState: 'off',
      activePower: 0,
      voltage: 0,
      current: 0,
    });
  });
});

describe('cabinet meter', () => {
  const load: Record<Phase, number> = { L1: 1000, L2: 1000, L3: 1000 };

  it('integrates lamps, cable losses and its own draw into the register', () => {
    const rng = mulberry32(3);
    let state = initialCabinetState(FROM, 1000);
    let reading: CabinetTelemetry | undefined;
    for (let ts = FROM; ts <= FROM + H; ts += MIN) {
      ({ state, reading } = cabinetStep(state, { ts, lampPowerByPhase: load, mainsPresent: true, doorOpen: false }, rng));
    }
    // (3 × 1000 W × 1.03 + 15 W) × 1 h = 3.105 kWh
    expect(reading!.activeEnergy - 1000).toBeCloseTo(3.105, 3);
    expect(reading!.activePower).toBeCloseTo(3105, 0);
    expect(reading!.currentL1).toBeGreaterThan(4.5);
    expect(reading!.currentL1).toBeLessThan(4.9);
  });

  it('stands still and reads zero volts when mains is lost', () => {
    const rng = mulberry32(3);
    let { state } = cabinetStep(initialCabinetState(FROM, 50), { ts: FROM, lampPowerByPhase: load, mainsPresent: true, doorOpen: false }, rng);
    ({ state } = cabinetStep(state, { ts: FROM + MIN, lampPowerByPhase: load, mainsPresent: false, doorOpen: false }, rng));
    const { reading } = cabinetStep(state, { ts: FROM + H, lampPowerByPhase: load, mainsPresent: false, doorOpen: false }, rng);
    expect(reading.activeEnergy).toBeCloseTo(50 + 3105 / 1000 / 60, 3); // only the minute before the loss
    expect(reading).toMatchObject({ mainsPresent: false, activePower: 0, voltageL1: 0, currentL2: 0 });
  });

  it('meter minus lamps over a night is the cable loss plus the cabinet’s own draw', () => {
    const rng = mulberry32(11);
    const lamps = Array.from({ length: 9 }, (_, i) => simulateLamp({ model: i % 2 ? led40 : led100, rng }));
    let state = initialCabinetState(FROM, 20_000);
    const cabinetReadings: CabinetTelemetry[] = [];
    lamps[0]!.forEach((_, k) => {
      const byPhase: Record<Phase, number> = { L1: 0, L2: 0, L3: 0 };
      lamps.forEach((l, i) => (byPhase[phaseOf(i)] += l[k]!.activePower));
      const step = cabinetStep(state, { ts: l0ts(k), lampPowerByPhase: byPhase, mainsPresent: true, doorOpen: false }, rng);
      state = step.state;
      cabinetReadings.push(step.reading);
    });
    const lampsKWh = lamps.reduce((s, l) => s + lampEnergy(l, { intervalMs: INTERVAL }).kWh, 0);
    const hours = (TO - INTERVAL - FROM) / H;
    const b = meterBalance(cabinetReadings, lampsKWh);
    expect(b.differenceKWh).toBeCloseTo(0.03 * lampsKWh + (15 * hours) / 1000, 3);
    expect(b.differencePercent).toBeGreaterThan(3);
    expect(b.differencePercent).toBeLessThan(10);
  });
});

describe('a healthy fleet raises nothing', () => {
  it('100 lamps over a simulated night with noise: no findings at all', () => {
    const rng = mulberry32(2026);
    const all: Finding[] = [];
    let lit = 0;
    let dimmed = 0;
    for (let i = 0; i < 100; i++) {
      const model = i % 3 === 0 ? led40 : led100;
      const readings = simulateLamp({ model, rng, ambientTemperature: 5 + (i % 20) });
      lit += readings.filter((r) => r.powerState !== 'off').length;
      dimmed += readings.filter((r) => r.dimLevel === 50).length;
      all.push(...lampFindings(`lamp-${i}`, model, readings));
    }
    // The night was really simulated: about 14 h lit (168 readings a lamp), 6 h of them dimmed.
    expect(lit / 100).toBeGreaterThan(160);
    expect(lit / 100).toBeLessThan(176);
    expect(dimmed / 100).toBe(72);
    expect(all).toEqual([]);
  });
});

describe('every failure is detected within two reporting intervals of its onset', () => {
  const night = Date.parse('2026-01-15T21:32:30Z'); // between two readings, lamps at 100 %
  const late = Date.parse('2026-01-16T00:47:00Z'); // dimmed to 50 %

  it.each([
    ['dead LED at full output', 'failed', night, 'lampFailure'],
    ['dead LED while dimmed', 'failed', late, 'lampFailure'],
    ['driver runaway: overpower', 'driverFault', night, 'overpower'],
    ['driver runaway: overheating', 'driverFault', late, 'driverFault'],
  ] as const)('%s', (_, fault, onset, type) => {
    const readings = simulateLamp({ model: led100, rng: mulberry32(5), fault: { type: fault, onset } });
    const found = lampFindings('lamp-x', led100, readings);
    const at = firstAt(found, type);
    expect(at).toBeDefined();
    expect(at! - onset).toBeLessThanOrEqual(2 * INTERVAL);
    expect(at!).toBeGreaterThanOrEqual(onset);
  });

  it('day burner: a relay stuck since the night is reported once it is day and the schedule says off', () => {
    const readings = simulateLamp({ model: led100, rng: mulberry32(5), fault: { type: 'dayBurner', onset: night } });
    const found = lampFindings('lamp-x', led100, readings);
    const sun = sunEvents('2026-01-16', madrid.latitude, madrid.longitude, madrid.timeZone);
    const switchOff = points.find((p) => p.level === 0 && p.at > night)!.at;
    const onset = Math.max(sun.sunrise!, switchOff);
    const at = firstAt(found, 'dayBurner');
    expect(at! - onset).toBeLessThanOrEqual(2 * INTERVAL);
    expect(at!).toBeGreaterThanOrEqual(onset);
    expect(found.filter((f) => f.type !== 'dayBurner')).toEqual([]);
  });

  it('comms loss: raised two intervals after the first report that did not arrive', () => {
    const readings = simulateLamp({ model: led100, rng: mulberry32(5) }).filter((r) => r.ts < night);
    const lastSeen = readings[readings.length - 1]!.ts;
    const firstMissed = lastSeen + INTERVAL;
    let at: number | undefined;
    for (let now = lastSeen; now < TO && at === undefined; now += MIN) {
      if (commsLoss({ id: 'lamp-x', kind: 'lamp' }, lastSeen, now, INTERVAL)) at = now;
    }
    expect(at! - firstMissed).toBeLessThanOrEqual(2 * INTERVAL);
    expect(at! - firstMissed).toBeGreaterThan(INTERVAL); // one lost message alone never raises it
  });

  it.each([
    ['mains loss', { mainsPresent: false, doorOpen: false }, 'cabinetMainsLoss'],
    ['door opened', { mainsPresent: true, doorOpen: true }, 'doorOpen'],
  ] as const)('cabinet %s', (_, faulty, type) => {
    const rng = mulberry32(9);
    let state = initialCabinetState(FROM, 0);
    const readings: CabinetTelemetry[] = [];
    let at: number | undefined;
    for (let ts = FROM; ts < TO && at === undefined; ts += INTERVAL) {
      const s = ts >= night ? faulty : { mainsPresent: true, doorOpen: false };
      const step = cabinetStep(state, { ts, lampPowerByPhase: { L1: 500, L2: 500, L3: 500 }, ...s }, rng);
      state = step.state;
      readings.push(step.reading);
      const found = evaluateCabinet({ cabinetId: 'cab-1', readings: readings.slice(-3), now: ts, intervalMs: INTERVAL });
      if (found.some((f) => f.type === type)) at = ts;
    }
    expect(at! - night).toBeLessThanOrEqual(2 * INTERVAL);
  });
});

describe('mains loss at a cabinet', () => {
  it('yields one cabinet alarm instead of a comms-loss flood from its lamps', () => {
    const rng = mulberry32(21);
    const lost = Date.parse('2026-01-15T22:02:00Z');
    const lamps = Array.from({ length: 18 }, (_, i) => ({ id: `lamp-${i}`, cabinetId: i < 12 ? 'cab-1' : 'cab-2' }));
    const readings = new Map(
      lamps.map((l) => [
        l.id,
        // Lamps behind cab-1 lose power, so their nodes fall silent.
        simulateLamp({ model: led100, rng }).filter((r) => l.cabinetId !== 'cab-1' || r.ts < lost),
      ]),
    );
    const now = lost + 4 * INTERVAL;
    const cabinetReadings = (mainsPresent: boolean): CabinetTelemetry[] => [
      cabinetStep(initialCabinetState(now - INTERVAL), { ts: now - INTERVAL, lampPowerByPhase: { L1: 0, L2: 0, L3: 0 }, mainsPresent, doorOpen: false }, rng).reading,
    ];
    const findings = [
      ...lamps.flatMap((l) =>
        evaluateLamp({
          lamp: { id: l.id, latitude: madrid.latitude, longitude: madrid.longitude },
          model: led100,
          readings: readings.get(l.id)!.filter((r) => r.ts <= now).slice(-3),
          level,
          now,
          intervalMs: INTERVAL,
        }),
      ),
      ...evaluateCabinet({ cabinetId: 'cab-1', readings: cabinetReadings(false), now, intervalMs: INTERVAL }),
      ...evaluateCabinet({ cabinetId: 'cab-2', readings: cabinetReadings(true), now, intervalMs: INTERVAL }),
    ];
    expect(findings.filter((f) => f.type === 'commsLoss')).toHaveLength(12);
    const out = suppressLampCommsLoss(findings, lamps);
    expect(out.map((f) => `${f.type}:${f.source}`)).toEqual(['cabinetMainsLoss:cab-1']);
    expect(out[0]!.data?.suppressedLampFindings).toBe(12);
  });
});

describe('expected power seen by the detector matches the simulator', () => {
  it('the mean simulated power at each level is within 0.5 % of the model', () => {
    const rng = mulberry32(99);
    for (const lvl of [100, 75, 50, 20]) {
      const mean = Array.from({ length: 400 }, () => lampPower(led100, 'on', lvl, rng).activePower).reduce((s, x) => s + x, 0) / 400;
      expect(Math.abs(mean / expectedPower(led100, lvl) - 1)).toBeLessThan(0.005);
    }
  });
});
