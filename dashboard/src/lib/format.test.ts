import { describe, expect, it } from 'vitest';
import { ageFrom, formatAgo, formatDateTime, formatDuration, formatNumber, formatTime, formatVital, handleName } from './format.ts';

const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);

describe('relative times', () => {
  it.each([
    { ago: 2_000, text: 'just now' },
    { ago: 45_000, text: '45 s ago' },
    { ago: 12 * 60_000, text: '12 min ago' },
    { ago: 3 * 3_600_000 + 5, text: '3 h ago' },
    { ago: 2 * 86_400_000, text: '2 d ago' },
    { ago: -5 * 60_000, text: 'in 5 min' },
  ])('$ago ms before now reads "$text"', ({ ago, text }) => {
    expect(formatAgo(NOW - ago, NOW)).toBe(text);
  });
});

describe('durations', () => {
  it.each([
    { ms: 40_000, text: '40 s' },
    { ms: 12 * 60_000, text: '12 min' },
    { ms: 65 * 60_000, text: '1 h 05 min' },
    { ms: -10, text: '0 s' },
  ])('$ms ms reads "$text"', ({ ms, text }) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('clock times in a given zone', () => {
  it('shows a UTC instant in Madrid local time', () => {
    expect(formatTime(NOW, { timeZone: 'Europe/Madrid' })).toBe('13:00');
    expect(formatDateTime(NOW, { timeZone: 'UTC' })).toContain('12:00:00');
  });
});

describe('numbers and vitals', () => {
  it.each([
    { key: 'temperature', v: 38.26, text: '38.3 °C' },
    { key: 'spo2', v: 93.4, text: '93 %' },
    { key: 'heartRate', v: null, text: '—' },
    { key: 'unknownThing', v: 1.25, text: '1.3' },
  ])('$key $v reads "$text"', ({ key, v, text }) => {
    expect(formatVital(key, v)).toBe(text);
  });

  it('shows a dash for a missing or non-finite number', () => {
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatNumber(1234.5, 1)).toBe('1,234.5');
  });
});

describe('ages and handles', () => {
  it.each([
    { birth: '1950-03-10', age: 76 },
    { birth: '1950-03-11', age: 75 },
    { birth: 'not a date', age: null },
  ])('born $birth is $age on 10 March 2026', ({ birth, age }) => {
    expect(ageFrom(birth, NOW)).toBe(age);
  });

  it('strips the kind from an audit handle', () => {
    expect(handleName('user:ward-nurse')).toBe('ward-nurse');
    expect(handleName('anonymous')).toBe('anonymous');
  });
});
