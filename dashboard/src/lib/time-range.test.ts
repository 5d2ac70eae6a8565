import { describe, expect, it } from 'vitest';
import type { T } from '../i18n/index.tsx';
import { translate } from '../i18n/translate.ts';
import { LOCALES } from '../i18n/types.ts';
import { bucketFor, customProblem, describeWindow, formatCursorTime, formatLegendValue, fromInputs, presetWindow, toInputs, zoomBy, zoomSelection } from './time-range.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 11, 6, 9, 30);

describe('presets', () => {
  it.each([
    { key: '1h', span: HOUR },
    { key: '6h', span: 6 * HOUR },
    { key: '24h', span: DAY },
    { key: '7d', span: 7 * DAY },
  ] as const)('$key ends now and spans $span ms', ({ key, span }) => {
    expect(presetWindow(key, NOW)).toEqual({ from: NOW - span, to: NOW });
  });
});

describe('bucket per window', () => {
  it.each([
    { span: HOUR, bucket: MIN, points: 60 },
    { span: 6 * HOUR, bucket: MIN, points: 360 },
    { span: DAY, bucket: 5 * MIN, points: 288 },
    { span: 7 * DAY, bucket: 30 * MIN, points: 336 },
    { span: 31 * DAY, bucket: 2 * HOUR, points: 372 },
    { span: 400 * DAY, bucket: DAY, points: 400 },
  ])('$span ms → $bucket ms buckets ($points points)', ({ span, bucket, points }) => {
    expect(bucketFor(span)).toBe(bucket);
    expect(Math.ceil(span / bucket)).toBe(points);
  });

  it('takes the largest bucket when nothing keeps under the cap', () => {
    expect(bucketFor(10_000 * DAY)).toBe(DAY);
  });
});

describe('drag to zoom', () => {
  it.each([
    { a: 1_000 * MIN, b: 1_060 * MIN, out: { from: 1_000 * MIN, to: 1_060 * MIN } },
    { a: 1_060 * MIN, b: 1_000 * MIN, out: { from: 1_000 * MIN, to: 1_060 * MIN } },
    { a: 1_000 * MIN, b: 1_001 * MIN, out: null },
    { a: Number.NaN, b: 1_001 * MIN, out: null },
  ])('$a → $b gives $out', ({ a, b, out }) => {
    expect(zoomSelection(a, b)).toEqual(out);
  });
});

describe('zoom buttons', () => {
  const outer = { from: 0, to: DAY };
  it.each([
    { name: 'zooming in halves around the centre', w: outer, f: 0.5, out: { from: 6 * HOUR, to: 18 * HOUR } },
    { name: 'zooming out never passes the chosen range', w: { from: 6 * HOUR, to: 18 * HOUR }, f: 4, out: outer },
    { name: 'zooming out near an edge shifts inside it', w: { from: 0, to: 2 * HOUR }, f: 2, out: { from: 0, to: 4 * HOUR } },
    { name: 'zooming in stops at the narrowest zoom', w: { from: 0, to: 3 * MIN }, f: 0.1, out: { from: 30_000, to: 150_000 } },
  ])('$name', ({ w, f, out }) => {
    expect(zoomBy(w, f, outer)).toEqual(out);
  });
});

