import { describe, expect, it } from 'vitest';
import { LOCALES } from '../i18n/types.ts';
import { translate } from '../i18n/translate.ts';
import { BANDS, bandInfo, byUrgency, type News2Summary } from './news2.ts';

const n = (total: number, band: News2Summary['band'], partial = false): News2Summary => ({ total, band, partial, at: 0 });

describe('NEWS2 bands as shown (RCP 2017 chart 2)', () => {
  it.each([
    { band: 'low', en: 'Low', it: 'Basso' },
    { band: 'low-medium', en: 'Low–medium', it: 'Basso–medio' },
    { band: 'medium', en: 'Medium', it: 'Medio' },
    { band: 'high', en: 'High', it: 'Alto' },
  ])('band $band reads "$en" / "$it"', ({ band, en, it: italian }) => {
    expect(bandInfo(band)?.band).toBe(band);
    expect(translate('en', `news2Band.${band as News2Summary['band']}`)).toBe(en);
    expect(translate('it', `news2Band.${band as News2Summary['band']}`)).toBe(italian);
  });

  it('every band has a name and a clinical response in both languages', () => {
    for (const band of Object.keys(BANDS) as News2Summary['band'][]) {
      for (const locale of LOCALES) {
        expect(translate(locale, `news2Band.${band}`)).not.toBe(`news2Band.${band}`);
        expect(translate(locale, `news2Response.${band}`)).not.toBe(`news2Response.${band}`);
      }
    }
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
