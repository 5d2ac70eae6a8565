import { describe, expect, it } from 'vitest';
import { sunEvents } from './astro.ts';
import type { Installation } from './model.ts';
import {
  assignmentConflicts,
  levelAt,
  levelFromPoints,
  preview,
  scheduleSchema,
  switchPoints,
  type Schedule,
  type ScheduleInput,
} from './schedule.ts';

const madrid: Installation = { id: 'inst-mad', name: 'Synthetic Madrid', latitude: 40.4168, longitude: -3.7038, timeZone: 'Europe/Madrid' };
const newYork: Installation = { id: 'inst-nyc', name: 'Synthetic New York', latitude: 40.7128, longitude: -74.006, timeZone: 'America/New_York' };
const tromso: Installation = { id: 'inst-tos', name: 'Synthetic Tromsø', latitude: 69.6489, longitude: 18.95508, timeZone: 'Europe/Oslo' };
const reykjavik: Installation = { id: 'inst-rkv', name: 'Synthetic Reykjavík', latitude: 64.13548, longitude: -21.89541, timeZone: 'Atlantic/Reykjavik' };

const schedule = (s: Partial<ScheduleInput> & Pick<ScheduleInput, 'steps'>): Schedule =>
  scheduleSchema.parse({ id: 'sch-1', name: 'test schedule', ...s });

const iso = (ms: number) => new Date(ms).toISOString().replace(':00.000Z', 'Z');
const utc = (s: string) => Date.parse(s);

/** Evening on, dimmed at night, back up for the morning rush, off at dawn. */
const nightly = schedule({
  steps: [
    { at: { kind: 'astro', event: 'sunset', offsetMinutes: 10 }, level: 100 },
    { at: { kind: 'fixed', time: '23:00' }, level: 50 },
    { at: { kind: 'fixed', time: '05:00' }, level: 100 },
    { at: { kind: 'astro', event: 'sunrise', offsetMinutes: -10 }, level: 0 },
  ],
});

describe('scheduleSchema', () => {
  it('fills defaults: noon day start, no exceptions, no groups', () => {
    expect(nightly.dayStart).toBe('12:00');
    expect(nightly.exceptions).toEqual([]);
    expect(nightly.assignedGroups).toEqual([]);
  });

  it.each([
    ['a clock time of 24:00', { steps: [{ at: { kind: 'fixed', time: '24:00' }, level: 10 }] }],
    ['a level above 100', { steps: [{ at: { kind: 'fixed', time: '20:00' }, level: 101 }] }],
    ['an astro offset beyond 6 h', { steps: [{ at: { kind: 'astro', event: 'sunset', offsetMinutes: 400 }, level: 100 }] }],
    ['an unknown astro event', { steps: [{ at: { kind: 'astro', event: 'moonrise', offsetMinutes: 0 }, level: 100 }] }],
    ['an empty programme', { steps: [] }],
    ['an unknown property', { steps: [{ at: { kind: 'fixed', time: '20:00' }, level: 10, colour: 'red' }] }],
    [
      'an exception ending before it starts',
      { steps: [{ at: { kind: 'fixed', time: '20:00' }, level: 10 }], exceptions: [{ from: '2026-12-31', to: '2026-12-01', action: 'off' }] },
    ],
    [
      'a programme exception without a programme',
      { steps: [{ at: { kind: 'fixed', time: '20:00' }, level: 10 }], exceptions: [{ from: '2026-12-31', action: 'programme' }] },
    ],
    [
      'an exception on 30 February',
      { steps: [{ at: { kind: 'fixed', time: '20:00' }, level: 10 }], exceptions: [{ from: '2026-02-30', action: 'off' }] },
    ],
  ])('rejects %s', (_, input) => {
    expect(scheduleSchema.safeParse({ id: 's', name: 'n', ...input }).success).toBe(false);
  });
});

