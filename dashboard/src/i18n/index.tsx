// The console's language: a provider that knows the signed-in user's choice (kept in this browser
// per user, like the alert settings: the platform has no per-user preference store), and useT()
// for components. Before anyone signs in, and until a user chooses, the browser's language
// decides (Italian if it prefers Italian, else English). `<html lang>` and the default locale of
// lib/format.ts follow the choice.
import { createContext, Fragment, useCallback, useContext, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { setFormatLocale } from '../lib/format.ts';
import { setZodLocale } from '../lib/zod-setup.ts';
import { useSession } from '../hooks/session.tsx';
import { browserLocale, INTL_TAG, localeKey, parseLocale, translate } from './translate.ts';
import type { Locale, MessageKey, Params } from './types.ts';

export type { Locale, MessageKey, Params } from './types.ts';
export { LOCALES } from './types.ts';
export { known, LANGUAGE_NAME } from './translate.ts';

export type T = (key: MessageKey, params?: Params) => string;

export interface I18n {
  locale: Locale;
  /** The BCP 47 tag for Intl (en-GB, it-IT). */
  tag: string;
  t: T;
  setLocale(locale: Locale): void;
}

const english: I18n = { locale: 'en', tag: INTL_TAG.en, t: (key, params) => translate('en', key, params), setLocale: () => undefined };
const I18nContext = createContext<I18n>(english);

function stored(userId: string): Locale | null {
  try {
    return parseLocale(window.localStorage.getItem(localeKey(userId)));
  } catch {
    return null;
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const signedIn = state.status === 'signed-in' ? state.me.user.id : null;
  // After a session ends, the sign-in page (and why it ended) stays in the language of the user who
  // was signed in, until another signs in or the page is reloaded.
  const last = useRef<string | null>(null);
  if (signedIn) last.current = signedIn;
  const userId = signedIn ?? last.current;
  // The choice made in this page, so it holds even where storage is refused.
  const [chosen, setChosen] = useState<{ userId: string; locale: Locale } | null>(null);
  const picked = userId && chosen?.userId === userId ? chosen.locale : null;
  const locale = useMemo<Locale>(
    () => picked ?? (userId ? stored(userId) : null) ?? browserLocale(navigator.languages?.length ? navigator.languages : [navigator.language]),
    [userId, picked],
  );
  // Set during render, not in an effect: children format dates while they render.
  setFormatLocale(INTL_TAG[locale]);
  setZodLocale(locale);

  useLayoutEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const setLocale = useCallback(
    (next: Locale) => {
      if (!signedIn) return;
      try {
        window.localStorage.setItem(localeKey(signedIn), next);
      } catch {
        // Storage refused (private mode, quota): the choice lasts until the page is reloaded.
      }
      setChosen({ userId: signedIn, locale: next });
    },
    [signedIn],
  );

  const value = useMemo<I18n>(() => ({ locale, tag: INTL_TAG[locale], t: (key, params) => translate(locale, key, params), setLocale }), [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useT(): I18n {
  return useContext(I18nContext);
}

/** A text whose parameters are elements (an id in monospace, a name in bold), placed where the
 *  language puts them. */
export function richText(t: T, key: MessageKey, nodes: Record<string, ReactNode>): ReactNode[] {
  const names = Object.keys(nodes);
  const text = t(key, Object.fromEntries(names.map((n, i) => [n, `\u0000${i}\u0000`])));
  return text.split('\u0000').map((part, i) => (i % 2 ? <Fragment key={i}>{nodes[names[Number(part)]!]}</Fragment> : part));
}
