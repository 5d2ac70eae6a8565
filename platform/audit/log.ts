// The audit log: one append-only hash chain per tenant and one for the platform ("_platform"),
// kept through the storage port, with Ed25519-signed checkpoints (docs/architecture.md promise 4).
// Hashing: ./hash.ts; one chain's writer: ./chain.ts; verification: ./verify.ts; the signing key:
// ./signer.ts.
import { z } from 'zod';
import { badRequest } from '../errors.ts';
import { KeyedQueue } from '../keyed-queue.ts';
import { PLATFORM_SCOPE, TENANT_ID_PATTERN } from '../storage/port.ts';
import type { Store, StoredAuditEntry, StoredCheckpoint } from '../storage/port.ts';
import { AuditChain } from './chain.ts';
import { canonicalJson } from './hash.ts';
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

function parseListQuery(query: AuditListQuery): z.infer<typeof listSchema> {
  const parsed = listSchema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest(`invalid audit query: ${issue.path.join('.')} ${issue.message}`);
  }
  return parsed.data;
}

/** One page of a chain's entries that match the query, read in pages of READ_PAGE from `fromSeq`. */
async function listEntries(store: AuditStore, q: z.infer<typeof listSchema>): Promise<AuditPage> {
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
}

/** A chain's checkpoints and all its entries, for verification. Checkpoints first: any checkpoint
 *  read then names entries already committed, so appends running meanwhile cannot look like
 *  truncation. */
async function readChain(store: AuditStore): Promise<{ entries: StoredAuditEntry[]; checkpoints: StoredCheckpoint[] }> {
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
  return { entries, checkpoints };
}

export function createAudit(options: CreateAuditOptions): Audit {
  const { storeFor, signer, now = Date.now, onError = () => {} } = options;
  const checkpointEvery = options.checkpointEvery ?? 100;
  const checkpointIntervalMs = options.checkpointIntervalMs ?? 60_000;
  if (!Number.isSafeInteger(checkpointEvery) || checkpointEvery < 1) {
    throw new RangeError('checkpointEvery must be a positive integer');
  }
  const publicKey = toEd25519PublicKey(signer.publicKeyPem);
  const chains = new Map<string, AuditChain>();
  // One queue per chain (keyed by scope): every write to a chain runs after the previous one.
  const queue = new KeyedQueue();
  let closed = false;

  function chainOf(scope: string): AuditChain {
    assertAuditScope(scope);
    let chain = chains.get(scope);
    if (!chain) {
      chain = new AuditChain(scope, { storeFor, signer, now, onError, checkpointEvery });
      chains.set(scope, chain);
    }
    return chain;
  }

  /** Runs `task` after every earlier task on the same chain (the per-chain promise queue). */
  const exclusive = <T>(chain: AuditChain, task: () => Promise<T>): Promise<T> => queue.run(chain.scope, task);

  function scheduleDrain(chain: AuditChain): void {
    if (chain.flushScheduled) return;
    chain.flushScheduled = true;
    void exclusive(chain, async () => {
      try {
        await chain.drain();
      } finally {
        chain.flushScheduled = false;
      }
    });
  }

  const timer =
    checkpointIntervalMs > 0
      ? setInterval(() => {
          for (const chain of chains.values()) {
            if (chain.unsigned) audit.checkpoint(chain.scope).catch((err: unknown) => onError(err, chain.scope));
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
        await chain.drain();
        if (opts.reload) chain.head = undefined;
        return chain.writeCheckpoint(opts.fence);
      });
    },

    async list(scope, query = {}) {
      const q = parseListQuery(query);
      return listEntries(await chainOf(scope).storeOf(), q);
    },

    async verify(scope) {
      const { entries, checkpoints } = await readChain(await chainOf(scope).storeOf());
      return verifyChain({ scope, entries, checkpoints, publicKey });
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      const results = await Promise.allSettled(
        [...chains.values()].map((chain) =>
          exclusive(chain, async () => {
            await chain.drain();
            await chain.writeCheckpoint();
          }),
        ),
      );
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    },
  };
  return audit;
}
