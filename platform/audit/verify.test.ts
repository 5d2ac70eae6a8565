import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StoredAuditEntry, StoredCheckpoint } from '../storage/port.ts';
import { GENESIS_HASH, canonicalJson, checkpointPayload, entryHash } from './hash.ts';
import { verifyChain, type ChainBreak } from './verify.ts';

const keys = generateKeyPairSync('ed25519');
const otherKeys = generateKeyPairSync('ed25519');
const T0 = 1_700_000_000_000;
const OUTCOMES = ['success', 'failure', 'denied'] as const;

/** A chain of `length` synthetic entries built exactly as ./log.ts builds them. */
function buildEntries(length: number, salt = 'a'): StoredAuditEntry[] {
  const entries: StoredAuditEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const fields = {
      seq,
      ts: T0 + seq * 1000,
      actor: `device:d-${salt}${seq % 4}`,
      action: seq % 3 === 0 ? 'mqtt.publish.denied' : 'record.read',
      target: `tenants/acme/devices/d-${seq % 4}/telemetry`,
      outcome: OUTCOMES[seq % 3]!,
      details: canonicalJson({ reason: 'topic-not-owned', count: seq }),
    };
    const hash = entryHash(prevHash, fields);
    entries.push({ ...fields, prevHash, hash });
    prevHash = hash;
  }
  return entries;
}

function signCheckpoint(scope: string, entry: StoredAuditEntry, key: KeyObject = keys.privateKey): StoredCheckpoint {
  const ts = entry.ts + 1;
  return {
    seq: entry.seq,
    headHash: entry.hash,
    ts,
    signature: sign(null, checkpointPayload(scope, entry.seq, entry.hash, ts), key).toString('base64'),
    keyId: 'test-key',
  };
}

/** 30 entries with checkpoints at 10, 20 and the head (30), as `close()` leaves a chain. */
function fixture(scope = 'acme', salt = 'a') {
  const entries = buildEntries(30, salt);
  const checkpoints = [10, 20, 30].map((seq) => signCheckpoint(scope, entries[seq - 1]!));
  return { entries, checkpoints };
}

const verify = (entries: StoredAuditEntry[], checkpoints: StoredCheckpoint[], scope = 'acme') =>
  verifyChain({ scope, entries, checkpoints, publicKey: keys.publicKey });

/** Recomputes hashes from `from` onward, keeping links: what an attacker without the key can do. */
function rehash(entries: StoredAuditEntry[], from = 0): StoredAuditEntry[] {
  const out = entries.map((e) => ({ ...e }));
  for (let i = from; i < out.length; i++) {
    const e = out[i]!;
    e.prevHash = i === 0 ? GENESIS_HASH : out[i - 1]!.hash;
    e.hash = entryHash(e.prevHash, e);
  }
  return out;
}

const at = (entries: StoredAuditEntry[], seq: number) => entries.findIndex((e) => e.seq === seq);

describe('verifyChain on an untouched chain', () => {
  it('an untouched chain verifies with its head and checkpoint count', () => {
    const { entries, checkpoints } = fixture();
    expect(verify(entries, checkpoints)).toEqual({
      ok: true,
      entries: 30,
      checkpoints: 3,
      headSeq: 30,
      headHash: entries[29]!.hash,
    });
  });

  it('an empty chain with no checkpoints verifies with the genesis head', () => {
    expect(verify([], [])).toEqual({ ok: true, entries: 0, checkpoints: 0, headSeq: 0, headHash: GENESIS_HASH });
  });

  it('the public key may be given as PEM', () => {
    const { entries, checkpoints } = fixture();
    const pem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifyChain({ scope: 'acme', entries, checkpoints, publicKey: pem }).ok).toBe(true);
  });

  it('a key that is not Ed25519 is refused outright', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => verifyChain({ scope: 'acme', entries: [], checkpoints: [], publicKey: rsa.publicKey })).toThrow(/Ed25519/);
  });
});

type Tamper = (c: { entries: StoredAuditEntry[]; checkpoints: StoredCheckpoint[] }) => {
  entries: StoredAuditEntry[];
  checkpoints: StoredCheckpoint[];
};

