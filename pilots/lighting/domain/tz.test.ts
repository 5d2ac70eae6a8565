import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, localDate, offsetAt, parseDate, parseTime, startOfLocalDay, zonedTimeToUtc } from './tz.ts';

const H = 3_600_000;

describe('offsetAt', () => {
  it.each([
    ['Europe/Madrid', '2026-01-15T12:00:00Z', 1 * H],
    ['Europe/Madrid', '2026-07-15T12:00:00Z', 2 * H],
    ['America/New_York', '2026-01-15T12:00:00Z', -5 * H],
    ['America/New_York', '2026-07-15T12:00:00Z', -4 * H],
    ['Australia/Melbourne', '2026-01-15T12:00:00Z', 11 * H],
    ['Asia/Kolkata', '2026-01-15T12:00:00Z', 5.5 * H],
  ])('%s at %s is %d ms east of UTC', (tz, at, expected) => {
    expect(offsetAt(Date.parse(at), tz)).toBe(expected);
  });
});

describe('zonedTimeToUtc', () => {
  it.each([
    ['an ordinary winter evening in Madrid', 'Europe/Madrid', '2026-01-15', '20:00', '2026-01-15T19:00:00Z', 'exact'],
    ['an ordinary summer evening in Madrid', 'Europe/Madrid', '2026-07-15', '20:00', '2026-07-15T18:00:00Z', 'exact'],
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 never shows on the clock.
    ['02:30 on Madrid spring-forward day runs at 03:00 CEST', 'Europe/Madrid', '2026-03-29', '02:30', '2026-03-29T01:00:00Z', 'gap'],
    // 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice, the first is on CEST.
    ['02:30 on Madrid fall-back day is the first one (CEST)', 'Europe/Madrid', '2026-10-25', '02:30', '2026-10-25T00:30:00Z', 'overlap'],
    ['02:30 on New York spring-forward day runs at 03:00 EDT', 'America/New_York', '2026-03-08', '02:30', '2026-03-08T07:00:00Z', 'gap'],
    ['01:30 on New York fall-back day is the first one (EDT)', 'America/New_York', '2026-11-01', '01:30', '2026-11-01T05:30:00Z', 'overlap'],
    ['03:00 right after the Madrid jump exists once', 'Europe/Madrid', '2026-03-29', '03:00', '2026-03-29T01:00:00Z', 'exact'],
  ])('%s', (_, tz, date, time, expected, resolution) => {
    const r = zonedTimeToUtc(date, parseTime(time), tz);
    expect(new Date(r.ms).toISOString()).toBe(new Date(expected).toISOString());
    expect(r.resolution).toBe(resolution);
  });
});

describe('calendar helpers', () => {
  it.each([
    ['2026-02-28', 1, '2026-03-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
  ])('%s plus %d day(s) is %s', (d, n, expected) => {
    expect(addDays(d, n)).toBe(expected);
    expect(daysBetween(d, expected)).toBe(n);
  });

  it('rejects impossible dates and times', () => {
    expect(() => parseDate('2026-02-30')).toThrow(RangeError);
    expect(() => parseTime('24:00')).toThrow(RangeError);
  });

  it('the local date in Melbourne is a day ahead of UTC in the evening', () => {
    expect(localDate(Date.parse('2026-06-21T21:36:00Z'), 'Australia/Melbourne')).toBe('2026-06-22');
  });

  it('the Madrid fall-back day is 25 hours long, spring-forward day 23', () => {
    const len = (d: string) => startOfLocalDay(addDays(d, 1), 'Europe/Madrid') - startOfLocalDay(d, 'Europe/Madrid');
    expect(len('2026-10-25')).toBe(25 * H);
    expect(len('2026-03-29')).toBe(23 * H);
    expect(len('2026-01-15')).toBe(24 * H);
  });
});
