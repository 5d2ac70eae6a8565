import { describe, expect, it } from 'vitest';
import { citedIds, testTitles } from './ids.ts';

describe('citedIds', () => {
  it.each([
    ['no citation', 'stores a reading', []],
    ['one ASVS item', 'locks the account (ASVS 2.2.1)', ['ASVS 2.2.1']],
    ['a list after one framework name', '(ASVS 3.3.1, 3.3.3)', ['ASVS 3.3.1', 'ASVS 3.3.3']],
    ['two frameworks', '(ASVS 4.2.1; ETSI 5.6-2)', ['ASVS 4.2.1', 'ETSI 5.6-2']],
    ['the long ETSI name', '(ASVS 8.1.5, ETSI EN 303 645 5.9-1)', ['ASVS 8.1.5', 'ETSI 5.9-1']],
    ['ETSI data protection provisions', '(ASVS 8.3.4, 1.8.1; ETSI 6-2, 6-4)', ['ASVS 8.3.4', 'ASVS 1.8.1', 'ETSI 6-2', 'ETSI 6-4']],
    ['a range within one section', '(ASVS 14.4.3–14.4.7)', ['ASVS 14.4.3', 'ASVS 14.4.4', 'ASVS 14.4.5', 'ASVS 14.4.6', 'ASVS 14.4.7']],
    ['a repeated framework name', '(ASVS 4.2.1, ASVS 5.1.3)', ['ASVS 4.2.1', 'ASVS 5.1.3']],
    ['the version after ASVS', 'ASVS 4.0.3 6.2.1; NIST SP 800-38D', ['ASVS 6.2.1']],
    ['EUCS and C5 controls', 'EUCS OPS-13, IAM-02; C5 COS-06', ['EUCS OPS-13', 'EUCS IAM-02', 'C5 COS-06']],
    ['EUCS categories and named topics', 'EUCS PSS; EUCS OPS-logging, IAM', ['EUCS PSS', 'EUCS OPS-logging', 'EUCS IAM']],
    ['a C5 criterion needs its number', 'C5 COS and more', []],
    ['a list ended by words', '(ETSI 5.1-5, ASVS 7.1.1, 7.1.2) and more 1.2.3', ['ETSI 5.1-5', 'ASVS 7.1.1', 'ASVS 7.1.2']],
    ['a clause without a provision number is not an id', 'ETSI 5.6 (minimise)', []],
    ['repeats counted once', 'ASVS 2.2.1 … ASVS 2.2.1', ['ASVS 2.2.1']],
  ])('%s', (_what, text, ids) => {
    expect(citedIds(text)).toEqual(ids);
  });
});

describe('testTitles', () => {
  it('finds it/test/describe titles, .each titles after their table, and skips other strings', () => {
    const src = [
      "describe('the broker', () => {",
      "  it('refuses (ASVS 2.2.1)', async () => { expect('not a title').toBe('x'); });",
      '  test("double quoted (ETSI 5.1-5)", () => {});',
      '  it.skipIf(!pg)(`template ${"x"} (ASVS 6.4.1)`, () => {});',
      '  it.each([',
      "    ['a', 1],",
      "  ])('row %s (ASVS 5.1.3, 13.2.5)', (a) => {});",
      "  it('escaped \\'quote\\' (ASVS 3.3.1)', () => {});",
      '});',
    ].join('\n');
    expect(testTitles(src)).toEqual([
      'the broker',
      'refuses (ASVS 2.2.1)',
      'double quoted (ETSI 5.1-5)',
      'template ${"x"} (ASVS 6.4.1)',
      "escaped \\'quote\\' (ASVS 3.3.1)",
      'row %s (ASVS 5.1.3, 13.2.5)',
    ]);
  });
});
