import { describe, expect, it } from 'vitest';
import { ageFrom, formatDate, formatLocale, setFormatLocale, timeTicks, formatAgo, formatDayTime, formatEnergy, formatMass, tickDecimals, formatDateTime, formatDuration, formatNumber, formatTime, formatVital, handleName, titleCase } from './format.ts';

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

describe('labels from codes', () => {
  it.each([
    { code: 'news2', label: 'NEWS2' },
    { code: 'device-offline', label: 'Device offline' },
    { code: 'threshold-spo2', label: 'Threshold SpO₂' },
    { code: 'clinical', label: 'Clinical' },
    { code: 'defectiveLamp', label: 'Defective lamp' },
    { code: 'brokenLantern', label: 'Broken lantern' },
  ])('$code reads "$label"', ({ code, label }) => {
    expect(titleCase(code)).toBe(label);
  });
});

describe('time axis labels', () => {
  const h = (hh: number, dd = 10) => Date.UTC(2026, 2, dd, hh) / 1000;
  it('writes 24-hour times and the date at the start and at midnight', () => {
    expect(timeTicks([h(20), h(22), h(0, 11), h(2, 11)], 7200, { timeZone: 'UTC' })).toEqual(['20:00\n10 Mar', '22:00', '00:00\n11 Mar', '02:00']);
  });
  it('writes dates only when ticks are a day apart', () => {
    expect(timeTicks([h(0, 10), h(0, 11)], 86_400, { timeZone: 'UTC' })).toEqual(['10 Mar', '11 Mar']);
  });
});

describe('energy, mass and axis precision', () => {
  it.each([
    { kWh: 12_400, text: '12.4 MWh' },
    { kWh: 1520.4, text: '1,520 kWh' },
    { kWh: 3.24, text: '3.2 kWh' },
    { kWh: 0.64, text: '640 Wh' },
    { kWh: 0.0032, text: '3.2 Wh' },
  ])('$kWh kWh reads "$text"', ({ kWh, text }) => {
    expect(formatEnergy(kWh)).toBe(text);
  });

  it.each([
    { kg: 1234, text: '1.2 t' },
    { kg: 35.2, text: '35 kg' },
    { kg: 0.25, text: '250 g' },
  ])('$kg kg of CO2 reads "$text"', ({ kg, text }) => {
    expect(formatMass(kg)).toBe(text);
  });

  it.each([
    { incr: 5, d: 0 },
    { incr: 1, d: 0 },
    { incr: 0.5, d: 1 },
    { incr: 0.25, d: 2 },
    { incr: 0.001, d: 3 },
    { incr: 0.0025, d: 4 },
  ])('ticks $incr apart need $d decimals', ({ incr, d }) => {
    expect(tickDecimals(incr)).toBe(d);
  });

  it('writes a day and a time without seconds', () => {
    expect(formatDayTime(Date.UTC(2026, 10, 23, 21, 15, 28), { timeZone: 'UTC' })).toBe('23 Nov, 21:15');
  });
});

describe('24-hour clock in every locale', () => {
  const T = Date.UTC(2026, 11, 6, 0, 5, 9);
  it.each(['en-GB', 'en-US', 'it-IT'])('%s: 00:05 after midnight and 21:05 in the evening, never AM/PM', (locale) => {
    expect(formatTime(T, { locale, timeZone: 'UTC' })).toBe('00:05');
    expect(formatTime(T + 21 * 3_600_000, { locale, timeZone: 'UTC' })).toBe('21:05');
    expect(formatDateTime(T + 13 * 3_600_000, { locale, timeZone: 'UTC' })).toMatch(/13[:.]05[:.]09/);
    expect(formatDateTime(T + 13 * 3_600_000, { locale, timeZone: 'UTC' })).not.toMatch(/[AP]M/i);
  });
});

describe('Italian formats', () => {
  const T = Date.UTC(2026, 11, 6, 13, 5, 9);
  const it_ = { locale: 'it-IT', timeZone: 'UTC' };
  it.each([
    { what: 'time', text: formatTime(T, it_), expected: '13:05' },
    { what: 'date and time', text: formatDateTime(T, it_), expected: '06 dic, 13:05:09' },
    { what: 'date', text: formatDate(T, it_), expected: '06 dic 2026' },
    { what: 'day and time', text: formatDayTime(T, it_), expected: '6 dic, 13:05' },
    { what: 'decimal number', text: formatNumber(1234.5, 1, 'it-IT'), expected: '1234,5' },
    { what: 'large number', text: formatNumber(1234567, 0, 'it-IT'), expected: '1.234.567' },
  ])('$what reads "$expected"', ({ text, expected }) => {
    expect(text).toBe(expected);
  });

  it.each([
    { ago: 2_000, text: 'adesso' },
    { ago: 45_000, text: '45 s fa' },
    { ago: 12 * 60_000, text: '12 min fa' },
    { ago: 2 * 86_400_000, text: '2 g fa' },
    { ago: -5 * 60_000, text: 'tra 5 min' },
  ])('$ago ms before now reads "$text"', ({ ago, text }) => {
    expect(formatAgo(NOW - ago, NOW, { locale: 'it-IT' })).toBe(text);
  });

  it('follow the console language when a caller names no locale', () => {
    const before = formatLocale();
    try {
      setFormatLocale('it-IT');
      expect(formatNumber(2.5, 1)).toBe('2,5');
      expect(formatDate(T, { timeZone: 'UTC' })).toBe('06 dic 2026');
      expect(formatAgo(NOW - 60_000, NOW)).toBe('1 min fa');
      expect(formatVital('temperature', 38.26)).toBe('38,3 °C');
    } finally {
      setFormatLocale(before);
    }
    expect(formatNumber(2.5, 1)).toBe('2.5');
  });
});
