import { describe, expect, it } from 'vitest';
import type { Alarm, RaiseInput } from '../../platform/services/alarms.ts';
import type { LampModel, LampTelemetry } from './domain/index.ts';
import { AlarmBook, LAMP_READING_CHECKS, cabinetFindings, commsSweep, lampFindings, sourceOf, type AlarmPort } from './detection.ts';
import { LiveState } from './state.ts';

/** An in-memory alarm service with the platform's one-active-per-(source, type) rule. */
function fakeAlarms(initial: Alarm[] = []) {
  const alarms = [...initial];
  const calls: string[] = [];
  const port: AlarmPort = {
    async raise(input: RaiseInput) {
      calls.push(`raise ${input.source} ${input.type} ${input.severity}`);
      const i = alarms.findIndex((a) => a.source === input.source && a.type === input.type && a.state !== 'cleared');
      const alarm: Alarm = {
        id: `a${alarms.length + 1}`,
        source: input.source,
        type: input.type,
        category: input.category ?? 'technical',
        severity: input.severity,
        state: 'active-unacknowledged',
        title: input.title,
        detail: input.detail ?? {},
        subject: null,
        raisedAt: 0,
        updatedAt: 0,
      };
      if (i >= 0) alarms[i] = { ...alarms[i]!, severity: input.severity };
      else alarms.push(alarm);
      return { alarm: i >= 0 ? alarms[i]! : alarm };
    },
    async clear(source, type) {
      calls.push(`clear ${source} ${type}`);
      const a = alarms.find((x) => x.source === source && x.type === type && x.state !== 'cleared');
      if (a) a.state = 'cleared';
      return a ?? null;
    },
    async list() {
      return alarms.filter((a) => a.state !== 'cleared');
    },
  };
  return { port, calls, alarms };
}

const model: LampModel = {
  id: 'led-60',
  name: 'LED 60 W',
  lampTechnology: 'LED',
  powerRating: 60,
  driverLoss: 4,
  standbyPower: 0.5,
  minDimLevel: 10,
  luminousFlux: 8400,
  maxDriverTemperature: 85,
};
const lamp = { id: 'lamp-1', latitude: 41.39, longitude: 2.17 };
// 2026-01-15 21:00 in Madrid: dark.
const NIGHT = Date.UTC(2026, 0, 15, 20, 0);
// 2026-01-15 12:00 in Madrid: broad daylight.
const NOON = Date.UTC(2026, 0, 15, 11, 0);
const MIN = 60_000;

const reading = (ts: number, over: Partial<LampTelemetry> = {}): LampTelemetry => ({
  ts,
  powerState: 'on',
  dimLevel: 100,
  activePower: 64,
  voltage: 230,
  current: 0.29,
  powerFactor: 0.95,
  driverTemperature: 55,
  burningHours: 1000,
  ...over,
});

function live(readings: LampTelemetry[]) {
  const s = new LiveState(4, 2 * MIN);
  const l = s.lamp(lamp.id, 0);
  for (const r of readings) s.addReading(l, r, r.ts);
  return l;
}

describe('lampFindings: the checks run on each lamp reading', () => {
  const cases: { name: string; readings: LampTelemetry[]; level: number; now: number; expected: string[] }[] = [
    { name: 'a healthy lamp at full output finds nothing', readings: [reading(NIGHT), reading(NIGHT + MIN)], level: 100, now: NIGHT + MIN, expected: [] },
    {
      name: 'two readings far below the expected power while lit is a lamp failure',
      readings: [reading(NIGHT, { activePower: 3 }), reading(NIGHT + MIN, { activePower: 2.5 })],
      level: 100,
      now: NIGHT + MIN,
      expected: ['lampFailure'],
    },
    {
      name: 'a single low reading (a level being applied) raises nothing',
      readings: [reading(NIGHT), reading(NIGHT + MIN, { activePower: 3 })],
      level: 100,
      now: NIGHT + MIN,
      expected: [],
    },
    {
      name: 'burning at noon while the schedule says off is a day burner',
      readings: [reading(NOON), reading(NOON + MIN)],
      level: 0,
      now: NOON + MIN,
      expected: ['dayBurner'],
    },
    {
      name: 'a hot driver on two readings is a driver fault',
      readings: [reading(NIGHT, { driverTemperature: 95 }), reading(NIGHT + MIN, { driverTemperature: 97 })],
      level: 100,
      now: NIGHT + MIN,
      expected: ['driverFault'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const found = lampFindings({ lamp, model, live: live(c.readings), level: c.level, now: c.now, intervalMs: MIN });
      expect(found.map((f) => f.type)).toEqual(c.expected);
    });
  }

  it('a reading never reports comms loss, however long the lamp was silent before', () => {
    const found = lampFindings({ lamp, model, live: live([reading(NIGHT - 60 * MIN), reading(NIGHT)]), level: 100, now: NIGHT, intervalMs: MIN });
    expect(found.some((f) => f.type === 'commsLoss')).toBe(false);
  });
});

