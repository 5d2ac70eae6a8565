// Pure hashing for the audit chain. Every entry's hash covers its predecessor's hash, so changing,
// removing or moving any entry breaks every link after it (docs/architecture.md promise 4). Checkpoints sign
// (scope, seq, head hash, ts); the verifier lives in ./verify.ts, the writer in ./log.ts.
import { createHash } from 'node:crypto';
import type { StoredAuditEntry } from '../storage/port.ts';

/** prevHash of the first entry (seq 1) of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

// Domain tags keep an entry hash from ever being valid as a checkpoint payload (or as the hash of
// any other structure) and version the encoding. A NUL separates tag and body: canonical JSON
// escapes control characters, so the split is unambiguous.
const ENTRY_DOMAIN = 'custodia/audit-entry/v1';
const CHECKPOINT_DOMAIN = 'custodia/audit-checkpoint/v1';

/** The fields an entry hash covers (everything stored except prevHash and hash themselves). */
export type AuditEntryFields = Pick<StoredAuditEntry, 'seq' | 'ts' | 'actor' | 'action' | 'target' | 'outcome' | 'details'>;

/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace, numbers and strings as
 * ECMAScript serialises them — the RFC 8785 (JCS) rules for the values audit details hold.
 * Like JSON.stringify, `undefined` object members are left out and `toJSON` is honoured (dates
 * become ISO strings). Values JSON cannot represent faithfully (NaN, ±Infinity, bigint, functions,
 * symbols, cycles) throw instead of being silently changed.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, new Set<object>());
}

function encode(value: unknown, stack: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot hold ${value}`);
      return JSON.stringify(value); // -0 becomes 0, as in JCS
    case 'object':
      break;
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
  const obj = value as object;
  if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
    return encode((obj as { toJSON: () => unknown }).toJSON(), stack);
  }
  if (stack.has(obj)) throw new TypeError('canonical JSON cannot hold a cyclic structure');
  stack.add(obj);
  try {
    if (Array.isArray(obj)) {
      return `[${obj.map((item) => (item === undefined ? 'null' : encode(item, stack))).join(',')}]`;
    }
    const record = obj as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined) continue;
      members.push(`${JSON.stringify(key)}:${encode(member, stack)}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    stack.delete(obj);
  }
}

/** sha256 (hex) of one entry bound to its predecessor. `details` is the stored canonical string. */
export function entryHash(prevHash: string, fields: AuditEntryFields): string {
  // Positional array: no field can be confused with another, whatever the strings contain.
  const body = canonicalJson([
    prevHash,
    fields.seq,
    fields.ts,
    fields.actor,
    fields.action,
    fields.target,
    fields.outcome,
    fields.details,
  ]);
  return createHash('sha256').update(`${ENTRY_DOMAIN}\0${body}`, 'utf8').digest('hex');
}

/** The bytes a checkpoint signs. The scope is bound so a checkpoint cannot vouch for another chain. */
export function checkpointPayload(scope: string, seq: number, headHash: string, ts: number): Buffer {
  return Buffer.from(`${CHECKPOINT_DOMAIN}\0${canonicalJson([scope, seq, headHash, ts])}`, 'utf8');
}
