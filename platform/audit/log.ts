// The audit log: one append-only hash chain per tenant and one for the platform ("_platform"),
// kept through the storage port, with Ed25519-signed checkpoints (docs/architecture.md promise 4).
// Hashing: ./hash.ts; verification: ./verify.ts; the signing key: ./signer.ts.
import { z } from 'zod';
import { badRequest } from '../errors.ts';
import { KeyedQueue } from '../keyed-queue.ts';
import { PLATFORM_SCOPE, TENANT_ID_PATTERN } from '../storage/port.ts';
import type { Store, StoredAuditEntry, StoredCheckpoint } from '../storage/port.ts';
import { GENESIS_HASH, canonicalJson, checkpointPayload, entryHash } from './hash.ts';
import type { AuditSigner } from './signer.ts';
import { toEd25519PublicKey, verifyChain, type ChainVerdict } from './verify.ts';

export type AuditStore = Pick<Store, 'appendAudit' | 'readAudit' | 'lastAudit' | 'putCheckpoint' | 'listCheckpoints'>;
export type AuditOutcome = StoredAuditEntry['outcome'];

export interface AuditEvent {
  /** Who acted: "user:<id>", "device:<id>", "system:<component>" — a handle, never a name. */
  actor: string;
  /** What happened, dotted: "mqtt.publish.denied", "patient.read", "key.rotate". */
  action: string;
  /** What it was done to: an id, a topic, a resource path. */
  target: string;
  outcome: AuditOutcome;
  /** Ids, counts, codes, reasons — never personal data (keys below are refused). */
  details?: Record<string, unknown>;
}

export interface AuditListQuery {
  /** First seq to consider (default 1); pass the previous page's `nextFromSeq` to continue. */
  fromSeq?: number;
  /** At most this many entries (default 100, max 1000). */
  limit?: number;
  action?: string;
  actor?: string;
  outcome?: AuditOutcome;
  /** ts >= since (ms since epoch). */
  since?: number;
  /** ts < until (ms since epoch). */
  until?: number;
}

export interface AuditPage {
  entries: StoredAuditEntry[];
  /** Where the next page starts, or null when the chain was read to its end. */
  nextFromSeq: number | null;
}

export interface Audit {
  /** Appends one entry to the scope's chain and resolves with it once it is stored. */
  record(scope: string, event: AuditEvent): Promise<StoredAuditEntry>;
  /** Signs and stores a checkpoint at the current head; null when the head is already signed. */
  checkpoint(scope: string, opts?: CheckpointOptions): Promise<StoredCheckpoint | null>;
  list(scope: string, query?: AuditListQuery): Promise<AuditPage>;
  /** Reads the whole chain and its checkpoints and verifies them (./verify.ts). */
  verify(scope: string): Promise<ChainVerdict>;
  /** Writes a final checkpoint on every chain it touched and stops its timer. */
  close(): Promise<void>;
}

export interface CheckpointOptions {
  /** Re-read the head from the store first: other nodes may have appended (cluster mode). */
  reload?: boolean;
  /** Runs right before the checkpoint is stored; throwing stops it (a lease's fence). */
  fence?: () => Promise<void>;
}

export interface CreateAuditOptions {
  storeFor: (scope: string) => Promise<AuditStore>;
  signer: Pick<AuditSigner, 'keyId' | 'sign' | 'publicKeyPem'>;
  /** Sign a checkpoint every this many entries per chain. */
  checkpointEvery?: number;
  /** Sign chains that moved at this interval (ms); 0: no timer (in cluster mode the holder of
   *  the checkpoint lease signs every chain instead, platform/cluster/jobs.ts). */
  checkpointIntervalMs?: number;
  now?: () => number;
  /** Failures of background work (timer checkpoints); records report their own failures. */
  onError?: (err: unknown, scope: string) => void;
}

/** Keys refused in details at any depth. Compared lower-cased with separators removed, so
 *  "given_name", "Given-Name" and "givenName" are the same key. */
export const PERSONAL_DATA_KEYS: readonly string[] = [
  'name',
  'givenName',
  'familyName',
  'firstName',
  'lastName',
  'fullName',
  'surname',
  'birthDate',
  'dateOfBirth',
  'address',
  'phone',
  'phoneNumber',
  'email',
  'emailAddress',
  'identifier',
  'password',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'privateKey',
];
const REFUSED = new Set(PERSONAL_DATA_KEYS.map(normaliseKey));

