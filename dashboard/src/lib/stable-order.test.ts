import { describe, expect, it } from 'vitest';
import { heldOrder, looksLikeIdentifier } from './stable-order.ts';

const id = (s: string) => s;

describe('a list held under the pointer', () => {
  it('keeps the order it had when the hold began, new items after', () => {
    expect(heldOrder(['c', 'a', 'b'], id, ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(heldOrder(['d', 'c', 'a'], id, ['a', 'b', 'c'])).toEqual(['a', 'c', 'd']);
  });

  it('takes the sorted order when released', () => {
    expect(heldOrder(['c', 'a', 'b'], id, null)).toEqual(['c', 'a', 'b']);
  });
});

describe('identifier search', () => {
  it.each([
    ['SYN-383935', true],
    [' syn-000001 ', true],
    ['Bernhard', false],
    ['SYN-', false],
    ['Anne-Marie', false],
  ])('%j looks like an identifier: %s', (q, yes) => {
    expect(looksLikeIdentifier(q)).toBe(yes);
  });
});
