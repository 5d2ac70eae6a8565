// Pure verification of one audit chain against its signed checkpoints. Needs only the entries,
// the checkpoints and the audit public key (audit-signing.pub.pem, see ./signer.ts), so an
// auditor can run it away from the platform. Entries are walked in storage order; the first
// broken one is reported with the kind of tampering that best explains what is seen.
import { KeyObject, createPublicKey, verify as verifySignature } from 'node:crypto';
import type { StoredAuditEntry, StoredCheckpoint } from '../storage/port.ts';
import { GENESIS_HASH, checkpointPayload, entryHash } from './hash.ts';
import type { ChainBreak, ChainVerified, ChainBroken, ChainVerdict } from '../contract.ts';
// The wire types live in the pure contract module (the dashboard reads them without Node types).
export type { ChainBreak, ChainVerified, ChainBroken, ChainVerdict } from '../contract.ts';

export interface VerifyChainInput {
  scope: string;
  /** The whole chain in storage order (as read with readAudit from seq 1). */
  entries: readonly StoredAuditEntry[];
  checkpoints: readonly StoredCheckpoint[];
  /** Ed25519 public key: KeyObject, or PEM/DER SPKI. */
  publicKey: KeyObject | string | Buffer;
}

// size: one pass over the chain whose checks (sequence, links, hashes, checkpoints) share the
// running state and must read in the order they are applied
export function verifyChain(input: VerifyChainInput): ChainVerdict {
  const { scope, entries } = input;
  const key = toEd25519PublicKey(input.publicKey);

  const checkpoints = input.checkpoints.map((cp) => ({ cp, signed: signatureValid(scope, cp, key) }));
  const malformed = checkpoints.find(({ cp }) => !Number.isSafeInteger(cp.seq) || cp.seq < 1);
  if (malformed) {
    return broken(1, 'bad-checkpoint', `a checkpoint names seq ${String(malformed.cp.seq)}, not a sequence number`, 0);
  }
  const checkpointsAt = new Map<number, typeof checkpoints>();
  for (const c of checkpoints) {
    const list = checkpointsAt.get(c.cp.seq) ?? [];
    list.push(c);
    checkpointsAt.set(c.cp.seq, list);
  }

  // Where each stored hash sits, to tell a moved entry from a rewritten one.
  const positionOfHash = new Map<string, number>();
  entries.forEach((e, i) => {
    if (!positionOfHash.has(e.hash)) positionOfHash.set(e.hash, i);
  });
  const seqsPresent = new Set(entries.map((e) => e.seq));
  const maxCheckpointSeq = Math.max(0, ...checkpoints.map(({ cp }) => cp.seq));
  const searchLimit = Math.max(1024, entries.length, maxCheckpointSeq);

  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let verified = 0;

  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;

    if (e.seq !== expectedSeq) {
      // A seq field rewritten in place: the entry still hashes correctly under its true seq.
      if (e.prevHash === prevHash && entryHash(e.prevHash, { ...e, seq: expectedSeq }) === e.hash) {
        return broken(expectedSeq, 'edited', `seq ${expectedSeq} was renumbered to ${String(e.seq)}`, verified);
      }
      if (!Number.isSafeInteger(e.seq) || e.seq < expectedSeq) {
        // Chain positions must be strictly ascending in storage order (duplicates included).
        const at = Number.isSafeInteger(e.seq) ? Math.max(1, e.seq) : expectedSeq;
        return broken(
          at,
          'reordered',
          `seq ${String(e.seq)} is stored after seq ${expectedSeq - 1}: sequence numbers are not strictly ascending`,
          verified,
        );
      }
      const misplaced = firstPresentBetween(seqsPresent, expectedSeq, e.seq);
      if (misplaced !== undefined) {
        return broken(
          expectedSeq,
          'reordered',
          `seq ${e.seq} is stored where seq ${expectedSeq} belongs; seq ${misplaced} is stored later`,
          verified,
        );
      }
      const missing = e.seq - expectedSeq;
      return broken(
        expectedSeq,
        'deleted',
        missing === 1
          ? `seq ${expectedSeq} is missing (the chain jumps from ${expectedSeq - 1} to ${e.seq})`
          : `seq ${expectedSeq}..${e.seq - 1} are missing (${missing} entries)`,
        verified,
      );
    }

    const selfConsistent = entryHash(e.prevHash, e) === e.hash;
    const linked = e.prevHash === prevHash;

    if (!linked) {
      const pointsAt = positionOfHash.get(e.prevHash);
      if (pointsAt !== undefined && pointsAt > i) {
        // Its recorded predecessor is stored later: entries were moved (or their seqs swapped).
        const thatSeq = entries[pointsAt]!.seq;
        return broken(e.seq, 'reordered', `seq ${e.seq} links to the entry stored as seq ${thatSeq}`, verified);
      }
      if (pointsAt !== undefined && pointsAt < i - 1) {
        // It links further back: what is stored in between was never part of the chain.
        const intruder = entries[pointsAt + 1]!.seq;
        return broken(
          intruder,
          'edited',
          `seq ${e.seq} links back to seq ${entries[pointsAt]!.seq}: seq ${intruder}..${e.seq - 1} were inserted`,
          verified,
        );
      }
      if (selfConsistent) {
        // The entry is intact, so its predecessor's hash changed: the predecessor was rewritten
        // (and re-hashed), or entries before this one were removed and the rest renumbered.
        const at = Math.max(1, e.seq - 1);
        return broken(
          at,
          'edited',
          i === 0
            ? `seq ${e.seq} does not start from the genesis hash`
            : `seq ${e.seq} records a different hash for seq ${at} than the one stored`,
          Math.max(0, verified - 1),
        );
      }
      // Neither the link nor the content holds. If the entry hashes under a higher seq it was
      // renumbered down after entries before it were removed.
      const recordedSeq = findRecordedSeq(e, searchLimit);
      if (recordedSeq !== undefined && recordedSeq > e.seq) {
        return broken(
          e.seq,
          'deleted',
          `seq ${e.seq} was recorded as seq ${recordedSeq}: ${recordedSeq - e.seq} entries before it were removed and the rest renumbered`,
          verified,
        );
      }
      return broken(e.seq, 'edited', `seq ${e.seq} neither matches its hash nor links to seq ${e.seq - 1}`, verified);
    }

    if (!selfConsistent) {
      // Linked but the content does not hash: edited, unless this content belongs to another slot.
      const slot = findSlotForContent(entries, i, e);
      if (slot !== undefined) {
        return broken(
          e.seq,
          'reordered',
          `the content stored at seq ${e.seq} was recorded at seq ${entries[slot]!.seq}`,
          verified,
        );
      }
      return broken(e.seq, 'edited', `seq ${e.seq} does not match its hash: its content was changed`, verified);
    }

    verified++;
    prevHash = e.hash;
    expectedSeq++;

    for (const { cp, signed } of checkpointsAt.get(e.seq) ?? []) {
      if (!signed) {
        return broken(e.seq, 'bad-checkpoint', `checkpoint at seq ${e.seq} has an invalid signature`, verified);
      }
      if (cp.headHash !== e.hash) {
        // A genuine signature vouches for a different history up to here. At the head this is
        // the signature of truncation followed by new appends; further back, of a rewritten past.
        const atHead = i === entries.length - 1;
        return broken(
          e.seq,
          atHead ? 'truncated' : 'bad-checkpoint',
          atHead
            ? `the head (seq ${e.seq}) no longer matches its signed checkpoint: the tail was cut and rewritten`
            : `checkpoint at seq ${e.seq} signs a different head hash than the chain holds: entries up to seq ${e.seq} were rewritten`,
          verified,
        );
      }
    }
  }

  const headSeq = expectedSeq - 1;
  const beyond = checkpoints.filter(({ cp }) => cp.seq > headSeq);
  const proof = beyond.filter(({ signed }) => signed).sort((a, b) => b.cp.seq - a.cp.seq)[0];
  if (proof) {
    return broken(
      headSeq + 1,
      'truncated',
      `a signed checkpoint names seq ${proof.cp.seq} but the chain ends at seq ${headSeq}`,
      verified,
    );
  }
  const forged = beyond.sort((a, b) => a.cp.seq - b.cp.seq)[0];
  if (forged) {
    return broken(forged.cp.seq, 'bad-checkpoint', `checkpoint at seq ${forged.cp.seq} has an invalid signature`, verified);
  }

  return { ok: true, entries: verified, checkpoints: checkpoints.length, headSeq, headHash: prevHash };
}

