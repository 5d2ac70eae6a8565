import { describe, expect, it } from 'vitest';
import { advance, closedHead, daySums, daysTouched, decodeHours, encodeHours, hoursSum, mergeDays, rolledDay, monthsOf, openTail, reportCalendar, reportPlan, rolledHours, updateMonths, type Cursor, type DaySums, type MonthDays } from './energy-rollup.ts';
import { powerSegments, type PowerSample } from './energy.ts';
import { addDays, startOfLocalDay, zonedTimeToUtc } from './tz.ts';

const TZ = 'Europe/Madrid';
const MIN = 60_000;
const at = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return zonedTimeToUtc(date, h * 60 + m, TZ).ms;
};
const s = (ts: number, activePower: number, powerState: PowerSample['powerState'] = 'on'): PowerSample => ({ ts, activePower, powerState });
const c = (ts: number, activePower: number, powerState: PowerSample['powerState'] = 'on'): Cursor => ({ ts, activePower, powerState });

describe('advance: new readings against the cursor', () => {
  const t0 = at('2026-03-10', '20:00');
  it.each([
    { name: 'no cursor: the first reading only opens a segment', cursor: null, readings: [s(t0, 60)], segments: [], cursorTs: t0, late: 0 },
    { name: 'in order: one segment from the cursor, at its power', cursor: c(t0, 60), readings: [s(t0 + 10 * MIN, 30)], segments: [[t0, t0 + 10 * MIN, 60]], cursorTs: t0 + 10 * MIN, late: 0 },
    { name: 'a batch out of order is chained sorted', cursor: c(t0, 60), readings: [s(t0 + 20 * MIN, 10), s(t0 + 10 * MIN, 30)], segments: [[t0, t0 + 10 * MIN, 60], [t0 + 10 * MIN, t0 + 20 * MIN, 30]], cursorTs: t0 + 20 * MIN, late: 0 },
    { name: 'a gap over the limit is not bridged', cursor: c(t0, 60), readings: [s(t0 + 31 * MIN, 30)], segments: [], cursorTs: t0 + 31 * MIN, late: 0 },
    { name: 'before the cursor: late, the cursor stays', cursor: c(t0, 60), readings: [s(t0 - 5 * MIN, 30)], segments: [], cursorTs: t0, late: 1 },
    { name: 'at the cursor (a duplicate): late', cursor: c(t0, 60), readings: [s(t0, 60)], segments: [], cursorTs: t0, late: 1 },
  ])('$name', ({ cursor, readings, segments, cursorTs, late }) => {
    const out = advance(cursor, readings, 30 * MIN);
    expect(out.segments.map((g) => [g.start, g.end, g.watts])).toEqual(segments);
    expect(out.cursor?.ts).toBe(cursorTs);
    expect(out.late).toHaveLength(late);
  });

  it('chained segments are the raw integration of the same readings', () => {
    const rs = Array.from({ length: 50 }, (_, i) => s(t0 + i * 7 * MIN + (i % 5 === 0 ? 25 * MIN : 0), 10 + (i % 7) * 5, i % 3 ? 'on' : 'off'));
    const out = advance(null, rs, 30 * MIN);
    expect(out.segments).toEqual(powerSegments(rs, { intervalMs: 10 * MIN }));
  });
});

describe('daySums: per local day, split at local midnight', () => {
  it.each([
    // 64 W for the last hour before midnight and the first after: 0.064 kWh on each day.
    { name: 'across midnight', from: at('2026-03-10', '23:00'), to: at('2026-03-11', '01:00'), days: { '2026-03-10': 0.064, '2026-03-11': 0.064 } },
    // DST ends on 2026-10-25 in Madrid: that local day has 25 hours.
    { name: 'a 25-hour DST day', from: startOfLocalDay('2026-10-25', TZ), to: startOfLocalDay('2026-10-26', TZ), days: { '2026-10-25': 1.6 } },
    // DST starts on 2026-03-29: 23 hours.
    { name: 'a 23-hour DST day', from: startOfLocalDay('2026-03-29', TZ), to: startOfLocalDay('2026-03-30', TZ), days: { '2026-03-29': 1.472 } },
  ])('$name', ({ from, to, days }) => {
    const out = daySums([{ start: from, end: to, watts: 64, lit: true }], TZ);
    expect([...out.keys()]).toEqual(Object.keys(days));
    for (const [d, kWh] of Object.entries(days)) {
      expect(out.get(d)!.kWh).toBeCloseTo(kWh, 9);
      expect(out.get(d)!.litKWh).toBeCloseTo(kWh, 9);
      expect(out.get(d)!.litMs).toBeCloseTo((kWh / 0.064) * 3_600_000, 3);
    }
  });

  it('standby counts as energy, not as burning time', () => {
    const out = daySums([{ start: at('2026-03-10', '10:00'), end: at('2026-03-10', '12:00'), watts: 0.5, lit: false }], TZ);
    const z = [0, 0, 0];
    expect(out.get('2026-03-10')).toEqual({ kWh: 0.001, litKWh: 0, litMs: 0, hours: [...Array(10).fill(z), [0.0005, 0, 0], [0.0005, 0, 0]] });
  });
});