describe('switchPoints past midnight', () => {
  const day = '2026-01-15';
  const sunD = sunEvents(day, madrid.latitude, madrid.longitude, madrid.timeZone);
  const sunNext = sunEvents('2026-01-16', madrid.latitude, madrid.longitude, madrid.timeZone);
  const pts = switchPoints(nightly, madrid, utc('2026-01-15T11:00:00Z'), utc('2026-01-16T11:00:00Z'));

  it('the 23:00 and 05:00 steps belong to the night that starts at that evening’s sunset', () => {
    expect(pts.map((p) => [p.stepIndex, p.programmeDate, p.localDate])).toEqual([
      [0, '2026-01-15', '2026-01-15'],
      [1, '2026-01-15', '2026-01-15'],
      [2, '2026-01-15', '2026-01-16'],
      [3, '2026-01-15', '2026-01-16'],
    ]);
  });

  it('puts each step at its time: astro offsets applied, fixed times in CET', () => {
    expect(pts.map((p) => p.at)).toEqual([
      sunD.sunset! + 10 * 60_000,
      utc('2026-01-15T22:00:00Z'),
      utc('2026-01-16T04:00:00Z'),
      sunNext.sunrise! - 10 * 60_000,
    ]);
    expect(pts.map((p) => p.source)).toEqual(['astro', 'fixed', 'fixed', 'astro']);
  });

  it.each([
    ['the afternoon before sunset', '2026-01-15T16:00:00Z', 0],
    ['the evening', '2026-01-15T20:00:00Z', 100],
    ['exactly 23:00', '2026-01-15T22:00:00Z', 50],
    ['01:00 after midnight', '2026-01-16T00:00:00Z', 50],
    ['the morning rush', '2026-01-16T05:30:00Z', 100],
    ['midday', '2026-01-16T11:00:00Z', 0],
  ])('levelAt in %s is %d', (_, at, level) => {
    expect(levelAt(nightly, madrid, utc(at))).toBe(level);
  });
});

describe('switchPoints across daylight saving time changes', () => {
  const dst = schedule({
    steps: [
      { at: { kind: 'fixed', time: '20:00' }, level: 100 },
      { at: { kind: 'fixed', time: '23:00' }, level: 60 },
      { at: { kind: 'fixed', time: '02:30' }, level: 30 },
      { at: { kind: 'fixed', time: '07:00' }, level: 0 },
    ],
  });
  const night = (inst: Installation, date: string) =>
    switchPoints(dst, inst, utc(`${date}T00:00:00Z`), utc(`${date}T00:00:00Z`) + 4 * 86_400_000).filter(
      (p) => p.programmeDate === date,
    );

  it.each([
    // Madrid, spring forward on 2026-03-29 (02:00 CET -> 03:00 CEST): 02:30 does not exist.
    ['Madrid, night into spring-forward', madrid, '2026-03-28', ['2026-03-28T19:00Z', '2026-03-28T22:00Z', '2026-03-29T01:00Z', '2026-03-29T05:00Z'], 'dstGap'],
    // Madrid, fall back on 2026-10-25 (03:00 CEST -> 02:00 CET): 02:30 happens twice, run once.
    ['Madrid, night into fall-back', madrid, '2026-10-24', ['2026-10-24T18:00Z', '2026-10-24T21:00Z', '2026-10-25T00:30Z', '2026-10-25T06:00Z'], 'dstOverlap'],
    // New York, spring forward on 2026-03-08 (02:00 EST -> 03:00 EDT).
    ['New York, night into spring-forward', newYork, '2026-03-07', ['2026-03-08T01:00Z', '2026-03-08T04:00Z', '2026-03-08T07:00Z', '2026-03-08T11:00Z'], 'dstGap'],
    // New York, fall back on 2026-11-01 (02:00 EDT -> 01:00 EST); 02:30 exists once (EST).
    ['New York, night into fall-back', newYork, '2026-10-31', ['2026-11-01T00:00Z', '2026-11-01T03:00Z', '2026-11-01T07:30Z', '2026-11-01T12:00Z'], undefined],
  ])('%s', (_, inst, date, expected, adjustment) => {
    const pts = night(inst, date);
    expect(pts.map((p) => iso(p.at))).toEqual(expected);
    expect(pts[2]!.adjustment).toBe(adjustment);
  });

  it('keeps 23:00 at 23:00 local on both sides of the change (the UTC instant moves by an hour)', () => {
    const pts = switchPoints(dst, madrid, utc('2026-03-27T12:00:00Z'), utc('2026-03-31T12:00:00Z')).filter(
      (p) => p.stepIndex === 1,
    );
    expect(pts.map((p) => iso(p.at))).toEqual(['2026-03-27T22:00Z', '2026-03-28T22:00Z', '2026-03-29T21:00Z', '2026-03-30T21:00Z']);
  });

  it('New York fall-back: a 01:30 step runs once, at the first 01:30 (EDT)', () => {
    const s = schedule({
      steps: [
        { at: { kind: 'fixed', time: '19:00' }, level: 100 },
        { at: { kind: 'fixed', time: '01:30' }, level: 40 },
      ],
    });
    const pts = switchPoints(s, newYork, utc('2026-11-01T00:00:00Z'), utc('2026-11-01T12:00:00Z'));
    const at0130 = pts.filter((p) => p.stepIndex === 1);
    expect(at0130.map((p) => iso(p.at))).toEqual(['2026-11-01T05:30Z']);
    expect(at0130[0]!.adjustment).toBe('dstOverlap');
  });

  it('the Madrid fall-back night has each step exactly once', () => {
    const pts = switchPoints(dst, madrid, utc('2026-10-24T12:00:00Z'), utc('2026-10-25T12:00:00Z'));
    expect(pts.map((p) => p.stepIndex)).toEqual([0, 1, 2, 3]);
  });
});

