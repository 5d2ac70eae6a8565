import { describe, expect, it } from 'vitest';
import { LoginGuard } from './login-guard.ts';
import { canonicalUsername } from './username.ts';

describe('one username normalisation for look-up and lock-out (ASVS 2.2.1)', () => {
  it.each([
    ['alice', 'alice'],
    ['Alice', 'alice'],
    ['  alice\t', 'alice'],
    ['ａｌｉｃｅ', 'alice'], // fullwidth compatibility forms
    // A Cyrillic "а" is another letter: it finds no account (usernames are ASCII at creation),
    // so its failures cannot count against "alice" either way.
    ['\u0430lice', '\u0430lice'],
  ])('%j → %j', (input, canonical) => {
    expect(canonicalUsername(input)).toBe(canonical);
  });

  it('variants of one username share one failure counter and one lock-out', () => {
    let now = 0;
    const guard = new LoginGuard({ maxFailures: 3, lockoutMs: 60_000, perAddressPerMinute: 1_000, now: () => now });
    guard.failed('Alice');
    guard.failed(' alice ');
    expect(guard.failed('ａｌｉｃｅ')).toBe(true);
    expect(guard.check('alice', '10.0.0.1')).toMatchObject({ allowed: false, reason: 'locked' });
    expect(guard.check('bob', '10.0.0.1')).toEqual({ allowed: true });
    now = 60_001;
    expect(guard.check('alice', '10.0.0.1')).toEqual({ allowed: true });
  });
});
