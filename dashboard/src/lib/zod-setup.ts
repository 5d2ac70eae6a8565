// The platform's CSP allows no eval (platform/api/app.ts, script-src 'self'). zod decides at the
// creation of each object schema whether to compile a fast path with `new Function`, and its probe
// is reported as a policy violation even though zod catches it. main.tsx imports this module
// first, so it runs before any schema exists.
import { z } from 'zod';
import { en as zodEn, it as zodIt } from 'zod/v4/locales';
import type { Locale } from '../i18n/types.ts';

z.config({ jitless: true });

const ZOD_LOCALE: Record<Locale, () => { localeError: z.core.$ZodErrorMap }> = { en: zodEn, it: zodIt };
let current: Locale | null = null;

/** zod's own messages ("too small", "invalid option") in the console's language; the i18n
 *  provider calls it when the language is chosen. */
export function setZodLocale(locale: Locale): void {
  if (locale === current) return;
  current = locale;
  z.config(ZOD_LOCALE[locale]());
}
