import { describe, expect, it } from 'vitest';
import { parseClockTime } from './clock-time.ts';

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
