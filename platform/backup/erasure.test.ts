import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatorMatrix, gfInv, gfMul, invertMatrix, reedSolomon } from './erasure.ts';

describe('GF(256)', () => {
  it('every non-zero element times its inverse is 1', () => {
    for (let a = 1; a < 256; a++) expect(gfMul(a, gfInv(a))).toBe(1);
  });

  it('multiplication distributes over addition (xor)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (a, b, c) =>
        gfMul(a, b ^ c) === (gfMul(a, b) ^ gfMul(a, c)),
      ),
    );
  });

  it('a matrix times its inverse is the identity', () => {
    const g = generatorMatrix(3, 6);
    const m = [g[1]!, g[3]!, g[5]!];
    const inv = invertMatrix(m);
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++) {
        let v = 0;
        for (let j = 0; j < 3; j++) v ^= gfMul(m[r]![j]!, inv[j]![c]!);
        expect(v).toBe(r === c ? 1 : 0);
      }
  });
});

/** Random k ≤ n ≤ 16, random data, and a random choice of k surviving shards. */
const codeCase = fc
  .integer({ min: 1, max: 16 })
  .chain((n) => fc.record({ n: fc.constant(n), k: fc.integer({ min: 1, max: n }) }))
  .chain(({ n, k }) =>
    fc.record({
      n: fc.constant(n),
      k: fc.constant(k),
      data: fc.uint8Array({ minLength: 0, maxLength: 600 }),
      survivors: fc.shuffledSubarray([...Array(n).keys()], { minLength: k, maxLength: n }),
    }),
  );

describe('Reed–Solomon (systematic, Cauchy)', () => {
  it('any k of n shards rebuild the data', () => {
    fc.assert(
      fc.property(codeCase, ({ n, k, data, survivors }) => {
        const shards = reedSolomon.encode(data, k, n);
        expect(shards).toHaveLength(n);
        const kept = new Map(survivors.map((i) => [i, shards[i]!]));
        expect(Buffer.from(reedSolomon.decode(kept, k, n, data.length))).toEqual(Buffer.from(data));
      }),
      { numRuns: 300 },
    );
  });

  it('data shards are plain slices of the data (systematic)', () => {
    const data = Buffer.from('abcdefghij');
    const shards = reedSolomon.encode(data, 3, 5);
    expect(Buffer.from(shards[0]!).toString()).toBe('abcd');
    expect(Buffer.from(shards[2]!.subarray(0, 2)).toString()).toBe('ij');
  });

  it('refuses to rebuild from fewer than k shards', () => {
    const shards = reedSolomon.encode(Buffer.from('hello world'), 3, 5);
    expect(() => reedSolomon.decode(new Map([[0, shards[0]!], [4, shards[4]!]]), 3, 5, 11)).toThrow(/need 3 shards/);
  });

  it('every k×k submatrix of the generator is invertible (MDS), for n up to 10', () => {
    for (let n = 1; n <= 10; n++)
      for (let k = 1; k <= n; k++) {
        const g = generatorMatrix(k, n);
        for (const rows of subsets(n, k)) expect(() => invertMatrix(rows.map((i) => g[i]!))).not.toThrow();
      }
  });

  it('rejects shapes outside 1 ≤ k ≤ n ≤ 256', () => {
    expect(() => reedSolomon.encode(new Uint8Array(4), 0, 3)).toThrow(RangeError);
    expect(() => reedSolomon.encode(new Uint8Array(4), 4, 3)).toThrow(RangeError);
    expect(() => reedSolomon.encode(new Uint8Array(4), 2, 257)).toThrow(RangeError);
  });
});

function* subsets(n: number, k: number, start = 0, acc: number[] = []): Generator<number[]> {
  if (acc.length === k) {
    yield acc;
    return;
  }
  for (let i = start; i < n; i++) yield* subsets(n, k, i + 1, [...acc, i]);
}
