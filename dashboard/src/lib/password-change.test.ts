import { describe, expect, it } from 'vitest';
import { translate } from '../i18n/translate.ts';
import { newPasswordProblem } from './password-change.ts';

describe('a new password of one’s own', () => {
  it.each([
    ['a long one, repeated', 'my-own-passphrase', 'my-own-passphrase', 'one-time-secret-xyz', undefined, undefined],
    ['too short', 'short-pass', 'short-pass', 'one-time-secret-xyz', 'Use at least 12 characters.', 'Usa almeno 12 caratteri.'],
    ['too long', 'x'.repeat(129), 'x'.repeat(129), 'one-time-secret-xyz', 'Use at most 128 characters.', 'Usa al massimo 128 caratteri.'],
    ['the one-time password again', 'one-time-secret-xyz', 'one-time-secret-xyz', 'one-time-secret-xyz', 'Choose a password other than the one-time password.', 'Scegli una password diversa da quella monouso.'],
    ['repeated differently', 'my-own-passphrase', 'my-own-passphrasf', 'one-time-secret-xyz', 'The two passwords differ.', 'Le due password non coincidono.'],
    ['exactly 12 characters', '123456789012', '123456789012', 'one-time-secret-xyz', undefined, undefined],
  ])('%s', (_name, next, repeat, current, english, italian) => {
    const p = newPasswordProblem(next, repeat, current);
    expect(p && translate('en', p.key, p.params)).toBe(english);
    expect(p && translate('it', p.key, p.params)).toBe(italian);
  });
});
