import { describe, expect, it } from 'vitest';
import {
  cabinetMainsLoss,
  commsLoss,
  dayBurner,
  doorOpen,
  driverFault,
  lampFailure,
  lampStatusFor,
  overpower,
  suppressLampCommsLoss,
  type Finding,
} from './failures.ts';
import type { CabinetTelemetry, LampModel, LampTelemetry, LightingEvent } from './model.ts';

// 100 W LED load + 4 W driver loss: 104 W at 100 %, 54 W at 50 %, 14 W at the 10 % floor.
const model: LampModel = {
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
const MIN = 60_000;
const t0 = Date.parse('2026-01-15T22:00:00Z'); // night in Madrid
const noon = Date.parse('2026-01-15T11:30:00Z'); // midday in Madrid
const madrid = { latitude: 40.4168, longitude: -3.7038 };

const lamp = (ts: number, p: Partial<LampTelemetry> = {}): LampTelemetry => ({
  ts,
  powerState: 'on',
  dimLevel: 100,
  activePower: 104,
  voltage: 230,
  current: 0.47,
  powerFactor: 0.95,
  driverTemperature: 55,
  burningHours: 1000,
  ...p,
});
/** readings every minute from `start`, one per patch */
const series = (start: number, patches: Partial<LampTelemetry>[]) => patches.map((p, i) => lamp(start + i * MIN, p));

describe('lampFailure', () => {
  it.each<[string, Partial<LampTelemetry>[], number, boolean]>([
    ['healthy at full power', [{}, {}, {}], 100, false],
    ['dead LED: 2 W on two readings in a row', [{}, { activePower: 2 }, { activePower: 2 }], 100, true],
    ['a single low reading is not enough', [{}, {}, { activePower: 2 }], 100, false],
    ['a glitch in between resets the count', [{ activePower: 2 }, {}, { activePower: 2 }], 100, false],
    ['just under half the expected 104 W', [{ activePower: 51.9 }, { activePower: 51.9 }], 100, true],
    ['just over half the expected 104 W', [{ activePower: 52.1 }, { activePower: 52.1 }], 100, false],
    ['dimmed to 50 % drawing 54 W is healthy', [{ dimLevel: 50, activePower: 54 }, { dimLevel: 50, activePower: 54 }], 50, false],
    ['dimmed to 50 % drawing 20 W has failed', [{ dimLevel: 50, activePower: 20 }, { dimLevel: 50, activePower: 20 }], 50, true],
    ['reported off is not a lamp failure', [{ powerState: 'off', dimLevel: 0, activePower: 0.5 }, { powerState: 'off', dimLevel: 0, activePower: 0.5 }], 100, false],
    ['booting up is a transient', [{ powerState: 'bootingUp', activePower: 3 }, { powerState: 'bootingUp', activePower: 3 }], 100, false],
    ['level 0 in force: nothing expected', [{ activePower: 2 }, { activePower: 2 }], 0, false],
  ])('%s -> %s', (_, patches, level, raised) => {
    const f = lampFailure('lamp-1', series(t0, patches), model, level);
    expect(f !== null).toBe(raised);
    if (f) expect(f).toMatchObject({ type: 'lampFailure', severity: 'major', source: 'lamp-1', sourceKind: 'lamp' });
  });

  it('judges each reading against the level in force at its own time', () => {
    const readings = series(t0, [{ activePower: 2 }, { activePower: 2 }]);
    const levelFn = (ts: number) => (ts < t0 + MIN ? 0 : 100);
    expect(lampFailure('lamp-1', readings, model, levelFn)).toBeNull();
    expect(lampFailure('lamp-1', readings, model, 100)?.at).toBe(t0 + MIN);
  });
});

describe('overpower and driverFault', () => {
  it.each<[string, Partial<LampTelemetry>[], boolean]>([
    ['130 W at full (expected 104)', [{ activePower: 130 }, { activePower: 130 }], true],
    ['124 W is within 120 %', [{ activePower: 124 }, { activePower: 124 }], false],
    ['70 W at 50 % (expected 54)', [{ dimLevel: 50, activePower: 70 }, { dimLevel: 50, activePower: 70 }], true],
    ['one spike only', [{}, { activePower: 200 }], false],
  ])('overpower: %s -> %s', (_, patches, raised) => {
    expect(overpower('lamp-1', series(t0, patches), model) !== null).toBe(raised);
  });

  it.each<[string, Partial<LampTelemetry>[], LightingEvent[], boolean]>([
    ['driver at 90 °C twice', [{ driverTemperature: 90 }, { driverTemperature: 90 }], [], true],
    ['driver at 84 °C', [{ driverTemperature: 84 }, { driverTemperature: 84 }], [], false],
    ['a fault event raises at once', [{}], [{ ts: t0 + 30_000, type: 'fault', detail: 'driver short circuit' }], true],
    ['other events do not', [{}], [{ ts: t0, type: 'door-open' }], false],
  ])('driverFault: %s -> %s', (_, patches, events, raised) => {
    const f = driverFault('lamp-1', series(t0, patches), model, events);
    expect(f !== null).toBe(raised);
  });
});

describe('dayBurner', () => {
  it.each<[string, number, Partial<LampTelemetry>, number, boolean]>([
    ['lit at noon while scheduled off', noon, {}, 0, true],
    ['lit at noon while scheduled on (e.g. a tunnel)', noon, {}, 100, false],
    ['off at noon', noon, { powerState: 'off', dimLevel: 0, activePower: 0.5 }, 0, false],
    ['lit at night while scheduled off is not a day burner', t0, {}, 0, false],
    ['reports off but draws full power in daylight (stuck relay)', noon, { powerState: 'off', dimLevel: 0, activePower: 100 }, 0, true],
  ])('%s -> %s', (_, start, patch, level, raised) => {
    const readings = series(start, [patch, patch]);
    expect(dayBurner('lamp-1', readings, madrid, model, level) !== null).toBe(raised);
  });
});

describe('commsLoss', () => {
  const interval = 60_000;
  it.each([
    ['one report late', 2 * interval - 1, false],
    ['two reports missing', 2 * interval + 30_000, false],
    ['just short of three intervals', 3 * interval - 1, false],
    ['three intervals silent', 3 * interval, true],
    ['an hour silent', 60 * interval, true],
  ])('%s -> %s', (_, silent, raised) => {
    expect(commsLoss({ id: 'lamp-1', kind: 'lamp' }, t0, t0 + silent, interval) !== null).toBe(raised);
  });

  it('a silent cabinet is more serious than a silent lamp', () => {
    expect(commsLoss({ id: 'lamp-1', kind: 'lamp' }, t0, t0 + 10 * interval, interval)?.severity).toBe('minor');
    expect(commsLoss({ id: 'cab-1', kind: 'cabinet' }, t0, t0 + 10 * interval, interval)?.severity).toBe('major');
  });
});

const cab = (ts: number, p: Partial<CabinetTelemetry> = {}): CabinetTelemetry => ({
  ts,
  activeEnergy: 1000,
  activePower: 3000,
  voltageL1: 230,
  voltageL2: 230,
  voltageL3: 230,
  currentL1: 4.5,
  currentL2: 4.5,
  currentL3: 4.5,
  mainsPresent: true,
  doorOpen: false,
  ...p,
});

describe('cabinet findings', () => {
  it.each<[string, CabinetTelemetry[], LightingEvent[], boolean]>([
    ['mains present', [cab(t0), cab(t0 + MIN)], [], false],
    ['latest reading without mains', [cab(t0), cab(t0 + MIN, { mainsPresent: false })], [], true],
    ['mains-lost event after a good reading', [cab(t0)], [{ ts: t0 + 10_000, type: 'mains-lost' }], true],
    ['mains restored after the loss', [cab(t0, { mainsPresent: false })], [{ ts: t0 + 10_000, type: 'mains-restored' }], false],
    ['a newer good reading supersedes an old loss event', [cab(t0 + MIN)], [{ ts: t0, type: 'mains-lost' }], false],
  ])('mains: %s -> %s', (_, readings, events, raised) => {
    const f = cabinetMainsLoss('cab-1', readings, events);
    expect(f !== null).toBe(raised);
    if (f) expect(f.severity).toBe('critical');
  });

  it.each<[string, CabinetTelemetry[], LightingEvent[], boolean]>([
    ['closed', [cab(t0)], [], false],
    ['opened', [cab(t0, { doorOpen: true })], [], true],
    ['door-open event', [cab(t0)], [{ ts: t0 + 1, type: 'door-open' }], true],
    ['closed again', [cab(t0, { doorOpen: true })], [{ ts: t0 + 1, type: 'door-closed' }], false],
  ])('door: %s -> %s', (_, readings, events, raised) => {
    expect(doorOpen('cab-1', readings, events) !== null).toBe(raised);
  });
});

describe('suppressLampCommsLoss', () => {
  const lamps = [
    { id: 'l1', cabinetId: 'c1' },
    { id: 'l2', cabinetId: 'c1' },
    { id: 'l3', cabinetId: 'c2' },
    { id: 'l4', cabinetId: 'c1' },
  ];
  const f = (type: Finding['type'], source: string, sourceKind: Finding['sourceKind'] = 'lamp'): Finding => ({
    type,
    severity: 'minor',
    source,
    sourceKind,
    at: t0,
    detail: type,
  });

  it('replaces the flood of lamp comms losses behind a dark cabinet by one cabinet alarm', () => {
    const out = suppressLampCommsLoss(
      [f('cabinetMainsLoss', 'c1', 'cabinet'), f('commsLoss', 'l1'), f('commsLoss', 'l2'), f('commsLoss', 'l3'), f('lampFailure', 'l4')],
      lamps,
    );
    expect(out.map((x) => `${x.type}:${x.source}`)).toEqual(['cabinetMainsLoss:c1', 'commsLoss:l3', 'lampFailure:l4']);
    expect(out[0]!.data?.suppressedLampFindings).toBe(2);
  });

  it('leaves everything alone when no cabinet lost mains', () => {
    const input = [f('commsLoss', 'l1'), f('commsLoss', 'l3')];
    expect(suppressLampCommsLoss(input, lamps)).toEqual(input);
  });
});

describe('lampStatusFor', () => {
  it.each<[Finding['type'][], string]>([
    [[], 'ok'],
    [['commsLoss'], 'ok'],
    [['dayBurner'], 'ok'],
    [['lampFailure'], 'defectiveLamp'],
    [['commsLoss', 'driverFault'], 'defectiveLamp'],
  ])('%j -> %s', (types, status) => {
    expect(lampStatusFor(types.map((type) => ({ type })))).toBe(status);
  });
});