/** Details are meant to be small facts; these bounds keep a caller from storing a document. */
const MAX_DETAILS_DEPTH = 8;
const MAX_DETAILS_CHARS = 8 * 1024;
const MAX_LIST_LIMIT = 1000;
const READ_PAGE = 1000;
/** Largest group of entries written in one appendAudit call. */
const MAX_APPEND_BATCH = 500;

export class AuditDetailsError extends Error {
  override name = 'AuditDetailsError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`audit details ${path}: ${reason}`);
  }
}

const handle = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');
const eventSchema = z.object({
  actor: handle,
  action: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be a dotted action code'),
  target: handle,
  outcome: z.enum(['success', 'failure', 'denied']),
  details: z.record(z.string(), z.unknown()).optional(),
});

const listSchema = z.object({
  fromSeq: z.number().int().min(1).default(1),
  limit: z.number().int().min(1).max(MAX_LIST_LIMIT).default(100),
  action: z.string().optional(),
  actor: z.string().optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  since: z.number().optional(),
  until: z.number().optional(),
});

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Throws AuditDetailsError naming the first refused key (any depth, arrays included). */
export function assertNoPersonalData(details: unknown, path = 'details', depth = 0): void {
  if (details === null || typeof details !== 'object') return;
  if (depth > MAX_DETAILS_DEPTH) throw new AuditDetailsError(path, `nested deeper than ${MAX_DETAILS_DEPTH} levels`);
  if (Array.isArray(details)) {
    details.forEach((item, i) => assertNoPersonalData(item, `${path}[${i}]`, depth + 1));
    return;
  }
  for (const [key, value] of Object.entries(details)) {
    const at = `${path}.${key}`;
    if (REFUSED.has(normaliseKey(key))) {
      throw new AuditDetailsError(at, 'looks like personal data or a secret; record ids, counts, codes or reasons');
    }
    assertNoPersonalData(value, at, depth + 1);
  }
}

/** Validates an event as `record` would and returns its canonical details string. */
export function prepareAuditEvent(event: AuditEvent): { event: AuditEvent; details: string } {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TypeError(`invalid audit event: ${issue.path.join('.') || 'event'} ${issue.message}`);
  }
  assertNoPersonalData(parsed.data.details ?? {});
  const details = canonicalJson(parsed.data.details ?? {});
  if (details.length > MAX_DETAILS_CHARS) {
    throw new AuditDetailsError('details', `longer than ${MAX_DETAILS_CHARS} characters once encoded`);
  }
  return { event: parsed.data as AuditEvent, details };
}

export function assertAuditScope(scope: string): void {
  if (scope !== PLATFORM_SCOPE && !TENANT_ID_PATTERN.test(scope)) {
    throw new TypeError(`invalid audit scope: ${JSON.stringify(scope)}`);
  }
}

interface Pending {
  event: AuditEvent;
  details: string;
  resolve: (entry: StoredAuditEntry) => void;
  reject: (err: unknown) => void;
}

interface Chain {
  scope: string;
  store: Promise<AuditStore> | undefined;
  /** Cached head; undefined until loaded from lastAudit (and again after a failed append). */
  head: { seq: number; hash: string; ts: number } | undefined;
  lastCheckpointSeq: number;
  pending: Pending[];
  flushScheduled: boolean;
}

const MAX_CONFLICT_RETRIES = 20;
/** A duplicate sequence number: PostgreSQL unique violation or MongoDB duplicate key. */
const isChainConflict = (err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 11000;
};

