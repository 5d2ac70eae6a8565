// Choosing a password of one's own (POST /auth/password): the checks the server makes, made here
// first so the form says what is wrong before sending (the server's word still rules).
import type { MessageKey, Params } from '../i18n/types.ts';

/** The problem code of a login refused because its password is a one-time one from a reset. */
export const PASSWORD_CHANGE_REQUIRED = 'password-change-required';
export const MIN_PASSWORD_LENGTH = 12;

export const MAX_PASSWORD_LENGTH = 128;

/** What is wrong with a new password and its repetition (a passwordChange text), or undefined when
 *  nothing is. */
export function newPasswordProblem(next: string, repeat: string, current: string): { key: MessageKey; params?: Params } | undefined {
  if (next.length < MIN_PASSWORD_LENGTH) return { key: 'passwordChange.tooShort', params: { min: MIN_PASSWORD_LENGTH } };
  if (next.length > MAX_PASSWORD_LENGTH) return { key: 'passwordChange.tooLong', params: { max: MAX_PASSWORD_LENGTH } };
  if (next === current) return { key: 'passwordChange.sameAsOneTime' };
  if (next !== repeat) return { key: 'passwordChange.differ' };
  return undefined;
}
