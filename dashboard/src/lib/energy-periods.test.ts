import { describe, expect, it } from 'vitest';
import { addDays, localDay, periodLabel, spanStart, splitByAge, weekOf } from './energy-periods.ts';

describe('calendar days', () => {
  it.each([
    ['2026-12-06', 1, '2026-12-07'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2028-03-01', -1, '2028-02-29'],
    ['2026-03-29', 0, '2026-03-29'],
  ])('%s plus %i is %s', (day, n, out) => {
    expect(addDays(day, n)).toBe(out);
  });

  it.each([
    ['2026-12-06', '2026-11-30'], // a Sunday belongs to the week of the Monday before
    ['2026-11-30', '2026-11-30'], // a Monday starts its week
    ['2026-12-02', '2026-11-30'],
    ['2027-01-01', '2026-12-28'], // a week across the year's end
  ])('%s is in the week of %s', (day, monday) => {
    expect(weekOf(day)).toBe(monday);
  });
});

describe('the installation’s local days', () => {
  it.each([
    // 23:30 UTC on 5 December is already 6 December in Rome, still the 5th in New York.
    [Date.UTC(2026, 11, 5, 23, 30), 'Europe/Rome', '2026-12-06'],
    [Date.UTC(2026, 11, 5, 23, 30), 'UTC', '2026-12-05'],
    [Date.UTC(2026, 11, 6, 3, 0), 'America/New_York', '2026-12-05'],
    // Summer time: 22:30 UTC on 30 June is 00:30 on 1 July in Rome (UTC+2).
    [Date.UTC(2026, 5, 30, 22, 30), 'Europe/Rome', '2026-07-01'],
  ])('%i in %s is %s', (ms, zone, day) => {
    expect(localDay(ms, zone)).toBe(day);
  });

  it.each([
    ['7d', '2026-12-06', '2026-11-30'],
    ['30d', '2026-12-06', '2026-11-07'],
    ['12m', '2026-12-06', '2026-01-01'],
    ['12m', '2026-03-31', '2025-04-01'],
  ] as const)('%s up to %s starts on %s', (span, today, from) => {
    expect(spanStart(span, today)).toBe(from);
  });

  it.each([
    ['2026-12-06', 'en-GB', '6 Dec'],
    ['2026-12-06', 'it-IT', '6 dic'],
    ['2026-12', 'en-GB', 'Dec 2026'],
    ['2026-12', 'it-IT', 'dic 2026'],
  ])('%s reads %s as "%s"', (period, locale, out) => {
    expect(periodLabel(period, locale)).toBe(out);
  });
});

describe('recent days per day, older days per week', () => {
  // 30 days up to Sunday 6 December 2026, 1 kWh used and 2 kWh baseline each day.
  const periods = Array.from({ length: 30 }, (_, i) => addDays('2026-11-07', i));
  const daily = { periods, actual: periods.map(() => 1), baseline: periods.map(() => 2) };
  const { recent, older } = splitByAge(daily, '2026-12-06');

  it('keeps the last 7 days as days', () => {
    expect(recent.periods).toEqual(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']);
    expect(recent.actual).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('sums the 23 older days by week, a week cut by the range with fewer days', () => {
    expect(older.periods).toEqual(['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23']);
    expect(older.days).toEqual([2, 7, 7, 7]);
    expect(older.actual).toEqual([2, 7, 7, 7]);
    expect(older.baseline).toEqual([4, 14, 14, 14]);
  });

  it('with only recent days there is nothing older', () => {
    const s = splitByAge({ periods: ['2026-12-05', '2026-12-06'], actual: [1, 2], baseline: [2, 3] }, '2026-12-06');
    expect(s.older.periods).toEqual([]);
    expect(s.recent.actual).toEqual([1, 2]);
  });

  it('a day missing from the data is simply absent, not zero', () => {
    const s = splitByAge({ periods: ['2026-11-20', '2026-12-06'], actual: [5, 1], baseline: [6, 2] }, '2026-12-06');
    expect(s.older).toEqual({ periods: ['2026-11-16'], actual: [5], baseline: [6], days: [1] });
  });
});