function broken(firstBrokenSeq: number, reason: ChainBreak, detail: string, entriesChecked: number): ChainBroken {
  return { ok: false, firstBrokenSeq, reason, detail, entriesChecked };
}

/** Accepts a public (or private, whose public half is used) Ed25519 key in any Node form. */
export function toEd25519PublicKey(key: KeyObject | string | Buffer): KeyObject {
  const pub =
    key instanceof KeyObject && key.type === 'public'
      ? key
      : Buffer.isBuffer(key) && !key.subarray(0, 5).equals(Buffer.from('-----'))
        ? createPublicKey({ key, format: 'der', type: 'spki' })
        : createPublicKey(key);
  if (pub.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`audit checkpoints are verified with an Ed25519 key, not ${String(pub.asymmetricKeyType)}`);
  }
  return pub;
}

function signatureValid(scope: string, cp: StoredCheckpoint, key: KeyObject): boolean {
  if (!Number.isSafeInteger(cp.seq) || !Number.isFinite(cp.ts)) return false;
  try {
    const signature = Buffer.from(cp.signature, 'base64');
    return verifySignature(null, checkpointPayload(scope, cp.seq, cp.headHash, cp.ts), key, signature);
  } catch {
    return false;
  }
}

/** The lowest seq in (from, to) — `from` inclusive, `to` exclusive — that is stored somewhere. */
function firstPresentBetween(present: Set<number>, from: number, to: number): number | undefined {
  if (to - from <= present.size) {
    for (let s = from; s < to; s++) if (present.has(s)) return s;
    return undefined;
  }
  let lowest: number | undefined;
  for (const s of present) if (s >= from && s < to && (lowest === undefined || s < lowest)) lowest = s;
  return lowest;
}

/** The seq under which this entry's content and prevHash produce its stored hash, if any nearby. */
function findRecordedSeq(e: StoredAuditEntry, limit: number): number | undefined {
  for (let d = 1; d <= limit; d++) {
    if (entryHash(e.prevHash, { ...e, seq: e.seq + d }) === e.hash) return e.seq + d;
    if (e.seq - d >= 1 && entryHash(e.prevHash, { ...e, seq: e.seq - d }) === e.hash) return e.seq - d;
  }
  return undefined;
}

/** Another position whose prevHash, seq and hash this entry's content fits (content swapped). */
function findSlotForContent(entries: readonly StoredAuditEntry[], self: number, e: StoredAuditEntry): number | undefined {
  for (let k = 0; k < entries.length; k++) {
    if (k === self) continue;
    const slot = entries[k]!;
    if (entryHash(slot.prevHash, { ...e, seq: slot.seq }) === slot.hash) return k;
  }
  return undefined;
}
