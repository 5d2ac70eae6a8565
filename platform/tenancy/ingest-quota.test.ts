import { expect, it } from 'vitest';
import { TokenBucket } from './ingest-quota.ts';

it.each([
  // [rate, reservations at t=0 (ms later each), expected waits]
  [10, [5, 5], [0, 0]],
  [10, [5, 5, 5], [0, 0, 500]],
  [10, [25], [1500]],
  [100, [100, 50], [0, 500]],
])('rate %i/s, batches %j wait %j ms', (rate, batches, waits) => {
  const b = new TokenBucket(rate, () => 0);
  expect(batches.map((n) => b.reserve(n))).toEqual(waits);
});

it('tokens are earned back with time, up to one second’s burst', () => {
  let t = 0;
  const b = new TokenBucket(10, () => t);
  expect(b.reserve(10)).toBe(0);
  t = 500;
  expect(b.reserve(5)).toBe(0);
  t = 10_000;
  expect(b.reserve(10)).toBe(0); // capped at 10, not 100
  expect(b.reserve(1)).toBe(100);
  b.refund(1);
  expect(b.reserve(0)).toBe(0);
});