describe('exceptions', () => {
  const withExceptions = schedule({
    steps: nightly.steps,
    exceptions: [
      {
        from: '2026-12-20',
        to: '2026-12-31',
        action: 'programme',
        programme: [
          { at: { kind: 'astro', event: 'civilDusk', offsetMinutes: 0 }, level: 100 },
          { at: { kind: 'astro', event: 'civilDawn', offsetMinutes: 0 }, level: 0 },
        ],
        note: 'festive lighting',
      },
      { from: '2026-12-24', action: 'off' },
      { from: '2026-12-26', action: 'skip' },
    ],
  });
  const nightOf = (date: string) =>
    switchPoints(withExceptions, madrid, utc('2026-12-15T00:00:00Z'), utc('2027-01-05T00:00:00Z')).filter(
      (p) => p.programmeDate === date,
    );

  it.each([
    ['before the range: the regular programme', '2026-12-19', [0, 1, 2, 3], undefined],
    ['in the range: the festive programme', '2026-12-22', [0, 1], 0],
    ['a single-day exception beats the range: off', '2026-12-24', [-1], 1],
    ['skip: the schedule does nothing that night', '2026-12-26', [], undefined],
    ['after the range: regular again', '2027-01-01', [0, 1, 2, 3], undefined],
  ])('%s (%s)', (_, date, steps, exceptionIndex) => {
    const pts = nightOf(date);
    expect(pts.map((p) => p.stepIndex)).toEqual(steps);
    if (pts.length > 0) expect(pts[0]!.exceptionIndex).toBe(exceptionIndex);
  });

  it('off switches off at the start of that programme day (noon local) and keeps the lamps dark', () => {
    const [off] = nightOf('2026-12-24');
    expect(off).toMatchObject({ level: 0, source: 'exception', at: utc('2026-12-24T11:00:00Z') });
    expect(levelAt(withExceptions, madrid, utc('2026-12-24T22:00:00Z'))).toBe(0);
  });

  it('the festive programme follows civil dusk rather than sunset', () => {
    const [dusk] = nightOf('2026-12-22');
    const sun = sunEvents('2026-12-22', madrid.latitude, madrid.longitude, madrid.timeZone);
    expect(dusk!.at).toBe(sun.civilDusk);
  });

  it('levelAt looks back past a long skip to the last level the schedule set', () => {
    const s = schedule({
      steps: [
        { at: { kind: 'fixed', time: '18:00' }, level: 100 },
        { at: { kind: 'fixed', time: '23:00' }, level: 30 },
      ],
      exceptions: [{ from: '2026-02-01', to: '2026-02-28', action: 'skip' }],
    });
    expect(levelAt(s, madrid, utc('2026-02-20T11:00:00Z'))).toBe(30);
    expect(levelAt(s, madrid, utc('2026-03-01T18:30:00Z'))).toBe(100);
  });
});

