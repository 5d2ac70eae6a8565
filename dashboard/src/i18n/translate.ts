// Looking a text up and filling it in: pure, so it is table-tested without a browser. A key a
// dictionary lacks (a cast, a stale build) falls back to English and then to the key itself, so a
// gap shows as a readable key rather than a blank or a crash.
import { en } from './en.ts';
import { it } from './it.ts';
import type { Dict, Locale, MessageKey, Params, Plural } from './types.ts';

export const DICTIONARIES: Record<Locale, Dict> = { en, it };

/** The BCP 47 tag handed to Intl: British English keeps day-month order. */
export const INTL_TAG: Record<Locale, string> = { en: 'en-GB', it: 'it-IT' };

/** Each language's name in itself, for the switch. */
export const LANGUAGE_NAME: Record<Locale, string> = { en: 'English', it: 'Italiano' };

const isPlural = (v: unknown): v is Plural => typeof v === 'object' && v !== null && typeof (v as Plural).other === 'string' && typeof (v as Plural).one === 'string';

export function lookup(dict: unknown, key: string): string | Plural | undefined {
  let node: unknown = dict;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' || isPlural(node) ? node : undefined;
}

const pluralRules = new Map<string, Intl.PluralRules>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function cached<T>(map: Map<string, T>, tag: string, make: () => T): T {
  let v = map.get(tag);
  if (!v) map.set(tag, (v = make()));
  return v;
}

export function pickPlural(forms: Plural, locale: Locale, count: number | undefined): string {
  if (count === undefined) return forms.other;
  const category = cached(pluralRules, INTL_TAG[locale], () => new Intl.PluralRules(INTL_TAG[locale])).select(count);
  return forms[category] ?? forms.other;
}

/** "{name}" → the parameter; a parameter not given stays visible as "{name}". */
export function interpolate(text: string, params: Params | undefined, locale: Locale): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!Object.hasOwn(params, name)) return whole;
    const v = params[name]!;
    return typeof v === 'number' ? cached(numberFormats, INTL_TAG[locale], () => new Intl.NumberFormat(INTL_TAG[locale])).format(v) : v;
  });
}

export function translate(locale: Locale, key: MessageKey, params?: Params, dicts: Record<Locale, unknown> = DICTIONARIES): string {
  const entry = lookup(dicts[locale], key) ?? lookup(dicts.en, key);
  if (entry === undefined) return key;
  const count = typeof params?.count === 'number' ? params.count : undefined;
  return interpolate(typeof entry === 'string' ? entry : pickPlural(entry, locale, count), params, locale);
}

/** Every key of a dictionary, with the placeholders each text names (plural forms together):
 *  the runtime half of the parity check between languages. */
export function keyShape(dict: unknown, prefix = ''): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of Object.entries(dict as Record<string, unknown>)) {
    const key = prefix + k;
    if (typeof v === 'string' || isPlural(v)) {
      const texts = typeof v === 'string' ? [v] : Object.values(v);
      out.set(key, [...new Set(texts.flatMap((t) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)))].sort());
    } else {
      for (const [kk, vv] of keyShape(v, `${key}.`)) out.set(kk, vv);
    }
  }
  return out;
}

/** The language a user starts in before choosing: Italian when the browser prefers it (the
 *  first of its languages that Custodia speaks), English otherwise. */
export function browserLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'it') return 'it';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export const localeKey = (userId: string) => `custodia.locale.${userId}`;

/** A stored choice; anything else (absent, damaged, a language since withdrawn) reads as none. */
export function parseLocale(raw: string | null): Locale | null {
  return raw === 'en' || raw === 'it' ? raw : null;
}

/** The text for a code the server sends (a condition, a device kind), or the code itself when the
 *  dictionaries have none: a code added on the server still shows, untranslated. */
export function known(t: (key: MessageKey) => string, key: string, fallback: string): string {
  const text = t(key as MessageKey);
  return text === key ? fallback : text;
}
