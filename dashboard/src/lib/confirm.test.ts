import { describe, expect, it } from 'vitest';
import { settle, typedConfirms } from './confirm.ts';

describe('typed confirmation', () => {
  it.each([
    [undefined, '', true, 'no text required: a plain confirmation'],
    ['north-care', 'north-care', true, 'exact id'],
    ['north-care', '  north-care ', true, 'surrounding spaces forgiven'],
    ['north-care', 'North-Care', false, 'case matters'],
    ['north-care', 'north-car', false, 'a prefix is not enough'],
    ['north-care', '', false, 'empty'],
    ['', '', false, 'an empty expectation never confirms'],
    ['SYN-000123', 'SYN-000123', true, 'patient identifier'],
  ] as [string | undefined, string, boolean, string][])('expected %j typed %j → %s (%s)', (expected, typed, ok) => {
    expect(typedConfirms(expected, typed)).toBe(ok);
  });
  it('settles to done or failed', () => {
    expect(settle(true)).toBe('done');
    expect(settle(false)).toBe('failed');
  });
});
