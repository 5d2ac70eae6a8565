import { describe, expect, it } from 'vitest';
import { bandInfo, byUrgency, news2Sentence, type News2Summary } from './news2.ts';

const n = (total: number, band: News2Summary['band'], partial = false): News2Summary => ({ total, band, partial, at: 0 });

describe('NEWS2 bands as shown (RCP 2017 chart 2)', () => {
  it.each([
    { band: 'low', label: 'Low' },
    { band: 'low-medium', label: 'Low–medium' },
    { band: 'medium', label: 'Medium' },
    { band: 'high', label: 'High' },
  ])('band $band reads "$label"', ({ band, label }) => {
    expect(bandInfo(band)?.label).toBe(label);
  });

  it('knows no band it was not told about', () => {
    expect(bandInfo('critical')).toBeNull();
    expect(bandInfo(undefined)).toBeNull();
  });

  it('ranks bands by urgency', () => {
    const ranks = ['low', 'low-medium', 'medium', 'high'].map((b) => bandInfo(b)!.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(ranks).size).toBe(4);
  });
});

describe('ward board order', () => {
  it('puts the high band first, a single-parameter 3 above a higher low total, unscored last', () => {
    const patients = [
      { name: 'Avery', news2: n(4, 'low'), activeAlarms: 0 },
      { name: 'Blake', news2: null, activeAlarms: 0 },
      { name: 'Casey', news2: n(3, 'low-medium'), activeAlarms: 0 },
      { name: 'Devon', news2: n(8, 'high'), activeAlarms: 1 },
      { name: 'Emery', news2: n(5, 'medium'), activeAlarms: 0 },
    ];
    expect([...patients].sort(byUrgency).map((p) => p.name)).toEqual(['Devon', 'Emery', 'Casey', 'Avery', 'Blake']);
  });

  it('breaks ties by active alarms, then by name', () => {
    const patients = [
      { name: 'Zed', news2: n(1, 'low'), activeAlarms: 0 },
      { name: 'Amy', news2: n(1, 'low'), activeAlarms: 0 },
      { name: 'Kim', news2: n(1, 'low'), activeAlarms: 2 },
    ];
    expect([...patients].sort(byUrgency).map((p) => p.name)).toEqual(['Kim', 'Amy', 'Zed']);
  });
});

describe('spoken summary', () => {
  it.each([
    { input: n(7, 'high'), text: 'NEWS2 7, high' },
    { input: n(2, 'low', true), text: 'NEWS2 2, low (partial set)' },
    { input: null, text: 'No NEWS2 score yet' },
  ])('says "$text"', ({ input, text }) => {
    expect(news2Sentence(input)).toBe(text);
  });
});
