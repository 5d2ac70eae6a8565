import { describe, expect, it } from 'vitest';
import { bulkPhrase, offsetFrom, pageInfo, toggleAll } from './device-list.ts';

describe('device list paging', () => {
  it.each([
    [0, 0, { from: 0, to: 0, total: 0, prev: null, next: null }],
    [10, 0, { from: 1, to: 10, total: 10, prev: null, next: null }],
    [60, 0, { from: 1, to: 25, total: 60, prev: null, next: 25 }],
    [60, 25, { from: 26, to: 50, total: 60, prev: 0, next: 50 }],
    [60, 50, { from: 51, to: 60, total: 60, prev: 25, next: null }],
    [60, 500, { from: 60, to: 60, total: 60, prev: 34, next: null }],
  ])('total %i at offset %i', (total, offset, info) => {
    expect(pageInfo(total, offset)).toEqual(info);
  });
  it.each([
    [null, 0],
    ['', 0],
    ['25', 25],
    ['-5', 0],
    ['2.5', 0],
    ['abc', 0],
  ])('offset from %j is %i', (v, n) => {
    expect(offsetFrom(v)).toBe(n);
  });
});

describe('selection', () => {
  it('selects and clears only the ids shown', () => {
    const sel = new Set(['other-page']);
    const on = toggleAll(sel, ['a', 'b'], true);
    expect([...on].sort()).toEqual(['a', 'b', 'other-page']);
    expect([...toggleAll(on, ['a', 'b'], false)]).toEqual(['other-page']);
    expect(sel.size).toBe(1);
  });
  it('names the count to type', () => {
    expect(bulkPhrase(1)).toBe('1 device');
    expect(bulkPhrase(3)).toBe('3 devices');
  });
});
