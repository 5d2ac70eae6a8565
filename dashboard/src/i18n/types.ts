// The shape every language's dictionary shares, derived from the English one (en.ts): a leaf is a
// text, or a set of plural forms (an object with `one` and `other`, picked by Intl.PluralRules);
// anything else is a section. Typing a dictionary as `Dict` makes a missing or extra key a
// compile error.
import type { en } from './en.ts';

export type Locale = 'en' | 'it';
export const LOCALES: readonly Locale[] = ['en', 'it'];

/** Plural forms by CLDR category; `other` is the fallback for a category a language leaves out. */
export interface Plural {
  zero?: string;
  one: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
}

export type Widen<T> = T extends string ? string : T extends { one: string; other: string } ? Plural : { [K in keyof T]: Widen<T[K]> };

export type Dict = Widen<typeof en>;

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string | Plural ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];

/** Every dotted key of a text, e.g. "nav.alarms" or "alarms.openCount". */
export type MessageKey = Leaves<Dict>;

/** Named parameters of a text ("{name}"); numbers are written in the locale's style, and
 *  `count` also picks the plural form. */
export type Params = Record<string, string | number>;
