import { describe, expect, it } from 'vitest';
import {
  switchLabel,
  applyCommand,
  applyLampEvents,
  energyByPeriod,
  hourTicks,
  laterStatus,
  lampFill,
  lampState,
  litSummary,
  periodX,
  progressOf,
  stepTimeLabel,
  streetPath,
  summarizeLamps,
  timelineSegments,
  type Lamp,
} from './lighting.ts';
import { GROUP_COMMAND_STATES, inForceOf, LAMP_STATES } from './lighting.ts';
import type { CommandStatus } from './types.ts';
import { COMMAND_STATUSES } from './commands.ts';
import { astroEvents } from '../../../pilots/lighting/domain/schedule.ts';
import { DICTIONARIES, lookup, translate } from '../i18n/translate.ts';
import { LOCALES, type MessageKey, type Params } from '../i18n/types.ts';

const en = (key: MessageKey, params?: Params) => translate('en', key, params);
const it_ = (key: MessageKey, params?: Params) => translate('it', key, params);

const lamp = (over: Partial<Lamp> = {}): Lamp => ({
  id: 'l1',
  name: 'Quay Street 1',
  groupId: 'grp-01',
  cabinetId: 'cab-1',
  modelId: 'led-60',
  position: { x: 50, y: 60 },
  latitude: 41.39,
  longitude: 2.17,
  powerState: 'on',
  dimLevel: 100,
  activePower: 64,
  ts: 1_000,
  commandedLevel: 100,
  status: 'ok',
  online: true,
  lastSeen: 1_000,
  ...over,
});

describe('how a lamp shows on the map', () => {
  it.each([
    { over: {}, state: 'on' },
    { over: { dimLevel: 50 }, state: 'dimmed' },
    { over: { powerState: 'off', dimLevel: 0 }, state: 'off' },
    { over: { activeAlarm: { id: 'a', type: 'lamp-failure', severity: 'major' } }, state: 'fault' },
    { over: { status: 'defectiveLamp' }, state: 'fault' },
    { over: { online: false }, state: 'offline' },
    { over: { online: false, ts: null }, state: 'unknown' },
    { over: { powerState: 'unknown', dimLevel: null, ts: null }, state: 'unknown' },
  ])('$over reads $state', ({ over, state }) => {
    expect(lampState(lamp(over as Partial<Lamp>))).toBe(state);
  });

  it('pales as a lamp dims, between full amber and straw', () => {
    expect(lampFill('on', 100)).toBe('#f5a70a');
    expect(lampFill('dimmed', 99)).toBe('rgb(245, 167, 10)');
    expect(lampFill('dimmed', 10)).toBe('rgb(252, 222, 140)');
  });
});

describe('live lamp updates', () => {
  it('applies a newer state and clears a resolved alarm', () => {
    const before = [lamp({ activeAlarm: { id: 'a', type: 'lamp-failure', severity: 'major' } }), lamp({ id: 'l2' })];
    const after = applyLampEvents(before, [{ id: 'l1', powerState: 'on', dimLevel: 40, activePower: 28, ts: 2_000, status: 'ok', online: true, activeAlarm: null }]);
    expect(after[0]).toMatchObject({ dimLevel: 40, activeAlarm: null, name: 'Quay Street 1' });
    expect(after[1]).toBe(before[1]);
  });

  it('ignores an older report', () => {
    const after = applyLampEvents([lamp({ ts: 5_000 })], [{ id: 'l1', powerState: 'off', dimLevel: 0, activePower: 0.5, ts: 4_000, status: 'ok', online: true, activeAlarm: null }]);
    expect(after[0]!.powerState).toBe('on');
  });

  it('counts lamps per state and sums the power reported', () => {
    const s = summarizeLamps([lamp(), lamp({ dimLevel: 50, activePower: 34 }), lamp({ online: false, ts: null, activePower: null })]);
    expect(s.byState).toMatchObject({ on: 1, dimmed: 1, unknown: 1 });
    expect(s.powerW).toBe(98);
  });
});

describe('streets on the map', () => {
  it('runs along the longer axis in order', () => {
    expect(streetPath([{ x: 120, y: 60 }, { x: 60, y: 61 }, { x: 180, y: 59 }])).toBe('M60 61 L120 60 L180 59');
    expect(streetPath([{ x: 5, y: 90 }, { x: 6, y: 10 }])).toBe('M6 10 L5 90');
    expect(streetPath([{ x: 1, y: 1 }])).toBe('');
  });
});