describe('AlarmBook: alarms follow the findings', () => {
  const failure = { type: 'lampFailure' as const, severity: 'major' as const, source: 'lamp-1', sourceKind: 'lamp' as const, at: NIGHT, detail: 'dark' };

  it('a finding raises its alarm once; the same finding again makes no call', async () => {
    const f = fakeAlarms();
    const book = await AlarmBook.load(f.port);
    expect(await book.reconcile(sourceOf('lamp', 'lamp-1'), LAMP_READING_CHECKS, [failure])).toEqual({ raised: ['lamp-failure'], cleared: [] });
    expect(await book.reconcile(sourceOf('lamp', 'lamp-1'), LAMP_READING_CHECKS, [failure])).toEqual({ raised: [], cleared: [] });
    expect(f.calls).toEqual(['raise lamp:lamp-1 lamp-failure major']);
    expect(f.alarms[0]?.category).toBe('lighting');
    expect(book.lampStatus('lamp-1')).toBe('defectiveLamp');
  });

  it('a check that finds nothing any more clears the alarm; unchecked types are left alone', async () => {
    const f = fakeAlarms();
    const book = await AlarmBook.load(f.port);
    await book.reconcile('lamp:lamp-1', LAMP_READING_CHECKS, [failure, { ...failure, type: 'commsLoss', severity: 'minor' }]);
    await book.reconcile('lamp:lamp-1', ['lampFailure'], []);
    expect(f.calls.slice(-1)).toEqual(['clear lamp:lamp-1 lamp-failure']);
    expect(book.isActive('lamp:lamp-1', 'commsLoss')).toBe(true);
    expect(book.lampStatus('lamp-1')).toBe('ok');
  });

  it('names the lamp in the title as the map does when its name is given, else by id', async () => {
    const f = fakeAlarms();
    const book = await AlarmBook.load(f.port);
    await book.reconcile('lamp:lamp-1', LAMP_READING_CHECKS, [failure], { lampId: 'lamp-1', name: 'Harbour Avenue 5' });
    await book.reconcile('lamp:lamp-2', LAMP_READING_CHECKS, [{ ...failure, source: 'lamp-2' }]);
    expect(f.alarms.map((a) => a.title)).toEqual(['Lamp failure: Harbour Avenue 5', 'Lamp failure: lamp-2']);
    expect(f.alarms[0]?.detail.name).toBe('Harbour Avenue 5');
  });

  it('a more severe finding of an active alarm escalates it', async () => {
    const f = fakeAlarms();
    const book = await AlarmBook.load(f.port);
    await book.reconcile('cabinet:c1', ['commsLoss'], [{ ...failure, type: 'commsLoss', severity: 'minor' }]);
    await book.reconcile('cabinet:c1', ['commsLoss'], [{ ...failure, type: 'commsLoss', severity: 'major' }]);
    expect(f.calls).toEqual(['raise cabinet:c1 comms-loss minor', 'raise cabinet:c1 comms-loss major']);
  });

  it('active lighting alarms from before a restart are known, other pilots’ are ignored', async () => {
    const base = { severity: 'major', state: 'active-unacknowledged', title: 't', detail: {}, subject: null, raisedAt: 0, updatedAt: 0 } as const;
    const f = fakeAlarms([
      { ...base, id: 'x1', source: 'lamp:lamp-1', type: 'lamp-failure', category: 'lighting' },
      { ...base, id: 'x2', source: 'lamp:lamp-2', type: 'lamp-failure', category: 'clinical' },
    ]);
    const book = await AlarmBook.load(f.port);
    expect(book.isActive('lamp:lamp-1', 'lampFailure')).toBe(true);
    expect(book.isActive('lamp:lamp-2', 'lampFailure')).toBe(false);
    await book.reconcile('lamp:lamp-1', LAMP_READING_CHECKS, []);
    expect(f.calls).toEqual(['clear lamp:lamp-1 lamp-failure']);
  });
});

describe('commsSweep: silence, with a dark cabinet explaining its lamps', () => {
  const base = { now: NIGHT, intervalMs: MIN, missedIntervals: 3 };
  const lamps = [
    { id: 'l1', cabinetId: 'c1', lastHeard: NIGHT - 10 * MIN },
    { id: 'l2', cabinetId: 'c2', lastHeard: NIGHT - 10 * MIN },
    { id: 'l3', cabinetId: 'c2', lastHeard: NIGHT - MIN },
  ];
  const cabinets = [
    { id: 'c1', lastHeard: NIGHT },
    { id: 'c2', lastHeard: NIGHT - 5 * MIN },
  ];

  it('devices silent for three intervals are lost, the others are not', () => {
    const out = commsSweep({ ...base, lamps, cabinets, mainsLost: new Set() });
    expect([...out].filter(([, f]) => f).map(([s, f]) => [s, f!.severity])).toEqual([
      ['lamp:l1', 'minor'],
      ['lamp:l2', 'minor'],
      ['cabinet:c2', 'major'],
    ]);
    expect(out.get('lamp:l3')).toBeNull();
  });

  it('a cabinet that lost mains suppresses its silent lamps but not its own or others’ alarms', () => {
    const out = commsSweep({ ...base, lamps, cabinets, mainsLost: new Set(['c1']) });
    expect(out.get('lamp:l1')).toBeNull();
    expect(out.get('lamp:l2')?.type).toBe('commsLoss');
    expect(out.get('cabinet:c2')?.type).toBe('commsLoss');
  });

  it('a just-started watch gives every device its grace period', () => {
    const out = commsSweep({ ...base, lamps: lamps.map((l) => ({ ...l, lastHeard: NIGHT - 2 * MIN })), cabinets: [], mainsLost: new Set() });
    expect([...out.values()].every((f) => f === null)).toBe(true);
  });
});

describe('cabinetFindings', () => {
  it('a cabinet reporting mains lost and its door open raises both at once', () => {
    const s = new LiveState(4, 2 * MIN);
    const c = s.cabinet('c1', 0);
    s.addReading(c, { ts: NIGHT, activeEnergy: 10, activePower: 0, voltageL1: 0, voltageL2: 0, voltageL3: 0, currentL1: 0, currentL2: 0, currentL3: 0, mainsPresent: false, doorOpen: true }, NIGHT);
    expect(cabinetFindings('c1', c, NIGHT, MIN).map((f) => f.type).sort()).toEqual(['cabinetMainsLoss', 'doorOpen']);
  });
});
