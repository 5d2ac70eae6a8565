import { describe, expect, it } from 'vitest';
import { formatClockTime, parseClockTime, readClockTime } from './clock-time.ts';

describe('24-hour times typed in the schedule editor', () => {
  it.each([
    ['21:30', '21:30'],
    ['00:00', '00:00'],
    ['23:59', '23:59'],
    ['7:05', '07:05'],
    ['7', '07:00'],
    ['07', '07:00'],
    ['0730', '07:30'],
    ['730', '07:30'],
    ['7.30', '07:30'],
    ['7h30', '07:30'],
    [' 22:15 ', '22:15'],
    ['24:00', null],
    ['12:60', null],
    ['25', null],
    ['7:5', null],
    ['9:30 pm', null],
    ['9:30am', null],
    ['', null],
    ['21:30:00', null],
    ['-1:00', null],
    ['ab:cd', null],
  ])('%j reads as %j', (text, out) => {
    expect(parseClockTime(text)).toBe(out);
  });
});

// One parser, two strengths: each row is what the forgiving reader (schedule editor) and the
// strict one (the custom period's date-and-time inputs) make of the same text.
describe('one 24-hour reader, forgiving and strict', () => {
  it.each([
    ['21:30', '21:30', '21:30'],
    ['00:00', '00:00', '00:00'],
    ['23:59', '23:59', '23:59'],
    ['7:05', '07:05', null],
    ['7', '07:00', null],
    ['0730', '07:30', null],
    ['7.30', '07:30', null],
    ['7h30', '07:30', null],
    [' 22:15 ', '22:15', null],
    ['24:00', null, null],
    ['12:60', null, null],
    ['', null, null],
    ['21:30:00', null, null],
    ['9:30 pm', null, null],
  ])('%j: forgiving %j, strict %j', (text, forgiving, strict) => {
    const f = readClockTime(text);
    const s = readClockTime(text, { strict: true });
    expect(f && formatClockTime(f)).toBe(forgiving);
    expect(s && formatClockTime(s)).toBe(strict);
  });

  it('gives the hour and minute as numbers', () => {
    expect(readClockTime('07:05', { strict: true })).toEqual({ hour: 7, minute: 5 });
    expect(readClockTime('730')).toEqual({ hour: 7, minute: 30 });
  });
});