describe('group command progress (pilots/lighting/domain/commands.ts semantics)', () => {
  it.each([
    { s: ['done', 'done'], state: 'done' },
    { s: ['done', 'sent'], state: 'pending' },
    { s: ['done', 'failed'], state: 'partial' },
    { s: ['expired', 'failed'], state: 'failed' },
    { s: [], state: 'done' },
    { s: ['done', 'accepted'], state: 'pending' },
  ] as const)('$s is $state', ({ s, state }) => {
    expect(progressOf(s).state).toBe(state);
  });

  it('counts done, failed (expired included) and pending lamps of a batch', () => {
    expect(progressOf(['done', 'expired', 'failed', 'accepted', 'queued'])).toEqual({ total: 5, done: 1, failed: 2, pending: 2, state: 'pending' });
  });

  it.each([
    { a: undefined, b: 'sent', out: 'sent' },
    { a: 'done', b: 'sent', out: 'done' },
    { a: 'delivered', b: 'sent', out: 'delivered' },
    { a: 'sent', b: 'accepted', out: 'delivered' },
    { a: 'failed', b: 'done', out: 'failed' },
  ] as const)('a report of $b after $a leaves $out (events may overtake the answer)', ({ a, b, out }) => {
    expect(laterStatus(a, b)).toBe(out);
  });

  it('follows live command events and never leaves a final status', () => {
    let statuses: Record<string, CommandStatus> = { c1: 'queued', c2: 'sent' };
    statuses = applyCommand(statuses, { id: 'c1', status: 'accepted' });
    expect(statuses.c1).toBe('delivered');
    statuses = applyCommand(statuses, { id: 'c2', status: 'done' });
    statuses = applyCommand(statuses, { id: 'c2', status: 'failed' });
    expect(statuses.c2).toBe('done');
    expect(applyCommand(statuses, { id: 'other', status: 'done' })).toEqual(statuses);
  });
});

describe('schedule timeline', () => {
  const H = 3_600_000;
  it('cuts the preview into constant-level stretches from now to the end', () => {
    const segs = timelineSegments({
      from: 0,
      to: 24 * H,
      levelNow: 0,
      points: [
        { at: 6 * H, level: 100, stepIndex: 0, source: 'astro', localDate: 'd', programmeDate: 'd' },
        { at: 11 * H, level: 50, stepIndex: 1, source: 'fixed', localDate: 'd', programmeDate: 'd' },
        { at: 17 * H, level: 50, stepIndex: 2, source: 'fixed', localDate: 'd', programmeDate: 'd' },
        { at: 18 * H, level: 0, stepIndex: 3, source: 'astro', localDate: 'd', programmeDate: 'd' },
      ],
    });
    expect(segs).toEqual([
      { from: 0, to: 6 * H, level: 0 },
      { from: 6 * H, to: 11 * H, level: 100 },
      { from: 11 * H, to: 18 * H, level: 50 },
      { from: 18 * H, to: 24 * H, level: 0 },
    ]);
    expect(litSummary(segs)).toEqual({ litHours: 12, fullEquivalentHours: 8.5 });
  });

  it.each([
    { t: { kind: 'fixed', time: '23:00' }, label: '23:00' },
    { t: { kind: 'astro', event: 'sunset', offsetMinutes: 0 }, label: 'Sunset' },
    { t: { kind: 'astro', event: 'sunrise', offsetMinutes: -15 }, label: 'Sunrise − 15 min' },
    { t: { kind: 'astro', event: 'civilDusk', offsetMinutes: 30 }, label: 'Civil dusk + 30 min' },
  ] as const)('step time $t reads "$label"', ({ t, label }) => {
    expect(stepTimeLabel(t, en)).toBe(label);
  });

  it.each([
    { t: { kind: 'fixed', time: '23:00' }, label: '23:00' },
    { t: { kind: 'astro', event: 'sunset', offsetMinutes: 0 }, label: 'Tramonto' },
    { t: { kind: 'astro', event: 'sunrise', offsetMinutes: -15 }, label: 'Alba − 15 min' },
    { t: { kind: 'astro', event: 'civilDusk', offsetMinutes: 30 }, label: 'Crepuscolo civile + 30 min' },
  ] as const)('step time $t reads "$label" in Italian', ({ t, label }) => {
    expect(stepTimeLabel(t, it_)).toBe(label);
  });
});

