import { describe, expect, it } from 'vitest';
import { newPasswordProblem } from './password-change.ts';

describe('a new password of one’s own', () => {
  it.each([
    ['a long one, repeated', 'my-own-passphrase', 'my-own-passphrase', 'one-time-secret-xyz', undefined],
    ['too short', 'short-pass', 'short-pass', 'one-time-secret-xyz', 'Use at least 12 characters.'],
    ['too long', 'x'.repeat(129), 'x'.repeat(129), 'one-time-secret-xyz', 'Use at most 128 characters.'],
    ['the one-time password again', 'one-time-secret-xyz', 'one-time-secret-xyz', 'one-time-secret-xyz', 'Choose a password other than the one-time password.'],
    ['repeated differently', 'my-own-passphrase', 'my-own-passphrasf', 'one-time-secret-xyz', 'The two passwords differ.'],
    ['exactly 12 characters', '123456789012', '123456789012', 'one-time-secret-xyz', undefined],
  ])('%s', (_name, next, repeat, current, problem) => {
    expect(newPasswordProblem(next, repeat, current)).toBe(problem);
  });
});
