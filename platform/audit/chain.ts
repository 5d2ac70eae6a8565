// One audit chain's writer: its cached head, the events waiting to be appended, and the two
// writes — a group of entries linked onto the head, and a signed checkpoint at each boundary.
// The audit log (./log.ts) keeps one per scope and runs every write of a chain through that
// chain's queue, so the methods below never run concurrently for one chain.
import type { StoredAuditEntry, StoredCheckpoint } from '../storage/port.ts';
import { GENESIS_HASH, checkpointPayload, entryHash } from './hash.ts';
import type { AuditEvent, AuditStore, CreateAuditOptions } from './log.ts';

/** Largest group of entries written in one appendAudit call. */
export const MAX_APPEND_BATCH = 500;
const MAX_CONFLICT_RETRIES = 20;
/** A duplicate sequence number: PostgreSQL unique violation or MongoDB duplicate key. */
const isChainConflict = (err: unknown) => {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 11000;
};

export interface ChainHead {
  seq: number;
  hash: string;
  ts: number;
}

export interface Pending {
  event: AuditEvent;
  details: string;
  resolve: (entry: StoredAuditEntry) => void;
  reject: (err: unknown) => void;
}

export type ChainDeps = Required<Pick<CreateAuditOptions, 'storeFor' | 'signer' | 'now' | 'onError'>> & { checkpointEvery: number };

/** The entries that link `events` onto `head`, in order. Timestamps never go backwards within a
 *  chain, so time filters can rely on order. */
export function linkEntries(head: ChainHead, events: readonly { event: AuditEvent; details: string }[], now: () => number): StoredAuditEntry[] {
  const entries: StoredAuditEntry[] = [];
  let { seq, hash, ts } = head;
  for (const p of events) {
    seq += 1;
    ts = Math.max(now(), ts);
    const fields = { seq, ts, ...pick(p.event), details: p.details };
    const entry: StoredAuditEntry = { ...fields, prevHash: hash, hash: entryHash(hash, fields) };
    entries.push(entry);
    hash = entry.hash;
  }
  return entries;
}

function pick(event: AuditEvent): Pick<StoredAuditEntry, 'actor' | 'action' | 'target' | 'outcome'> {
  return { actor: event.actor, action: event.action, target: event.target, outcome: event.outcome };
}

export class AuditChain {
  private store: Promise<AuditStore> | undefined;
  /** Cached head; undefined until loaded from lastAudit (and again after a failed append). */
  head: ChainHead | undefined;
  lastCheckpointSeq = 0;
  readonly pending: Pending[] = [];
  flushScheduled = false;

  constructor(
    readonly scope: string,
    private readonly deps: ChainDeps,
  ) {}

  storeOf(): Promise<AuditStore> {
    if (!this.store) {
      const store = this.deps.storeFor(this.scope);
      this.store = store;
      store.catch(() => {
        this.store = undefined; // try again on the next use
      });
    }
    return this.store;
  }

  /** Whether entries were appended since the last checkpoint. */
  get unsigned(): boolean {
    return this.head !== undefined && this.head.seq > this.lastCheckpointSeq;
  }

  async loadHead(): Promise<ChainHead> {
    if (this.head) return this.head;
    const store = await this.storeOf();
    const [last, checkpoints] = await Promise.all([store.lastAudit(), store.listCheckpoints()]);
    const head = last ? { seq: last.seq, hash: last.hash, ts: last.ts } : { seq: 0, hash: GENESIS_HASH, ts: 0 };
    this.lastCheckpointSeq = Math.max(0, ...checkpoints.map((cp) => cp.seq));
    if (this.lastCheckpointSeq > head.seq) {
      // Keep recording (losing new evidence would be worse); verify will report the truncation.
      this.deps.onError(new Error(`audit chain ${this.scope} ends at seq ${head.seq} but a checkpoint names seq ${this.lastCheckpointSeq}`), this.scope);
    }
    this.head = head;
    return head;
  }

  async writeCheckpoint(fence?: () => Promise<void>): Promise<StoredCheckpoint | null> {
    const head = await this.loadHead();
    if (head.seq === 0 || head.seq <= this.lastCheckpointSeq) return null;
    await fence?.();
    const { signer } = this.deps;
    const ts = this.deps.now();
    const cp: StoredCheckpoint = {
      seq: head.seq,
      headHash: head.hash,
      ts,
      signature: signer.sign(checkpointPayload(this.scope, head.seq, head.hash, ts)).toString('base64'),
      keyId: signer.keyId,
    };
    await (await this.storeOf()).putCheckpoint(cp);
    this.lastCheckpointSeq = head.seq;
    return cp;
  }

  /** Whether a checkpoint is due at `head` (checked without waiting: the drain loop must not
   *  yield between resolving a group and looking for more pending entries). */
  private due(head: ChainHead): boolean {
    return head.seq - this.lastCheckpointSeq >= this.deps.checkpointEvery;
  }

  /** Signs the checkpoint due at a boundary; a failure is reported and never stops recording. */
  private signBoundary(): Promise<unknown> {
    return this.writeCheckpoint().catch((err: unknown) => this.deps.onError(err, this.scope));
  }

  /** Writes every pending entry, in groups that end exactly on checkpoint boundaries. */
  async drain(): Promise<void> {
    let conflicts = 0;
    while (this.pending.length > 0) {
      let group: Pending[] = [];
      try {
        // A boundary left unsigned (a failed checkpoint, or a crash before it): sign it first.
        // Failing to sign must not stop recording; the group below then stays small.
        let head = await this.loadHead();
        if (this.due(head)) {
          await this.signBoundary();
          head = await this.loadHead();
        }
        const room = Math.max(1, this.deps.checkpointEvery - (head.seq - this.lastCheckpointSeq));
        group = this.pending.splice(0, Math.min(room, MAX_APPEND_BATCH));
        const entries = linkEntries(head, group, this.deps.now);
        await (await this.storeOf()).appendAudit(entries);
        const last = entries[entries.length - 1]!;
        this.head = { seq: last.seq, hash: last.hash, ts: last.ts };
        group.forEach((p, i) => p.resolve(entries[i]!));
        group = [];
      } catch (err) {
        // The store's state is unknown now: reload the head before the next append.
        this.head = undefined;
        if (group.length > 0 && isChainConflict(err) && conflicts++ < MAX_CONFLICT_RETRIES) {
          // Another node appended to this chain first (cluster mode): re-chain the same events
          // on the new head. The store's unique sequence keeps the chain linear, never forked.
          this.pending.unshift(...group);
          continue;
        }
        const failed = group.length > 0 ? group : this.pending.splice(0);
        failed.forEach((p) => p.reject(err));
        continue;
      }
      // The entries are stored; a failed checkpoint is retried at the next boundary or timer.
      if (this.head && this.due(this.head)) await this.signBoundary();
    }
  }
}
