// Systematic Reed–Solomon erasure coding over GF(2^8): k data shards plus n − k parity shards,
// any k of which rebuild the data. No maintained pure-JS package fits (the npm ones are native
// addons or WebAssembly builds), so this module is the codec, kept behind `ErasureCodec` so a
// library can replace it.
//
// Construction: the generator matrix is [I_k ; C] where C is an (n−k)×k Cauchy matrix,
// C[i][j] = 1 / (x_i + y_j) with x_i = k + i and y_j = j all distinct in GF(2^8). Every square
// submatrix of a Cauchy matrix is invertible, so every k×k submatrix of [I ; C] is too: the code
// is MDS (J. Blömer et al., "An XOR-based erasure-resilient coding scheme", ICSI TR-95-048, 1995;
// J. S. Plank, "Optimizing Cauchy Reed-Solomon Codes for Fault-Tolerant Storage Applications",
// 2005). Field: GF(2^8) with the primitive polynomial x^8+x^4+x^3+x^2+1 (0x11d), as in
// Plank's tutorial (Software—Practice & Experience 27(9), 1997). Hence n ≤ 256.

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!;
}

export function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[LOG[a]! + LOG[b]!]!;
}

export function gfInv(a: number): number {
  if (a === 0) throw new RangeError('0 has no inverse in GF(256)');
  return EXP[255 - LOG[a]!]!;
}

/** Row c of the multiplication table: MUL[c * 256 + v] = c·v. */
const MUL = new Uint8Array(256 * 256);
for (let c = 0; c < 256; c++) for (let v = 0; v < 256; v++) MUL[c * 256 + v] = gfMul(c, v);

export const MAX_SHARDS = 256;

/** The n×k generator matrix [I ; Cauchy], row-major. */
export function generatorMatrix(k: number, n: number): Uint8Array[] {
  checkShape(k, n);
  const rows: Uint8Array[] = [];
  for (let i = 0; i < k; i++) {
    const r = new Uint8Array(k);
    r[i] = 1;
    rows.push(r);
  }
  for (let i = 0; i < n - k; i++) {
    const r = new Uint8Array(k);
    for (let j = 0; j < k; j++) r[j] = gfInv((k + i) ^ j);
    rows.push(r);
  }
  return rows;
}

/** Inverse of a square matrix over GF(256) by Gauss–Jordan elimination. */
export function invertMatrix(m: readonly Uint8Array[]): Uint8Array[] {
  const size = m.length;
  const a = m.map((r) => Uint8Array.from(r));
  const inv = m.map((_, i) => {
    const r = new Uint8Array(size);
    r[i] = 1;
    return r;
  });
  for (let col = 0; col < size; col++) {
    let pivot = col;
    while (pivot < size && a[pivot]![col] === 0) pivot++;
    if (pivot === size) throw new Error('matrix is singular');
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    [inv[col], inv[pivot]] = [inv[pivot]!, inv[col]!];
    const scale = gfInv(a[col]![col]!);
    scaleRow(a[col]!, scale);
    scaleRow(inv[col]!, scale);
    for (let r = 0; r < size; r++) {
      const f = a[r]![col]!;
      if (r === col || f === 0) continue;
      addScaledRow(a[r]!, a[col]!, f);
      addScaledRow(inv[r]!, inv[col]!, f);
    }
  }
  return inv;
}

function scaleRow(row: Uint8Array, c: number): void {
  for (let i = 0; i < row.length; i++) row[i] = gfMul(row[i]!, c);
}

function addScaledRow(target: Uint8Array, source: Uint8Array, c: number): void {
  for (let i = 0; i < target.length; i++) target[i]! ^= gfMul(source[i]!, c);
}

/** out ^= c · input, byte by byte (the inner loop of both encoding and decoding). */
function mulAdd(out: Uint8Array, input: Uint8Array, c: number): void {
  if (c === 0) return;
  if (c === 1) {
    for (let i = 0; i < out.length; i++) out[i]! ^= input[i]!;
    return;
  }
  const row = MUL.subarray(c * 256, c * 256 + 256);
  for (let i = 0; i < out.length; i++) out[i]! ^= row[input[i]!]!;
}

function checkShape(k: number, n: number): void {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 1 || n < k || n > MAX_SHARDS) {
    throw new RangeError(`need integers 1 ≤ k ≤ n ≤ ${MAX_SHARDS}, got k=${k} n=${n}`);
  }
}

/** What backup needs from an erasure code (a library can stand in for this module). */
export interface ErasureCodec {
  /** Splits `data` into n shards of equal length; shard i < k is a slice of the (padded) data. */
  encode(data: Uint8Array, k: number, n: number): Uint8Array[];
  /** Rebuilds the `length` original bytes from at least k shards, keyed by shard index. */
  decode(shards: ReadonlyMap<number, Uint8Array>, k: number, n: number, length: number): Uint8Array;
}

export const reedSolomon: ErasureCodec = {
  encode(data, k, n) {
    checkShape(k, n);
    const size = Math.max(1, Math.ceil(data.length / k));
    const shards: Uint8Array[] = [];
    for (let i = 0; i < k; i++) {
      const s = new Uint8Array(size);
      s.set(data.subarray(i * size, Math.min(data.length, (i + 1) * size)));
      shards.push(s);
    }
    const g = generatorMatrix(k, n);
    for (let p = k; p < n; p++) {
      const out = new Uint8Array(size);
      for (let j = 0; j < k; j++) mulAdd(out, shards[j]!, g[p]![j]!);
      shards.push(out);
    }
    return shards;
  },

  decode(shards, k, n, length) {
    checkShape(k, n);
    const chosen = [...shards.keys()].filter((i) => Number.isInteger(i) && i >= 0 && i < n).sort((a, b) => a - b).slice(0, k);
    if (chosen.length < k) throw new Error(`need ${k} shards to rebuild, have ${chosen.length}`);
    const size = shards.get(chosen[0]!)!.length;
    if (chosen.some((i) => shards.get(i)!.length !== size)) throw new Error('shards differ in length');
    if (length > size * k) throw new Error(`shards of ${size} bytes cannot hold ${length} bytes`);
    const data = new Uint8Array(size * k);
    if (chosen.every((i, pos) => i === pos)) {
      // All data shards present: no arithmetic needed.
      chosen.forEach((i) => data.set(shards.get(i)!, i * size));
    } else {
      const g = generatorMatrix(k, n);
      const inv = invertMatrix(chosen.map((i) => g[i]!));
      for (let row = 0; row < k; row++) {
        const out = data.subarray(row * size, (row + 1) * size);
        for (let j = 0; j < k; j++) mulAdd(out, shards.get(chosen[j]!)!, inv[row]![j]!);
      }
    }
    return data.subarray(0, length);
  },
};