describe('daySums per hour: real hours from local midnight, DST days included', () => {
  const H = 3_600_000;
  it.each([
    { name: 'an ordinary day: 24 hours', day: '2026-03-10', hours: 24 },
    // Spring forward: 02:00 CET jumps to 03:00 CEST, the day has 23 real hours.
    { name: 'the 23-hour DST day', day: '2026-03-29', hours: 23 },
    // Fall back: 03:00 CEST goes back to 02:00 CET, the day has 25 real hours.
    { name: 'the 25-hour DST day', day: '2026-10-25', hours: 25 },
  ])('a whole day at 64 W: $name', ({ day, hours }) => {
    const from = startOfLocalDay(day, TZ);
    const to = startOfLocalDay(addDays(day, 1), TZ);
    const d = daySums([{ start: from, end: to, watts: 64, lit: true }], TZ).get(day)!;
    expect(d.hours).toHaveLength(hours);
    for (const h of d.hours!) {
      expect(h[0]).toBeCloseTo(0.064, 12);
      expect(h[2]).toBe(H);
    }
    expect(hoursSum(d.hours!, 0, Infinity).kWh).toBeCloseTo(d.kWh, 12);
  });

  it.each([
    // 01:30 CEST to 03:30 CET is three real hours: half of hour 1, hours 2 and 3 (02:00–03:00 twice), half of hour 4.
    { name: 'across the repeated hour of the 25-hour day', day: '2026-10-25', from: at('2026-10-25', '01:30'), to: startOfLocalDay('2026-10-25', TZ) + 4.5 * H, hours: [0, 0.5, 1, 1, 0.5] },
    // 01:30 CET to 03:30 CEST is one real hour: half of hour 1 (01:00–02:00), half of hour 2 (03:00–04:00).
    { name: 'across the skipped hour of the 23-hour day', day: '2026-03-29', from: at('2026-03-29', '01:30'), to: at('2026-03-29', '03:30'), hours: [0, 0.5, 0.5] },
    { name: 'across midnight: the day after starts at its hour 0', day: '2026-03-11', from: at('2026-03-10', '23:30'), to: at('2026-03-11', '00:15'), hours: [0.25] },
  ])('$name', ({ day, from, to, hours }) => {
    const d = daySums([{ start: from, end: to, watts: 64, lit: true }], TZ).get(day)!;
    expect(d.hours!.map((h) => +(h[2] / H).toFixed(9))).toEqual(hours);
    expect(d.hours!.map((h) => +h[0].toFixed(12))).toEqual(hours.map((x) => +(x * 0.064).toFixed(12)));
  });
});

describe('daysTouched: the local days a late reading can change', () => {
  it.each([
    { ts: at('2026-03-10', '12:00'), days: ['2026-03-10'] },
    { ts: at('2026-03-10', '23:50'), days: ['2026-03-10', '2026-03-11'] },
    { ts: at('2026-03-11', '00:10'), days: ['2026-03-10', '2026-03-11'] },
  ])('$ts', ({ ts, days }) => expect(daysTouched(ts, 30 * MIN, TZ)).toEqual(days));
});