// size: a factory closure: its body is the module's private state and its named inner functions, each held to the limit on its own
export function createAudit(options: CreateAuditOptions): Audit {
  const { storeFor, signer, now = Date.now, onError = () => {} } = options;
  const checkpointEvery = options.checkpointEvery ?? 100;
  const checkpointIntervalMs = options.checkpointIntervalMs ?? 60_000;
  if (!Number.isSafeInteger(checkpointEvery) || checkpointEvery < 1) {
    throw new RangeError('checkpointEvery must be a positive integer');
  }
  const publicKey = toEd25519PublicKey(signer.publicKeyPem);
  const chains = new Map<string, Chain>();
  // One queue per chain (keyed by scope): every write to a chain runs after the previous one.
  const queue = new KeyedQueue();
  let closed = false;

  function chainOf(scope: string): Chain {
    assertAuditScope(scope);
    let chain = chains.get(scope);
    if (!chain) {
      chain = {
        scope,
        store: undefined,
        head: undefined,
        lastCheckpointSeq: 0,
        pending: [],
        flushScheduled: false,
      };
      chains.set(scope, chain);
    }
    return chain;
  }

  function storeOf(chain: Chain): Promise<AuditStore> {
    if (!chain.store) {
      chain.store = storeFor(chain.scope);
      chain.store.catch(() => {
        chain.store = undefined; // try again on the next use
      });
    }
    return chain.store;
  }

  /** Runs `task` after every earlier task on the same chain (the per-chain promise queue). */
  const exclusive = <T>(chain: Chain, task: () => Promise<T>): Promise<T> => queue.run(chain.scope, task);

  async function loadHead(chain: Chain): Promise<{ seq: number; hash: string; ts: number }> {
    if (chain.head) return chain.head;
    const store = await storeOf(chain);
    const [last, checkpoints] = await Promise.all([store.lastAudit(), store.listCheckpoints()]);
    const head = last ? { seq: last.seq, hash: last.hash, ts: last.ts } : { seq: 0, hash: GENESIS_HASH, ts: 0 };
    chain.lastCheckpointSeq = Math.max(0, ...checkpoints.map((cp) => cp.seq));
    if (chain.lastCheckpointSeq > head.seq) {
      // Keep recording (losing new evidence would be worse); verify will report the truncation.
      onError(
        new Error(`audit chain ${chain.scope} ends at seq ${head.seq} but a checkpoint names seq ${chain.lastCheckpointSeq}`),
        chain.scope,
      );
    }
    chain.head = head;
    return head;
  }

  async function writeCheckpoint(chain: Chain, fence?: () => Promise<void>): Promise<StoredCheckpoint | null> {
    const head = await loadHead(chain);
    if (head.seq === 0 || head.seq <= chain.lastCheckpointSeq) return null;
    await fence?.();
    const ts = now();
    const cp: StoredCheckpoint = {
      seq: head.seq,
      headHash: head.hash,
      ts,
      signature: signer.sign(checkpointPayload(chain.scope, head.seq, head.hash, ts)).toString('base64'),
      keyId: signer.keyId,
    };
    await (await storeOf(chain)).putCheckpoint(cp);
    chain.lastCheckpointSeq = head.seq;
    return cp;
  }

  /** Writes every pending entry, in groups that end exactly on checkpoint boundaries. */
  async function drain(chain: Chain): Promise<void> {
    let conflicts = 0;
    while (chain.pending.length > 0) {
      let group: Pending[] = [];
      try {
        let head = await loadHead(chain);
        if (head.seq - chain.lastCheckpointSeq >= checkpointEvery) {
          // A boundary left unsigned (a failed checkpoint, or a crash before it): sign it first.
          // Failing to sign must not stop recording; the group below then stays small.
          await writeCheckpoint(chain).catch((err: unknown) => onError(err, chain.scope));
          head = await loadHead(chain);
        }
        const room = Math.max(1, checkpointEvery - (head.seq - chain.lastCheckpointSeq));
        group = chain.pending.splice(0, Math.min(room, MAX_APPEND_BATCH));
        const entries: StoredAuditEntry[] = [];
        let { seq, hash, ts } = head;
        for (const p of group) {
          seq += 1;
          // Timestamps never go backwards within a chain, so time filters can rely on order.
          ts = Math.max(now(), ts);
          const fields = { seq, ts, ...pick(p.event), details: p.details };
          const entry: StoredAuditEntry = { ...fields, prevHash: hash, hash: entryHash(hash, fields) };
          entries.push(entry);
          hash = entry.hash;
        }
        await (await storeOf(chain)).appendAudit(entries);
        chain.head = { seq, hash, ts };
        group.forEach((p, i) => p.resolve(entries[i]!));
        group = [];
      } catch (err) {
        // The store's state is unknown now: reload the head before the next append.
        chain.head = undefined;
        if (group.length > 0 && isChainConflict(err) && conflicts++ < MAX_CONFLICT_RETRIES) {
          // Another node appended to this chain first (cluster mode): re-chain the same events
          // on the new head. The store's unique sequence keeps the chain linear, never forked.
          chain.pending.unshift(...group);
          continue;
        }
        const failed = group.length > 0 ? group : chain.pending.splice(0);
        failed.forEach((p) => p.reject(err));
        continue;
      }
      if (chain.head.seq - chain.lastCheckpointSeq >= checkpointEvery) {
        // The entries are stored; a failed checkpoint is retried at the next boundary or timer.
        await writeCheckpoint(chain).catch((err: unknown) => onError(err, chain.scope));
      }
    }
  }

  function scheduleDrain(chain: Chain): void {
    if (chain.flushScheduled) return;
    chain.flushScheduled = true;
    void exclusive(chain, async () => {
      try {
        await drain(chain);
      } finally {
        chain.flushScheduled = false;
      }
    });
  }

  const timer =
    checkpointIntervalMs > 0
      ? setInterval(() => {
          for (const chain of chains.values()) {
            if (chain.head && chain.head.seq > chain.lastCheckpointSeq) {
              audit.checkpoint(chain.scope).catch((err: unknown) => onError(err, chain.scope));
            }
          }
        }, checkpointIntervalMs)
      : undefined;
  timer?.unref();

  const audit: Audit = {
    async record(scope, event) {
      if (closed) throw new Error('the audit log is closed');
      const chain = chainOf(scope);
      const prepared = prepareAuditEvent(event);
      const stored = new Promise<StoredAuditEntry>((resolve, reject) => {
        chain.pending.push({ ...prepared, resolve, reject });
      });
      scheduleDrain(chain);
      return stored;
    },

    checkpoint(scope, opts = {}) {
      const chain = chainOf(scope);
      return exclusive(chain, async () => {
        await drain(chain);
        if (opts.reload) chain.head = undefined;
        return writeCheckpoint(chain, opts.fence);
      });
    },

    async list(scope, query = {}) {
      const parsed = listSchema.safeParse(query);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw badRequest(`invalid audit query: ${issue.path.join('.')} ${issue.message}`);
      }
      const q = parsed.data;
      const store = await storeOf(chainOf(scope));
      const entries: StoredAuditEntry[] = [];
      let from = q.fromSeq;
      for (;;) {
        const page = await store.readAudit(from, READ_PAGE);
        for (const e of page) {
          if (q.until !== undefined && e.ts >= q.until) return { entries, nextFromSeq: null };
          if (
            (q.action === undefined || e.action === q.action) &&
            (q.actor === undefined || e.actor === q.actor) &&
            (q.outcome === undefined || e.outcome === q.outcome) &&
            (q.since === undefined || e.ts >= q.since)
          ) {
            entries.push(e);
            if (entries.length === q.limit) return { entries, nextFromSeq: e.seq + 1 };
          }
        }
        const last = page[page.length - 1];
        if (page.length < READ_PAGE || !last || last.seq < from) return { entries, nextFromSeq: null };
        from = last.seq + 1;
      }
    },

    async verify(scope) {
      const store = await storeOf(chainOf(scope));
      // Checkpoints first: any checkpoint read then names entries already committed, so
      // appends running meanwhile cannot look like truncation.
      const checkpoints = await store.listCheckpoints();
      const entries: StoredAuditEntry[] = [];
      let from = 1;
      for (;;) {
        const page = await store.readAudit(from, READ_PAGE);
        entries.push(...page);
        const highest = page.reduce((max, e) => Math.max(max, e.seq), from - 1);
        if (page.length < READ_PAGE || highest < from) break;
        from = highest + 1;
      }
      return verifyChain({ scope, entries, checkpoints, publicKey });
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      const results = await Promise.allSettled(
        [...chains.values()].map((chain) =>
          exclusive(chain, async () => {
            await drain(chain);
            await writeCheckpoint(chain);
          }),
        ),
      );
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    },
  };
  return audit;
}

function pick(event: AuditEvent): Pick<StoredAuditEntry, 'actor' | 'action' | 'target' | 'outcome'> {
  return { actor: event.actor, action: event.action, target: event.target, outcome: event.outcome };
}
