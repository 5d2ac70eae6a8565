import { describe, expect, it } from 'vitest';
import { pooledRandomBytes } from './random-pool.ts';

describe('pooled CSPRNG bytes', () => {
  it('never hands out the same bytes twice, across many pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) seen.add(pooledRandomBytes(12).toString('hex'));
    expect(seen.size).toBe(5000);
  });

  it.each([0, 257, 1.5, Number.NaN])('refuses a length of %s', (n) => {
    expect(() => pooledRandomBytes(n)).toThrow(RangeError);
  });
});
