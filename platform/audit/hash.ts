// Pure hashing for the audit chain. Every entry's hash covers its predecessor's hash, so changing,
// removing or moving any entry breaks every link after it (docs/architecture.md promise 4). Checkpoints sign
// (scope, seq, head hash, ts); the verifier lives in ./verify.ts, the writer in ./log.ts.
import { createHash } from 'node:crypto';
import type { StoredAuditEntry } from '../storage/port.ts';
import { canonicalJson as canonical } from '../policy/canonical-json.ts';

/** prevHash of the first entry (seq 1) of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

// Domain tags keep an entry hash from ever being valid as a checkpoint payload (or as the hash of
// any other structure) and version the encoding. A NUL separates tag and body: canonical JSON
// escapes control characters, so the split is unambiguous.
const ENTRY_DOMAIN = 'custodia/audit-entry/v1';
const CHECKPOINT_DOMAIN = 'custodia/audit-checkpoint/v1';

/** The fields an entry hash covers (everything stored except prevHash and hash themselves). */
export type AuditEntryFields = Pick<StoredAuditEntry, 'seq' | 'ts' | 'actor' | 'action' | 'target' | 'outcome' | 'details'>;

/** Canonical JSON (RFC 8785, policy/canonical-json.ts) with `undefined` treated as JSON.stringify
 *  treats it: audit details are built by code with optional fields. */
export const canonicalJson = (value: unknown): string => canonical(value, { undefinedValues: 'omit' });

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
