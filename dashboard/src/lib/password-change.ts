// Choosing a password of one's own (POST /auth/password): the checks the server makes, made here
// first so the form says what is wrong before sending (the server's word still rules).

/** The problem code of a login refused because its password is a one-time one from a reset. */
export const PASSWORD_CHANGE_REQUIRED = 'password-change-required';
export const MIN_PASSWORD_LENGTH = 12;

/** What is wrong with a new password and its repetition, or undefined when nothing is. */
export function newPasswordProblem(next: string, repeat: string, current: string): string | undefined {
  if (next.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (next.length > 128) return 'Use at most 128 characters.';
  if (next === current) return 'Choose a password other than the one-time password.';
  if (next !== repeat) return 'The two passwords differ.';
  return undefined;
}
