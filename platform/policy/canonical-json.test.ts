import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';

describe('canonicalJson (RFC 8785)', () => {
  it.each([
    [null, 'null'],
    [true, 'true'],
    [0, '0'],
    [-0, '0'],
    [1e21, '1e+21'],
    [0.000001, '0.000001'],
    [1e-7, '1e-7'],
    [4.5, '4.5'],
    ['a"b\\c\n', '"a\\"b\\\\c\\n"'],
    ['\u20ac\u0001', '"\u20ac\\u0001"'],
    [[], '[]'],
    [{}, '{}'],
    [{ b: 1, a: [3, { d: null, c: 'x' }] }, '{"a":[3,{"c":"x","d":null}],"b":1}'],
    // UTF-16 code-unit order: "\u00e9" (0xE9) sorts after "z"; "\ud83d\ude00" (0xD83D) before "\uff01".
    [{ z: 1, '\u00e9': 2, '\uff01': 3, '\ud83d\ude00': 4, A: 5 }, '{"A":5,"z":1,"\u00e9":2,"\ud83d\ude00":4,"\uff01":3}'],
  ])('%j → %s', (input, expected) => {
    expect(canonicalJson(input)).toBe(expected);
  });

  it('gives the same bytes whatever order the keys were built in', () => {
    expect(canonicalJson({ x: { q: 1, p: 2 }, w: [1] })).toBe(canonicalJson({ w: [1], x: { p: 2, q: 1 } }));
  });

  it.each([[NaN], [Infinity], [undefined], [{ a: undefined }], [10n], [() => 1]])('refuses %s', (bad) => {
    expect(() => canonicalJson(bad)).toThrow(TypeError);
  });

  it('omits undefined as JSON.stringify does when told to (the audit chain), and honours toJSON', () => {
    expect(canonicalJson({ b: undefined, a: [1, undefined] }, { undefinedValues: 'omit' })).toBe('{"a":[1,null]}');
    expect(() => canonicalJson([1, undefined])).toThrow(TypeError);
    expect(canonicalJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });

  it('refuses a cycle instead of overflowing the stack', () => {
    const a: Record<string, unknown> = {};
    a['self'] = a;
    expect(() => canonicalJson(a, { undefinedValues: 'omit' })).toThrow(/cyclic/);
  });
});