describe('reportPlan: whole days from the roll-up, the rest raw', () => {
  const gap = 30 * MIN;
  it.each([
    {
      name: 'no cursor: all raw',
      from: at('2026-03-01', '10:00'), end: at('2026-03-05', '10:00'), cursor: null,
      days: [], raw: [[at('2026-03-01', '10:00'), at('2026-03-05', '10:00'), true]],
    },
    {
      name: 'partial first day raw, whole days rolled, the cursor day open (its record up to the cursor, raw on)',
      from: at('2026-03-01', '10:00'), end: at('2026-03-05', '10:00'), cursor: at('2026-03-05', '09:59'),
      days: ['2026-03-02', '2026-03-03', '2026-03-04'],
      raw: [[at('2026-03-01', '10:00'), at('2026-03-02', '00:00'), false], [at('2026-03-05', '00:00'), at('2026-03-05', '10:00'), true]],
      open: '2026-03-05',
    },
    {
      name: 'a report from midnight has no raw head; a cursor just past midnight leaves the day before whole',
      from: at('2026-03-01', '00:00'), end: at('2026-03-05', '00:10'), cursor: at('2026-03-05', '00:05'),
      days: ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04'],
      raw: [[at('2026-03-05', '00:00'), at('2026-03-05', '00:10'), true]],
      open: '2026-03-05',
    },
    {
      // The roll-up counted the segment from the last reading before the end to one after it; a
      // report ending there holds that reading to its end instead: the last gap is read raw.
      name: 'a cursor after the report\'s end: the held tail (the last gap) and its day on raw, no open day',
      from: at('2026-03-01', '00:00'), end: at('2026-03-05', '00:10'), cursor: at('2026-03-05', '08:00'),
      days: ['2026-03-01', '2026-03-02', '2026-03-03'],
      raw: [[at('2026-03-04', '00:00'), at('2026-03-05', '00:10'), true]],
    },
    {
      name: 'a cursor behind the report (a silent lamp): raw from its day on',
      from: at('2026-03-01', '00:00'), end: at('2026-03-05', '10:00'), cursor: at('2026-03-02', '13:00'),
      days: ['2026-03-01'],
      raw: [[at('2026-03-02', '00:00'), at('2026-03-05', '10:00'), true]],
      open: '2026-03-02',
    },
    {
      name: 'across the DST change: the 23-hour day is a whole day',
      from: at('2026-03-28', '12:00'), end: at('2026-03-31', '12:00'), cursor: at('2026-03-31', '11:59'),
      days: ['2026-03-29', '2026-03-30'],
      raw: [[at('2026-03-28', '12:00'), at('2026-03-29', '00:00'), false], [at('2026-03-31', '00:00'), at('2026-03-31', '12:00'), true]],
      open: '2026-03-31',
    },
    {
      name: 'a cursor on the first whole day: no whole day rolled, the open day is',
      from: at('2026-03-01', '10:00'), end: at('2026-03-05', '10:00'), cursor: at('2026-03-02', '08:00'),
      days: [],
      raw: [[at('2026-03-01', '10:00'), at('2026-03-02', '00:00'), false], [at('2026-03-02', '00:00'), at('2026-03-05', '10:00'), true]],
      open: '2026-03-02',
    },
    {
      name: 'a cursor in the partial first day: all raw',
      from: at('2026-03-01', '10:00'), end: at('2026-03-05', '10:00'), cursor: at('2026-03-01', '12:00'),
      days: [], raw: [[at('2026-03-01', '10:00'), at('2026-03-05', '10:00'), true]],
    },
  ])('$name', ({ from, end, cursor, days, raw, open }) => {
    const plan = reportPlan(reportCalendar(from, end, TZ), cursor, gap);
    expect(plan.days).toEqual(days);
    expect(plan.raw.map((r) => [r.from, r.to, r.holdToEnd])).toEqual(raw);
    expect(plan.open?.day ?? null).toBe(open ?? null);
  });
});