const cases: [string, Tamper, ChainBreak, number][] = [
  [
    'an edited action is detected at its sequence number',
    ({ entries, checkpoints }) => {
      entries[6]!.action = 'record.delete';
      return { entries, checkpoints };
    },
    'edited',
    7,
  ],
  [
    'edited details are detected at their sequence number',
    ({ entries, checkpoints }) => {
      entries[6]!.details = canonicalJson({ reason: 'ok', count: 7 });
      return { entries, checkpoints };
    },
    'edited',
    7,
  ],
  [
    'an edited outcome is detected at its sequence number',
    ({ entries, checkpoints }) => {
      entries[6]!.outcome = entries[6]!.outcome === 'success' ? 'denied' : 'success';
      return { entries, checkpoints };
    },
    'edited',
    7,
  ],
  [
    'an edited timestamp is detected at its sequence number',
    ({ entries, checkpoints }) => {
      entries[6]!.ts += 1;
      return { entries, checkpoints };
    },
    'edited',
    7,
  ],
  [
    'an entry edited and re-hashed is detected where it was edited',
    ({ entries, checkpoints }) => {
      entries[6]!.actor = 'user:u-9999';
      return { entries: rehash(entries, 6).map((e, i) => (i > 6 ? entries[i]! : e)), checkpoints };
    },
    'edited',
    7,
  ],
  [
    'a renumbered seq field is reported as an edit',
    ({ entries, checkpoints }) => {
      entries[6]!.seq = 700;
      return { entries, checkpoints };
    },
    'edited',
    7,
  ],
  [
    'a deleted middle entry is detected at the missing sequence number',
    ({ entries, checkpoints }) => ({ entries: entries.filter((e) => e.seq !== 7), checkpoints }),
    'deleted',
    7,
  ],
  [
    'a run of deleted entries is detected at the first missing one',
    ({ entries, checkpoints }) => ({ entries: entries.filter((e) => e.seq < 7 || e.seq > 9), checkpoints }),
    'deleted',
    7,
  ],
  [
    'a deleted first entry is detected at seq 1',
    ({ entries, checkpoints }) => ({ entries: entries.slice(1), checkpoints }),
    'deleted',
    1,
  ],
  [
    'a deletion hidden by renumbering the later entries is still a deletion',
    ({ entries, checkpoints }) => ({
      entries: entries.filter((e) => e.seq !== 7).map((e) => (e.seq > 7 ? { ...e, seq: e.seq - 1 } : e)),
      checkpoints,
    }),
    'deleted',
    7,
  ],
  [
    'two entries swapped in storage order are detected at the first of them',
    ({ entries, checkpoints }) => {
      [entries[6], entries[7]] = [entries[7]!, entries[6]!];
      return { entries, checkpoints };
    },
    'reordered',
    7,
  ],
  [
    'two entries whose seq numbers were swapped are detected as reordered',
    ({ entries, checkpoints }) => {
      const seven = { ...entries[7]!, seq: 7 };
      const eight = { ...entries[6]!, seq: 8 };
      entries[6] = seven;
      entries[7] = eight;
      return { entries, checkpoints };
    },
    'reordered',
    7,
  ],
  [
    'two distant entries whose contents were swapped in place are detected as reordered',
    ({ entries, checkpoints }) => {
      const a = entries[6]!;
      const b = entries[11]!;
      const content = (e: StoredAuditEntry) => ({ ts: e.ts, actor: e.actor, action: e.action, target: e.target, outcome: e.outcome, details: e.details });
      entries[6] = { ...a, ...content(b) };
      entries[11] = { ...b, ...content(a) };
      return { entries, checkpoints };
    },
    'reordered',
    7,
  ],
  [
    'an entry moved earlier and renumbered is detected as reordered',
    ({ entries, checkpoints }) => {
      const moved = entries.splice(11, 1)[0]!;
      entries.splice(6, 0, moved);
      return { entries: entries.map((e, i) => (i < 20 ? { ...e, seq: i + 1 } : e)), checkpoints };
    },
    'reordered',
    7,
  ],
  [
    'a duplicated entry is detected as out of order',
    ({ entries, checkpoints }) => {
      entries.splice(8, 0, { ...entries[6]! });
      return { entries, checkpoints };
    },
    'reordered',
    7,
  ],
  [
    'a forged entry inserted with renumbering is reported where it was inserted',
    ({ entries, checkpoints }) => {
      const prev = entries[5]!;
      const fields = { seq: 7, ts: prev.ts + 1, actor: 'user:u-0666', action: 'record.read', target: 'x', outcome: 'success' as const, details: '{}' };
      const forged = { ...fields, prevHash: prev.hash, hash: entryHash(prev.hash, fields) };
      const rest = entries.slice(6).map((e) => ({ ...e, seq: e.seq + 1 }));
      return { entries: [...entries.slice(0, 6), forged, ...rest], checkpoints };
    },
    'edited',
    7,
  ],
  [
    'a tail cut past the last checkpoint is detected as truncation after the new end',
    ({ entries, checkpoints }) => ({ entries: entries.slice(0, 25), checkpoints }),
    'truncated',
    26,
  ],
  [
    'a tail cut and regrown to the same length is detected as truncation at the head',
    ({ entries, checkpoints }) => {
      const regrown = entries.map((e) => (e.seq > 25 ? { ...e, action: 'record.write' } : e));
      return { entries: rehash(regrown, 25), checkpoints };
    },
    'truncated',
    30,
  ],
  [
    'a past rewritten with every later hash recomputed is caught by the next checkpoint',
    ({ entries, checkpoints }) => {
      entries[6]!.outcome = 'success';
      entries[6]!.action = 'record.export';
      return { entries: rehash(entries, 6), checkpoints };
    },
    'bad-checkpoint',
    10,
  ],
  [
    'a forged checkpoint signature is detected',
    ({ entries, checkpoints }) => {
      const sig = Buffer.from(checkpoints[1]!.signature, 'base64');
      sig[0] = sig[0]! ^ 0xff;
      checkpoints[1] = { ...checkpoints[1]!, signature: sig.toString('base64') };
      return { entries, checkpoints };
    },
    'bad-checkpoint',
    20,
  ],
  [
    'a checkpoint signed by another key is rejected',
    ({ entries, checkpoints }) => ({
      entries,
      checkpoints: [...checkpoints, signCheckpoint('acme', entries[14]!, otherKeys.privateKey)],
    }),
    'bad-checkpoint',
    15,
  ],
  [
    'a checkpoint whose head hash was changed to match a rewritten chain is rejected',
    ({ entries, checkpoints }) => {
      entries[6]!.action = 'record.export';
      const rewritten = rehash(entries, 6);
      const cps = checkpoints.map((cp) => ({ ...cp, headHash: rewritten[cp.seq - 1]!.hash }));
      return { entries: rewritten, checkpoints: cps };
    },
    'bad-checkpoint',
    10,
  ],
  [
    'an unsigned checkpoint beyond the end does not pass for truncation',
    ({ entries, checkpoints }) => ({
      entries,
      checkpoints: [...checkpoints, { ...signCheckpoint('acme', entries[29]!), seq: 40 }],
    }),
    'bad-checkpoint',
    40,
  ],
];