describe('polar conditions', () => {
  const duskToDawn = schedule({
    steps: [
      { at: { kind: 'astro', event: 'sunset', offsetMinutes: 0 }, level: 100 },
      { at: { kind: 'astro', event: 'sunrise', offsetMinutes: 0 }, level: 0 },
    ],
  });

  it('polar night: lamps switch on at the start of the programme day and stay on', () => {
    const pts = switchPoints(duskToDawn, tromso, utc('2026-12-19T11:00:00Z'), utc('2026-12-23T11:00:00Z'));
    expect(pts.every((p) => p.level === 100 && p.adjustment === 'polarNight')).toBe(true);
    expect(pts.length).toBe(4);
    expect(levelAt(duskToDawn, tromso, utc('2026-12-21T10:55:00Z'))).toBe(100);
  });

  it('polar day: lamps switch off at the start of the programme day and stay off', () => {
    const pts = switchPoints(duskToDawn, tromso, utc('2026-06-19T10:00:00Z'), utc('2026-06-23T10:00:00Z'));
    expect(pts.every((p) => p.level === 0 && p.adjustment === 'polarDay')).toBe(true);
    expect(levelAt(duskToDawn, tromso, utc('2026-06-21T22:00:00Z'))).toBe(0);
  });

  it('Reykjavík midsummer: the sunset after local midnight still belongs to the evening before', () => {
    const pts = switchPoints(duskToDawn, reykjavik, utc('2026-06-20T12:00:00Z'), utc('2026-06-21T12:00:00Z'));
    expect(pts.map((p) => [p.stepIndex, p.programmeDate, p.localDate])).toEqual([
      [0, '2026-06-20', '2026-06-21'],
      [1, '2026-06-20', '2026-06-21'],
    ]);
  });
});

describe('preview', () => {
  const now = utc('2026-01-15T11:00:00Z'); // 12:00 in Madrid

  it('48 hours ahead holds two whole nights, in time order', () => {
    const p = preview(nightly, madrid, now);
    expect(p.to - p.from).toBe(48 * 3_600_000);
    expect(p.points).toHaveLength(8);
    expect(p.points.map((x) => x.stepIndex)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    for (let i = 1; i < p.points.length; i++) expect(p.points[i]!.at).toBeGreaterThan(p.points[i - 1]!.at);
    expect(p.levelNow).toBe(0);
  });

  it('a 12-hour preview from the evening starts from the level in force', () => {
    const p = preview(nightly, madrid, utc('2026-01-15T20:00:00Z'), 12);
    expect(p.levelNow).toBe(100);
    expect(p.points.map((x) => x.level)).toEqual([50, 100, 0]);
  });

  it('levelFromPoints agrees with levelAt at every hour of the preview', () => {
    const p = preview(nightly, madrid, now);
    for (let t = now; t < p.to; t += 3_600_000) {
      expect(levelFromPoints(p.points, t, p.levelNow)).toBe(levelAt(nightly, madrid, t));
    }
  });
});

describe('assignmentConflicts', () => {
  it('reports a group driven by two schedules, and nothing else', () => {
    expect(
      assignmentConflicts([
        { id: 'a', assignedGroups: ['g1', 'g2'] },
        { id: 'b', assignedGroups: ['g2', 'g3'] },
        { id: 'c', assignedGroups: ['g4', 'g4'] },
      ]),
    ).toEqual([{ groupId: 'g2', scheduleIds: ['a', 'b'] }]);
  });
});
