// CSPRNG bytes drawn a pool at a time, as crypto.randomUUID does: the same randomness as one
// randomFillSync call per value, without a call (and its syscall) per sealed reading or per id,
// which together were about a sixth of the ingest path's CPU. Each caller gets its own copy, and
// a refill allocates a new pool, so no byte is ever handed out twice.
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/** `n` fresh random bytes (1 ≤ n ≤ 256). */
export function pooledRandomBytes(n: number): Buffer {
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new RangeError('pooledRandomBytes: n must be 1..256');
  if (offset + n > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + n));
  offset += n;
  return out;
}
