// The cheap argument checks every adapter runs before touching its engine, in one place so the
// adapters refuse the same inputs with the same messages (the contract suite pins them).
import type { WriteBatch } from '../port.ts';

/** Caller-supplied names and filter values must be strings: an object could be read by an
 *  engine as an operator (MongoDB) or bound as another type (SQL). */
export function str(what: string, value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  return value;
}

export function checkLimit(limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  return limit;
}

export function checkNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`${name} must be a finite number`);
  return value;
}

/** Only bytes reach the body columns: a string would be stored as text, and would most likely be
 *  a value that skipped the keyring. */
export function checkBytes(what: string, value: unknown): Buffer {
  if (!Buffer.isBuffer(value)) throw new TypeError(`${what} must be a Buffer`);
  return value;
}

/** The checks of a batch shared by every adapter (run before any transaction opens). */
export function checkBatch(batch: WriteBatch): void {
  for (const r of batch.put ?? []) {
    checkBytes(`body of ${r.kind}/${r.id}`, r.body);
    checkNumber('createdAt', r.createdAt);
    checkNumber('updatedAt', r.updatedAt);
    for (const [name, value] of Object.entries(r.index)) {
      if (typeof value !== 'string') throw new TypeError(`index ${name} of ${r.kind}/${r.id} must be a string`);
    }
  }
  for (const p of batch.points ?? []) {
    checkBytes(`body of point ${p.id}`, p.body);
    checkNumber('ts', p.ts);
  }
}
