// Forms check what they send with the API's own zod schemas (imported from pure modules of the
// platform and the pilots) and word a failure as the API would (platform/api/validate.ts): the
// field's path, then the message, in the user's language. zod's own messages follow the language
// the console set (zod-setup.ts); the schemas' own English messages are looked up in the
// dictionaries (schemaMessage.known), and one without a translation shows as the API words it.
import type { ZodError, ZodType } from 'zod';
import { scheduleSchema } from '../../../pilots/lighting/domain/schedule.ts';
import type { T } from '../i18n/index.tsx';
import { en } from '../i18n/en.ts';
import { translate } from '../i18n/translate.ts';

const english: T = (key, params) => translate('en', key, params);

/** A schema's own message in the language of `t`, or as it is when the dictionaries lack it. */
export function schemaMessage(message: string, t: T): string {
  const key = (Object.keys(en.schemaMessage.known) as (keyof typeof en.schemaMessage.known)[]).find((k) => en.schemaMessage.known[k] === message);
  return key ? t(`schemaMessage.known.${key}`) : message;
}

/** The first few problems as one line, as platform/api/zod-detail.ts words them. */
export function localDetail(err: ZodError, t: T): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${schemaMessage(i.message, t)}`)
    .join('; ');
}

/** Throws the API's "invalid body: …" error, in the language of `t`, when `value` does not
 *  satisfy `schema`. */
export function checkBody(schema: ZodType, value: unknown, t: T = english): void {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(t('schemaMessage.invalid', { detail: localDetail(r.error, t) }));
}

/** POST and PUT /pilots/lighting/schedules bodies (pilots/lighting/handlers.ts scheduleInput). */
export const scheduleInput = scheduleSchema.omit({ id: true });