describe('openTail: the open day read up to where its record counted', () => {
  const from = at('2026-03-01', '00:00');
  const end = at('2026-03-05', '10:00');
  const plan = reportPlan(reportCalendar(from, end, TZ), at('2026-03-03', '13:00'), 30 * MIN);
  const day = { kWh: 1, litKWh: 1, litMs: 1 };
  it.each([
    { name: 'a record up to the cursor: raw from there', rec: { ...day, through: at('2026-03-03', '13:00') }, tailFrom: at('2026-03-03', '13:00'), use: true },
    { name: 'a record up to earlier (a gap since): raw from there', rec: { ...day, through: at('2026-03-03', '09:00') }, tailFrom: at('2026-03-03', '09:00'), use: true },
    { name: 'no record (nothing counted that day): the whole day raw', rec: undefined, tailFrom: at('2026-03-03', '00:00'), use: false },
    { name: 'a record written past the report\'s end since the cursors were read: not used', rec: { ...day, through: end + 10 * MIN }, tailFrom: at('2026-03-03', '00:00'), use: false },
    // Advanced since the cursors were read by a segment over midnight: the day is whole in it.
    { name: 'a record counted past its day\'s end: raw from the next midnight', rec: { ...day, through: at('2026-03-04', '00:05') }, tailFrom: at('2026-03-04', '00:00'), use: true },
  ])('$name', ({ rec, tailFrom, use }) => {
    const out = openTail(plan, rec, end, 30 * MIN);
    expect(out.useRecord).toBe(use);
    expect(out.raw.at(-1)).toEqual({ from: tailFrom, to: end, holdToEnd: true });
    expect(out.raw.slice(0, -1)).toEqual(plan.raw.slice(0, -1));
  });
});

describe('month records: the days of one lamp and local month', () => {
  const kWh = (x: number): DaySums => ({ kWh: x, litKWh: x, litMs: x * 1000 });
  const T0 = at('2026-11-01', '12:00');
  const T1 = at('2026-11-02', '12:00');
  /** Each month's days as [day, kWh, through], in order. */
  const flat = (m: Map<string, MonthDays>) =>
    Object.fromEntries([...m].map(([month, days]) => [month, Object.entries(days).sort(([a], [b]) => a.localeCompare(b)).map(([d, v]) => [d, +v.kWh.toFixed(6), v.through])]));

  it.each([
    {
      // 00:00–00:50 local on 1 November is still 31 October in UTC: the local day decides.
      name: 'a month edge in the zone, not in UTC',
      through: T0,
      current: {},
      set: daySums([{ start: at('2026-10-31', '23:10'), end: at('2026-11-01', '00:50'), watts: 60, lit: true }], TZ),
      add: new Map<string, DaySums>(),
      months: { '2026-10': [['2026-10-31', 0.05, T0]], '2026-11': [['2026-11-01', 0.05, T0]] },
    },
    {
      name: 'the 25-hour DST day sits in its month beside the others',
      through: T0,
      current: {},
      set: daySums([{ start: startOfLocalDay('2026-10-24', TZ), end: startOfLocalDay('2026-10-26', TZ), watts: 64, lit: true }], TZ),
      add: new Map<string, DaySums>(),
      months: { '2026-10': [['2026-10-24', 1.536, T0], ['2026-10-25', 1.6, T0]] },
    },
    {
      name: 'advanced: the segments counted are added to the day, other days keep their values and through',
      through: T1,
      current: { '2026-11': { '2026-11-01': { ...kWh(1), through: T0 }, '2026-11-02': { ...kWh(2), through: T0 } } },
      set: new Map<string, DaySums>(),
      add: new Map([['2026-11-02', kWh(0.5)], ['2026-11-03', kWh(0.25)]]),
      months: { '2026-11': [['2026-11-01', 1, T0], ['2026-11-02', 2.5, T1], ['2026-11-03', 0.25, T1]] },
    },
    {
      // A late reading just after local midnight touches both days, so both months are rewritten;
      // the recomputed value replaces the day, and the same batch's added segments are in it.
      name: 'a late reading across the month edge: both days recomputed, in their two months',
      through: T1,
      current: { '2026-10': { '2026-10-30': { ...kWh(3), through: T0 }, '2026-10-31': { ...kWh(9), through: T0 } }, '2026-11': { '2026-11-01': { ...kWh(9), through: T0 } } },
      set: new Map(daysTouched(at('2026-11-01', '00:05'), 30 * MIN, TZ).map((d) => [d, kWh(d === '2026-10-31' ? 1.25 : 0.75)])),
      add: new Map([['2026-11-01', kWh(5)]]),
      months: { '2026-10': [['2026-10-30', 3, T0], ['2026-10-31', 1.25, T1]], '2026-11': [['2026-11-01', 0.75, T1]] },
    },
    {
      name: 'a year edge',
      through: T1,
      current: {},
      set: new Map(),
      add: new Map([['2026-12-31', kWh(1)], ['2027-01-01', kWh(2)]]),
      months: { '2026-12': [['2026-12-31', 1, T1]], '2027-01': [['2027-01-01', 2, T1]] },
    },
  ])('$name', ({ through, current, set, add, months }) => {
    const out = updateMonths(new Map(Object.entries(current)), set, add, through);
    expect(flat(out)).toEqual(months);
    // Only the months touched are written.
    expect([...out.keys()]).toEqual(monthsOf([...set.keys(), ...add.keys()]));
  });

  it('does not change the records it was given', () => {
    const current = new Map([['2026-11', { '2026-11-01': { ...kWh(1), through: T0 } }]]);
    updateMonths(current, new Map(), new Map([['2026-11-01', kWh(1)]]), T1);
    expect(current.get('2026-11')!['2026-11-01']).toEqual({ ...kWh(1), through: T0 });
  });
});

