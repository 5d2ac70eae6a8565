import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { it as italian } from './it.ts';
import { browserLocale, interpolate, keyShape, known, localeKey, lookup, parseLocale, pickPlural, translate } from './translate.ts';
import type { Locale, MessageKey, Params } from './types.ts';

describe('looking texts up', () => {
  it.each([
    { locale: 'en', key: 'nav.alarms', text: 'Alarm inbox' },
    { locale: 'it', key: 'nav.alarms', text: 'Allarmi' },
    { locale: 'it', key: 'alarmState.active-acknowledged', text: 'Preso in carico' },
    { locale: 'it', key: 'navSection.Home care', text: 'Assistenza domiciliare' },
  ] as const)('$locale $key reads "$text"', ({ locale, key, text }) => {
    expect(translate(locale, key)).toBe(text);
  });

  it('falls back to English, then to the key, for a text a dictionary lacks', () => {
    const dicts = { en: { a: { b: 'English only' } }, it: { a: {} } };
    expect(translate('it', 'a.b' as MessageKey, undefined, dicts)).toBe('English only');
    expect(translate('it', 'a.missing' as MessageKey, undefined, dicts)).toBe('a.missing');
    // A section is not a text: asking for one shows the key rather than "[object Object]".
    expect(translate('en', 'nav' as MessageKey)).toBe('nav');
    expect(lookup(en, 'nav.alarms.deeper')).toBeUndefined();
    expect(lookup(en, 'constructor')).toBeUndefined();
  });
});

describe('codes the server sends', () => {
  const it_ = (key: MessageKey) => translate('it', key);
  it.each([
    { key: 'condition.copd', code: 'copd', text: 'BPCO' },
    { key: 'deviceKind.bp-cuff', code: 'bp-cuff', text: 'Sfigmomanometro' },
    { key: 'condition.new-condition', code: 'new-condition', text: 'new-condition' },
  ])('$key reads "$text" in Italian', ({ key, code, text }) => {
    expect(known(it_, key, code)).toBe(text);
  });
});

describe('named parameters', () => {
  it.each([
    { text: 'Raised {ago}', params: { ago: '3 min ago' }, locale: 'en', out: 'Raised 3 min ago' },
    { text: '{who} at {time}, {who}', params: { who: 'nurse', time: '21:05' }, locale: 'en', out: 'nurse at 21:05, nurse' },
    { text: '{n} readings', params: { n: 12345.5 }, locale: 'en', out: '12,345.5 readings' },
    { text: '{n} letture', params: { n: 12345.5 }, locale: 'it', out: '12.345,5 letture' },
    { text: 'Hello {name}', params: {}, locale: 'en', out: 'Hello {name}' },
    { text: 'No braces', params: { x: 1 }, locale: 'en', out: 'No braces' },
  ] as { text: string; params: Params; locale: Locale; out: string }[])('"$text" with $params reads "$out" ($locale)', ({ text, params, locale, out }) => {
    expect(interpolate(text, params, locale)).toBe(out);
  });
});

describe('plural forms (Intl.PluralRules)', () => {
  const forms = { one: '{count} alarm', other: '{count} alarms' };
  const itForms = { one: '{count} allarme', many: '{count} di allarmi', other: '{count} allarmi' };
  it.each([
    { locale: 'en', forms, count: 0, out: '0 alarms' },
    { locale: 'en', forms, count: 1, out: '1 alarm' },
    { locale: 'en', forms, count: 2, out: '2 alarms' },
    { locale: 'it', forms: itForms, count: 1, out: '1 allarme' },
    { locale: 'it', forms: itForms, count: 3, out: '3 allarmi' },
    { locale: 'it', forms: itForms, count: 1_000_000, out: '1.000.000 di allarmi' },
    { locale: 'it', forms, count: 1_000_000, out: '1.000.000 alarms' },
  ] as const)('$count in $locale reads "$out"', ({ locale, forms: f, count, out }) => {
    expect(interpolate(pickPlural(f, locale, count), { count }, locale)).toBe(out);
  });

  it('picks the form from `count` through translate', () => {
    expect(translate('en', 'alarmIndicator.open', { count: 1 })).toBe('1 open alarm');
    expect(translate('it', 'alarmIndicator.open', { count: 4 })).toBe('4 allarmi aperti');
    expect(translate('it', 'alarmIndicator.open')).toBe('{count} allarmi aperti');
  });
});

describe('English and Italian dictionaries match', () => {
  const enShape = keyShape(en);
  const itShape = keyShape(italian);
  it('have the same keys', () => {
    expect([...itShape.keys()].sort()).toEqual([...enShape.keys()].sort());
    expect(enShape.size).toBeGreaterThan(100);
  });
  it('name the same parameters in every text', () => {
    const differ = [...enShape].filter(([k, names]) => JSON.stringify(itShape.get(k)) !== JSON.stringify(names)).map(([k]) => k);
    expect(differ).toEqual([]);
  });
  it('have no empty text', () => {
    const texts = (e: ReturnType<typeof lookup>) => (typeof e === 'string' ? [e] : Object.values(e ?? {}));
    const empty = (d: unknown) => [...keyShape(d).keys()].filter((k) => texts(lookup(d, k)).some((t) => !t.trim()));
    expect(empty(en)).toEqual([]);
    expect(empty(italian)).toEqual([]);
  });
});

describe('the starting language and the stored choice', () => {
  it.each([
    { languages: ['it-IT', 'en'], locale: 'it' },
    { languages: ['it'], locale: 'it' },
    { languages: ['en-US', 'it'], locale: 'en' },
    { languages: ['fr-FR', 'it-CH'], locale: 'it' },
    { languages: ['de-DE'], locale: 'en' },
    { languages: [], locale: 'en' },
  ])('a browser preferring $languages starts in $locale', ({ languages, locale }) => {
    expect(browserLocale(languages)).toBe(locale);
  });

  it.each([
    { raw: 'it', locale: 'it' },
    { raw: 'en', locale: 'en' },
    { raw: null, locale: null },
    { raw: 'IT', locale: null },
    { raw: '"it"', locale: null },
    { raw: 'fr', locale: null },
  ])('stored $raw reads as $locale', ({ raw, locale }) => {
    expect(parseLocale(raw)).toBe(locale);
  });

  it('is kept per user', () => {
    expect(localeKey('u-1')).not.toBe(localeKey('u-2'));
  });
});