describe('energy per period', () => {
  it('sums rows per day in date order', () => {
    const f = (kWh: number, baselineKWh: number) => ({ kWh, litKWh: kWh, baselineKWh, savedKWh: 0, savedPercent: 0, savedCO2kg: 0, burningHours: 0 });
    const s = energyByPeriod({
      rows: [
        { key: 'g1', periods: [{ period: '2026-03-02', ...f(2, 3) }, { period: '2026-03-01', ...f(1, 2) }], total: f(3, 5) },
        { key: 'g2', periods: [{ period: '2026-03-01', ...f(4, 4) }], total: f(4, 4) },
      ],
    });
    expect(s).toEqual({ periods: ['2026-03-01', '2026-03-02'], actual: [5, 2], baseline: [6, 3] });
    expect(periodX('2026-03-01')).toBe(Date.UTC(2026, 2, 1, 12) / 1000);
  });
});

describe('hour ticks in the installation zone', () => {
  it('labels local hours every three and marks local midnight with the date', () => {
    // 2026-03-10 21:00 UTC = 22:00 in Madrid (CET, UTC+1).
    const from = Date.UTC(2026, 2, 10, 21);
    const ticks = hourTicks(from, from + 6 * 3_600_000, 'Europe/Madrid');
    expect(ticks.map((t) => t.label)).toEqual(['00:00', '03:00']);
    expect(ticks[0]).toMatchObject({ midnight: true, date: 'Wed 11 Mar' });
  });

  it('keeps to the local clock across the spring-forward night', () => {
    // Madrid, 29 March 2026: 02:00 CET jumps to 03:00 CEST.
    const from = Date.UTC(2026, 2, 28, 23); // 00:00 CET
    const labels = hourTicks(from, from + 5 * 3_600_000, 'Europe/Madrid', 1).map((t) => t.label);
    expect(labels).toEqual(['00:00', '01:00', '03:00', '04:00', '05:00', '06:00']);
  });
});

describe('switch command labels', () => {
  it.each([
    [{ action: 'on', level: 100 }, 'Switch on'],
    [{ action: 'on' }, 'Switch on'],
    [{ action: 'off', level: 0 }, 'Switch off'],
    [{ action: 'dim', level: 40 }, 'Dim to 40 %'],
    [{ action: 'on', level: 70 }, 'Dim to 70 %'],
    [{}, 'Switch'],
  ])('%o reads "%s"', (payload, label) => {
    expect(switchLabel(payload, en)).toBe(label);
  });

  it.each([
    [{ action: 'on', level: 100 }, 'Accensione'],
    [{ action: 'off', level: 0 }, 'Spegnimento'],
    [{ action: 'dim', level: 40 }, 'Riduzione al 40 %'],
  ])('%o reads "%s" in Italian', (payload, label) => {
    expect(switchLabel(payload, it_)).toBe(label);
  });
});

describe('every state the lighting pages show has a label in each language', () => {
  const keys = [
    ...LAMP_STATES.map((s) => `lampState.${s}`),
    ...GROUP_COMMAND_STATES.map((s) => `groupProgress.${s}`),
    ...COMMAND_STATUSES.map((s) => `lampCommandStatus.${s}`),
    ...astroEvents.map((e) => `astro.${e}`),
  ];
  it.each(LOCALES)('%s', (locale) => {
    expect(keys.filter((k) => typeof lookup(DICTIONARIES[locale], k) !== 'string')).toEqual([]);
    // Not a copy of the English: each language says them in its own words.
    if (locale !== 'en') expect(keys.filter((k) => lookup(DICTIONARIES[locale], k) === lookup(DICTIONARIES.en, k))).toEqual([]);
  });
});

describe('the level a lamp has in force', () => {
  const lamp = { powerState: 'on', dimLevel: 40, online: true, ts: 1 } as const;
  it.each([
    ['a lit lamp at its reported level', lamp, 40],
    ['a lamp reporting off', { ...lamp, powerState: 'off', dimLevel: 0 }, 0],
    ['an off lamp that keeps its last dim level', { ...lamp, powerState: 'off' }, 0],
    ['a lamp out of contact', { ...lamp, online: false }, null],
    ['a lamp that never reported', { ...lamp, ts: null, dimLevel: null }, null],
    ['a lamp of unknown power state', { ...lamp, powerState: 'unknown' }, null],
  ] as const)('%s', (_name, l, level) => {
    expect(inForceOf(l)).toBe(level);
  });
});