describe('custom range inputs in a zone', () => {
  it.each([
    { tz: 'UTC', date: '2026-12-06', time: '14:05', ms: Date.UTC(2026, 11, 6, 14, 5) },
    { tz: 'Europe/Rome', date: '2026-12-06', time: '14:05', ms: Date.UTC(2026, 11, 6, 13, 5) },
    { tz: 'Europe/Rome', date: '2026-07-01', time: '00:00', ms: Date.UTC(2026, 5, 30, 22, 0) },
    { tz: 'America/New_York', date: '2026-01-15', time: '23:30', ms: Date.UTC(2026, 0, 16, 4, 30) },
    // 29 March 2026, 02:30 does not exist in Rome (clocks go 02:00 → 03:00): it moves on to 03:30.
    { tz: 'Europe/Rome', date: '2026-03-29', time: '02:30', ms: Date.UTC(2026, 2, 29, 1, 30) },
    // 25 October 2026, 02:30 happens twice in Rome: the earlier one.
    { tz: 'Europe/Rome', date: '2026-10-25', time: '02:30', ms: Date.UTC(2026, 9, 25, 0, 30) },
  ])('$date $time in $tz', ({ tz, date, time, ms }) => {
    expect(fromInputs(date, time, tz)).toBe(ms);
    if (!(date === '2026-03-29')) expect(toInputs(ms, tz)).toEqual({ date, time });
  });

  it.each([
    { date: '2026-02-30', time: '10:00' },
    { date: '2026-12-06', time: '24:00' },
    { date: '06/12/2026', time: '10:00' },
    { date: '2026-12-06', time: '' },
    // The inputs give "HH:MM" exactly: the schedule editor's forgiving forms are not read here.
    { date: '2026-12-06', time: '7:30' },
    { date: '2026-12-06', time: '0730' },
    { date: '2026-12-06', time: ' 07:30' },
    { date: '2026-12-06', time: '12:60' },
  ])('refuses $date $time', ({ date, time }) => {
    expect(fromInputs(date, time, 'UTC')).toBeNull();
  });

  it.each([
    { w: { from: null, to: NOW }, problem: 'noStart' },
    { w: { from: NOW - HOUR, to: null }, problem: 'noEnd' },
    { w: { from: NOW, to: NOW - HOUR }, problem: 'endBeforeStart' },
    { w: { from: NOW + HOUR, to: NOW + 2 * HOUR }, problem: 'future' },
    { w: { from: NOW - 40 * DAY, to: NOW }, problem: 'tooLong' },
    { w: { from: NOW - 3 * DAY, to: NOW - DAY }, problem: null },
  ] as const)('custom $w → $problem', ({ w, problem }) => {
    expect(customProblem(w, NOW)).toBe(problem);
  });

  it.each(['noStart', 'noEnd', 'endBeforeStart', 'future', 'tooLong'] as const)('the problem %s has words in both languages', (p) => {
    for (const locale of LOCALES) expect(translate(locale, `range.problem.${p}`)).not.toBe(`range.problem.${p}`);
    expect(translate('it', `range.problem.${p}`)).not.toBe(translate('en', `range.problem.${p}`));
  });
});

describe('legend', () => {
  it.each([
    { label: 'SpO₂', v: 94, unit: '%', d: 0, out: 'SpO₂ 94 %' },
    { label: 'HR', v: 88.4, unit: '/min', d: 0, out: 'HR 88 /min' },
    { label: 'Temperature', v: 37.25, unit: '°C', d: 1, out: 'Temperature 37.3 °C' },
    { label: 'NEWS2', v: 5, unit: undefined, d: 0, out: 'NEWS2 5' },
    { label: 'Power', v: null, unit: 'W', d: 1, out: 'Power —' },
  ])('$out', ({ label, v, unit, d, out }) => {
    expect(formatLegendValue(label, v, unit, d, 'en-GB')).toBe(out);
  });

  it('writes the value in the locale: a decimal comma in Italian', () => {
    expect(formatLegendValue('Energia consumata', 1.278, 'kWh', 3, 'it-IT')).toBe('Energia consumata 1,278 kWh');
    expect(formatLegendValue('Energy used', 1.278, 'kWh', 3, 'en-GB')).toBe('Energy used 1.278 kWh');
  });

  it('reads the time on a 24-hour clock in the named zone', () => {
    const t = Date.UTC(2026, 11, 6, 13, 5, 9);
    expect(formatCursorTime(t, 'Europe/Rome')).toBe('6 Dec, 14:05');
    expect(formatCursorTime(t, 'UTC', true)).toBe('6 Dec, 13:05:09');
    expect(formatCursorTime(Date.UTC(2026, 11, 6, 22, 0), 'UTC')).toBe('6 Dec, 22:00');
    expect(formatCursorTime(t, 'Europe/Rome', false, 'it-IT')).toBe('6 dic, 14:05');
  });
});

describe('the period a chart names in its text alternative', () => {
  it.each([
    { key: '24h', zoomed: false, out: 'over the last 24 hours' },
    { key: '1h', zoomed: false, out: 'over the last 1 hour' },
    { key: '7d', zoomed: true, out: 'from 6 Dec, 10:00 to 6 Dec, 11:00' },
    { key: 'custom', zoomed: false, out: 'from 6 Dec, 10:00 to 6 Dec, 11:00' },
  ] as const)('$key (zoomed: $zoomed) → $out', ({ key, zoomed, out }) => {
    expect(describeWindow(key, { from: Date.UTC(2026, 11, 6, 10), to: Date.UTC(2026, 11, 6, 11) }, zoomed, 'UTC')).toBe(out);
  });

  it('in Italian', () => {
    const it_: T = (key, params) => translate('it', key, params);
    expect(describeWindow('7d', { from: 0, to: 1 }, false, 'UTC', it_)).toBe('negli ultimi 7 giorni');
    expect(describeWindow('1h', { from: 0, to: 1 }, false, 'UTC', it_)).toBe("nell'ultima ora");
  });
});
