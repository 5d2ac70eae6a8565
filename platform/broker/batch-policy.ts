// When to start a group commit: the batching policy as a pure function, so it is table-tested
// apart from timers and stores. It adapts like a database's commit_delay / commit_siblings: an
// idle lane commits a reading at once (nobody to share the commit with, so waiting only adds
// latency); a batch is gathered only while a commit is in flight or readings arrive faster than
// a commit takes, and then for at most `batchMs` since the oldest waiting reading arrived.
// "At once" is the end of the current event-loop turn, never a timer: readings already read from
// the sockets in this turn join the commit. While a commit is in flight (SQLite's transaction,
// then its fsync in the thread pool: storage/sqlite/wal-sync.ts) the readings that arrive are
// read one socket callback after another; committing each on its own would cost one fsync per
// reading, so they wait for the commit in flight and go together in the next.

export interface LaneView {
  /** Items waiting for a commit. */
  waiting: number;
  /** A commit of this lane is in flight (at most one per lane: order per device). */
  inFlight: boolean;
  /** How long the oldest waiting item has waited, in ms. */
  waitedMs: number;
  /** Smoothed gap between arrivals in ms; undefined before the second arrival. */
  arrivalGapMs: number | undefined;
  /** Smoothed duration of this lane's recent commits in ms; undefined before the first. */
  commitMs: number | undefined;
  /** Commit whatever waits, now (drain, or the window's timer came back). */
  force: boolean;
}

export interface BatchLimits {
  batchSize: number;
  batchMs: number;
}

export type BatchDecision =
  /** Nothing waits. */
  | { kind: 'idle' }
  /** The commit in flight will ask again when it ends; the batch fills meanwhile. */
  | { kind: 'await-commit' }
  | { kind: 'commit' }
  /** Commit at the end of this event-loop turn, with whatever else this turn brings. */
  | { kind: 'commit-this-turn' }
  /** Gather siblings for `ms` more, then commit. */
  | { kind: 'wait'; ms: number };

/** Readings arrive faster than a commit takes: waiting a little gathers siblings for one commit. */
export function arrivingFasterThanCommit(v: Pick<LaneView, 'arrivalGapMs' | 'commitMs'>): boolean {
  return v.arrivalGapMs !== undefined && v.commitMs !== undefined && v.arrivalGapMs < v.commitMs;
}

export function decideBatch(v: LaneView, limits: BatchLimits): BatchDecision {
  if (v.waiting <= 0) return { kind: 'idle' };
  if (v.inFlight) return { kind: 'await-commit' };
  if (v.force || v.waiting >= limits.batchSize || v.waitedMs >= limits.batchMs) return { kind: 'commit' };
  if (!arrivingFasterThanCommit(v)) return { kind: 'commit-this-turn' };
  return { kind: 'wait', ms: limits.batchMs - v.waitedMs };
}

/** Exponentially weighted moving average: recent behaviour counts, one outlier does not decide. */
export function smooth(previous: number | undefined, sample: number, weight = 0.2): number {
  return previous === undefined ? sample : previous + weight * (sample - previous);
}
