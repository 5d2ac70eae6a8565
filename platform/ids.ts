// Time-ordered identifiers (UUID version 7, RFC 9562 §5.7): 48-bit Unix milliseconds, then 74
// random bits. Readings get these ids so that inserts land at the end of the store's unique
// index instead of all over it (halves the group-commit time at 15k readings/s). The time in an
// id is the receive time, which the store already keeps in clear.
import { randomFillSync } from 'node:crypto';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function uuidv7(now: number = Date.now()): string {
  const b = randomFillSync(Buffer.allocUnsafe(16));
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70; // version 7
  b[8] = (b[8]! & 0x3f) | 0x80; // variant 10xx
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[b[i]!];
  }
  return s;
}