describe('closedHead: the partial first day as its record minus the part before the start, when shorter', () => {
  const rec = { kWh: 1, litKWh: 1, litMs: 1, through: at('2026-04-05', '10:00') };
  it.each([
    { name: 'early in the day: record minus [midnight, from)', from: at('2026-03-01', '03:00'), rec, minus: [at('2026-03-01', '00:00'), at('2026-03-01', '03:00')] },
    { name: 'late in the day: [from, midnight) raw', from: at('2026-03-01', '21:00'), rec, minus: null },
    { name: 'no record: raw', from: at('2026-03-01', '03:00'), rec: undefined, minus: null },
    // 2026-03-29 has 23 hours: at 11:30 local, 10.5 h have passed and 12.5 h are left.
    { name: 'on the 23-hour DST day, in real hours', from: at('2026-03-29', '11:30'), rec, minus: [at('2026-03-29', '00:00'), at('2026-03-29', '11:30')] },
    // At 12:30 local, 11.5 h have passed and 11.5 h are left: not shorter, raw.
    { name: 'on the 23-hour DST day, at the real middle', from: at('2026-03-29', '12:30'), rec, minus: null },
  ])('$name', ({ from, rec, minus }) => {
    const plan = reportPlan(reportCalendar(from, from + 5 * 86_400_000, TZ), from + 3 * 86_400_000, 30 * MIN);
    expect(plan.head).not.toBeNull();
    const out = closedHead(plan.raw, plan, rec, from);
    expect(out.minus ? [out.minus.from, out.minus.to] : null).toEqual(minus);
    expect(out.raw).toEqual(minus ? plan.raw.slice(1) : plan.raw);
  });

  it('a cursor in the partial first day: the day is not whole in the roll-up, no head', () => {
    const from = at('2026-03-01', '03:00');
    expect(reportPlan(reportCalendar(from, from + 5 * 86_400_000, TZ), at('2026-03-01', '05:00'), 30 * MIN).head).toBeNull();
  });
});