describe('verifyChain detects and classifies tampering', () => {
  it.each(cases)('%s', (_name, tamper, reason, seq) => {
    const { entries, checkpoints } = tamper(fixture());
    const result = verify(entries, checkpoints);
    expect(result).toMatchObject({ ok: false, reason, firstBrokenSeq: seq });
    if (!result.ok) expect(result.detail.length).toBeGreaterThan(10);
  });

  it('reports how many entries verified before the break', () => {
    const { entries, checkpoints } = fixture();
    entries[6]!.action = 'record.delete';
    expect(verify(entries, checkpoints)).toMatchObject({ ok: false, entriesChecked: 6 });
  });

  it('the first broken entry is reported when several were edited', () => {
    const { entries, checkpoints } = fixture();
    entries[11]!.action = 'record.delete';
    entries[4]!.target = 'elsewhere';
    expect(verify(entries, checkpoints)).toMatchObject({ ok: false, reason: 'edited', firstBrokenSeq: 5 });
  });

  it('a checkpoint copied from another scope is rejected though it verifies in its own', () => {
    const acme = fixture('acme');
    const globex = fixture('globex', 'b');
    expect(verify(globex.entries, globex.checkpoints, 'globex').ok).toBe(true);
    const copied = [...acme.checkpoints, globex.checkpoints[0]!];
    const result = verify(acme.entries, copied, 'acme');
    expect(result).toMatchObject({ ok: false, reason: 'bad-checkpoint', firstBrokenSeq: 10 });
  });

  it('a checkpoint copied from another scope onto an identical chain is still rejected', () => {
    // Same entries and key: only the scope binding tells the two chains' checkpoints apart.
    const entries = buildEntries(12);
    const foreign = signCheckpoint('globex', entries[11]!);
    expect(verify(entries, [foreign], 'globex').ok).toBe(true);
    expect(verify(entries, [foreign], 'acme')).toMatchObject({ ok: false, reason: 'bad-checkpoint', firstBrokenSeq: 12 });
  });

  it('an empty chain that a signed checkpoint vouches for is truncated from seq 1', () => {
    const { checkpoints } = fixture();
    expect(verify([], checkpoints)).toMatchObject({ ok: false, reason: 'truncated', firstBrokenSeq: 1 });
  });

  it('the tail after the last checkpoint cannot be proven: cutting it is not flagged', () => {
    // Documents the limit of the scheme: entries after the newest checkpoint are protected only
    // once the next checkpoint is signed (every N entries, on a timer and on close).
    const entries = buildEntries(30);
    const checkpoints = [signCheckpoint('acme', entries[19]!)];
    expect(verify(entries.slice(0, 25), checkpoints)).toMatchObject({ ok: true, headSeq: 25 });
  });
});