describe('reportPlan and rolledHours: the whole hours of a partial first or last day from its hours', () => {
  const H = 3_600_000;
  const gap = 30 * MIN;
  it.each([
    {
      name: 'starting mid-hour: raw up to the next whole hour, the hours after it rolled',
      from: at('2026-03-01', '10:20'), end: at('2026-03-05', '10:00'), cursor: at('2026-03-05', '09:59'),
      headHours: { day: '2026-03-01', k: 11, at: at('2026-03-01', '11:00') }, tailHours: null,
    },
    {
      name: 'starting on a whole hour: no raw head at all',
      from: at('2026-03-01', '10:00'), end: at('2026-03-05', '10:00'), cursor: at('2026-03-05', '09:59'),
      headHours: { day: '2026-03-01', k: 10, at: at('2026-03-01', '10:00') }, tailHours: null,
    },
    {
      // 2026-10-25 (25 hours): 03:20 CET is 4 h 20 min after midnight (02:00–03:00 came twice).
      name: 'starting mid-hour on the 25-hour DST day: hours counted from midnight in real hours',
      from: at('2026-10-25', '03:20'), end: at('2026-10-29', '10:00'), cursor: at('2026-10-29', '09:59'),
      headHours: { day: '2026-10-25', k: 5, at: startOfLocalDay('2026-10-25', TZ) + 5 * H }, tailHours: null,
    },
    {
      // Ending 20:50 on the 23-hour day with the cursor after it: the last gap starts at 20:20, so
      // hours 0–18 (00:00–20:00 local, one skipped) are rolled, raw from 20:00 local.
      name: 'ending mid-hour before the cursor on the 23-hour DST day: the held tail\'s hour on raw',
      from: at('2026-03-27', '00:00'), end: at('2026-03-29', '20:50'), cursor: at('2026-03-30', '08:00'),
      headHours: null, tailHours: { day: '2026-03-29', k: 19, at: at('2026-03-29', '20:00') },
    },
    {
      name: 'ending within the first half hour before the cursor: the last gap reaches the previous hour',
      from: at('2026-03-01', '00:00'), end: at('2026-03-05', '10:10'), cursor: at('2026-03-06', '08:00'),
      headHours: null, tailHours: { day: '2026-03-05', k: 9, at: at('2026-03-05', '09:00') },
    },
    {
      name: 'the cursor inside the report: its open day is read from its record, no tail hours',
      from: at('2026-03-01', '00:00'), end: at('2026-03-05', '10:10'), cursor: at('2026-03-05', '08:00'),
      headHours: null, tailHours: null,
    },
    {
      name: 'a cursor in the partial first day: all raw, no hours',
      from: at('2026-03-01', '10:20'), end: at('2026-03-05', '10:00'), cursor: at('2026-03-01', '12:00'),
      headHours: null, tailHours: null,
    },
  ])('$name', ({ from, end, cursor, headHours, tailHours }) => {
    const plan = reportPlan(reportCalendar(from, end, TZ), cursor, gap);
    expect(plan.headHours).toEqual(headHours);
    expect(plan.tailHours).toEqual(tailHours);
  });

  // Segments every 10 minutes at varying power over 2026-10-23..27 (the 25-hour day inside), lit
  // in the evening and at night, off by day; what a fresh roll-up holds.
  const segs = (() => {
    const out = [];
    for (let t = startOfLocalDay('2026-10-23', TZ), i = 0; t < startOfLocalDay('2026-10-28', TZ); t += 10 * MIN, i++) {
      const hour = new Date(t).getUTCHours();
      if (hour === 12) continue; // a gap: nothing counted
      const lit = hour >= 17 || hour < 6;
      out.push({ start: t, end: t + 10 * MIN, watts: lit ? 30 + (i % 7) * 5 : 0.5, lit });
    }
    return out;
  })();
  const rolled = daySums(segs, TZ);
  /** The report's sums over [from, end) integrated raw: the segments clipped to the span. */
  const rawSum = (from: number, end: number) => sumAll(daySums(clip(segs, from, end), TZ));
  const clip = (ss: typeof segs, from: number, to: number) =>
    ss.map((g) => ({ ...g, start: Math.max(g.start, from), end: Math.min(g.end, to) })).filter((g) => g.end > g.start);
  const sumAll = (m: ReadonlyMap<string, DaySums>) => [...m.values()].reduce((a, d) => ({ kWh: a.kWh + d.kWh, litKWh: a.litKWh + d.litKWh, litMs: a.litMs + d.litMs }), { kWh: 0, litKWh: 0, litMs: 0 });

  it.each([
    { name: 'starting and ending mid-hour, the 25-hour DST day the first', from: at('2026-10-25', '02:40') + H, end: at('2026-10-27', '19:25') },
    { name: 'starting and ending mid-hour on the DST day itself, over its repeated hour', from: at('2026-10-24', '07:13'), end: at('2026-10-25', '22:47') },
    { name: 'starting on the DST day before its repeated hour', from: at('2026-10-25', '01:05'), end: at('2026-10-26', '03:59') },
    { name: 'on whole hours', from: at('2026-10-23', '06:00'), end: at('2026-10-26', '18:00') },
  ])('the sums agree with the raw integration: $name', ({ from, end }) => {
    const plan = reportPlan(reportCalendar(from, end, TZ), startOfLocalDay('2026-10-27', TZ) + 23 * H, gap);
    const rec = (d: string | undefined) => (d && rolled.has(d) ? rolledDay(rolled.get(d)!, end) : undefined);
    const out = rolledHours(plan.raw, plan, rec(plan.head?.day), rec(plan.tailHours?.day));
    expect(out.head).toBe(plan.headHours !== null);
    const days = new Map<string, DaySums>();
    for (const d of plan.days) days.set(d, rolled.get(d)!);
    mergeDays(days, out.sums);
    // What is left raw is under an hour at the start, and the last gap and at most an hour before it at the end.
    for (const span of out.raw) expect(span.to - span.from).toBeLessThan(span.holdToEnd ? H + gap : H);
    for (const span of out.raw) expect(span.to).toBeGreaterThan(span.from);
    for (const span of out.raw) mergeDays(days, daySums(clip(segs, span.from, span.to), TZ));
    const want = rawSum(from, end);
    const got = sumAll(days);
    expect(got.kWh).toBeCloseTo(want.kWh, 9);
    expect(got.litKWh).toBeCloseTo(want.litKWh, 9);
    expect(got.litMs).toBeCloseTo(want.litMs, 3);
  });

  it('a record without hours (written before hours were kept) leaves its span raw', () => {
    const from = at('2026-10-24', '07:13');
    const end = at('2026-10-26', '22:47');
    const plan = reportPlan(reportCalendar(from, end, TZ), startOfLocalDay('2026-10-27', TZ) + 23 * H, gap);
    const strip = (d: DaySums | undefined) => (d ? { kWh: d.kWh, litKWh: d.litKWh, litMs: d.litMs, through: end } : undefined);
    const out = rolledHours(plan.raw, plan, strip(rolled.get('2026-10-24')), strip(rolled.get('2026-10-26')));
    expect(out).toEqual({ raw: plan.raw, sums: new Map(), head: false });
    expect(rolledHours(plan.raw, plan, undefined, undefined)).toEqual({ raw: plan.raw, sums: new Map(), head: false });
  });
});

describe('month records keep the hours', () => {
  const T0 = at('2026-11-01', '12:00');
  const seg = (a: string, b: string) => daySums([{ start: at('2026-11-02', a), end: at('2026-11-02', b), watts: 60, lit: true }], TZ);
  it('a new day gets the hours of the segments added; adding more adds hour by hour', () => {
    const first = updateMonths(new Map(), new Map(), seg('01:30', '02:30'), T0);
    const again = updateMonths(first, new Map(), seg('02:30', '03:00'), T0 + 1);
    const day = again.get('2026-11')!['2026-11-02']!;
    expect(decodeHours(day.h!)!.map((h) => +h[0].toFixed(9))).toEqual([0, 0.03, 0.06]);
    expect(day.kWh).toBeCloseTo(0.09, 12);
  });

  it('a day written before hours were kept stays without hours when added to, and gets them when recomputed', () => {
    const old = new Map([['2026-11', { '2026-11-02': { kWh: 1, litKWh: 1, litMs: 1, through: T0 } }]]);
    const added = updateMonths(old, new Map(), seg('01:30', '02:30'), T0 + 1).get('2026-11')!['2026-11-02']!;
    expect(added).toEqual({ kWh: 1.06, litKWh: 1.06, litMs: 1 + 3_600_000, through: T0 + 1 });
    const set = updateMonths(old, seg('00:00', '02:30'), new Map(), T0 + 1).get('2026-11')!['2026-11-02']!;
    expect(decodeHours(set.h!)).toHaveLength(3);
  });
});

describe('encodeHours / decodeHours: the hours as text in the month record', () => {
  it.each([
    { name: 'no hours', hours: [], text: '' },
    { name: 'not burning: kWh only', hours: [[0.0005, 0, 0]], text: '0.0005' },
    { name: 'burning throughout: kWh and litMs', hours: [[0.064, 0.064, 3_600_000]], text: '0.064,3600000' },
    { name: 'burning part of the hour', hours: [[0.03205, 0.032, 1_800_000], [0, 0, 0]], text: '0.03205,0.032,1800000;0' },
    { name: 'exact, not rounded', hours: [[0.1 + 0.2, 0.1 + 0.2, 1]], text: '0.30000000000000004,1' },
  ] as { name: string; hours: [number, number, number][]; text: string }[])('$name', ({ hours, text }) => {
    expect(encodeHours(hours)).toBe(text);
    expect(decodeHours(text)).toEqual(hours);
  });

  it.each(['x', '1,,2', '1,2,3,4', '1;;2', 'NaN'])('a text it did not write (%j) reads as no hours', (text) => {
    expect(decodeHours(text)).toBeUndefined();
  });
});
