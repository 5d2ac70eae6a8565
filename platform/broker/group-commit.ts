// Group commit: many small writes share one durable commit (docs/architecture.md promise 3, "PUBACK only
// after commit"). Items are batched per key (a tenant: one store each). When to commit is decided
// by `decideBatch` (batch-policy.ts): at once on an idle lane; while a commit is in flight, or
// while items arrive faster than a commit takes, a batch gathers until `batchSize` items wait or
// `batchMs` has passed since the oldest one arrived. At most one commit per key is in flight, so
// the next batch fills while the store works; `add` settles when the batch holding the item is
// durable, or rejects with the commit's error (`submit` calls back instead: no promise per item
// on the ingest path).
import { decideBatch, smooth } from './batch-policy.ts';

export interface BatchInfo {
  key: string;
  size: number;
  durationMs: number;
  ok: boolean;
}

export interface GroupCommitOptions<T> {
  batchSize: number;
  batchMs: number;
  commit(key: string, items: T[]): Promise<void>;
  /** Observes every finished commit (metrics). */
  onBatch?(info: BatchInfo): void;
  /** Monotonic clock in ms (tests inject one). */
  now?(): number;
}

export interface GroupCommitter<T> {
  add(key: string, item: T): Promise<void>;
  /** `add` with a callback: `done()` once the item's batch is durable, `done(err)` if it failed. */
  submit(key: string, item: T, done: (err?: unknown) => void): void;
  /** Commits everything waiting now, without waiting for timers, and resolves once idle. */
  drain(): Promise<void>;
  /** Items waiting or inside a commit. */
  pending(): number;
}

interface Waiting<T> {
  item: T;
  /** Called once: without an error when the item's batch is durable. */
  done(err?: unknown): void;
}

interface Lane<T> {
  waiting: Waiting<T>[];
  firstAt: number;
  timer: NodeJS.Timeout | null;
  turn: NodeJS.Immediate | null;
  inFlight: Promise<void> | null;
  inFlightSize: number;
  lastArrival: number | undefined;
  arrivalGapMs: number | undefined;
  commitMs: number | undefined;
}

export function createGroupCommitter<T>(opts: GroupCommitOptions<T>): GroupCommitter<T> {
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new Error('batchSize must be a positive integer');
  if (!(opts.batchMs >= 0)) throw new Error('batchMs must be zero or more');
  const now = opts.now ?? (() => performance.now());
  // Lanes live as long as their key (a tenant): they carry the arrival and commit statistics.
  const lanes = new Map<string, Lane<T>>();

  const lane = (key: string): Lane<T> => {
    let l = lanes.get(key);
    if (!l) {
      l = {
        waiting: [],
        firstAt: 0,
        timer: null,
        turn: null,
        inFlight: null,
        inFlightSize: 0,
        lastArrival: undefined,
        arrivalGapMs: undefined,
        commitMs: undefined,
      };
      lanes.set(key, l);
    }
    return l;
  };

  // Starts a commit when the policy says so; otherwise makes sure a timer (or the commit in
  // flight) will come back for the waiting items.
  const schedule = (key: string, l: Lane<T>, force = false) => {
    const decision = decideBatch(
      {
        waiting: l.waiting.length,
        inFlight: l.inFlight !== null,
        waitedMs: now() - l.firstAt,
        arrivalGapMs: l.arrivalGapMs,
        commitMs: l.commitMs,
        force,
      },
      opts,
    );
    if (decision.kind === 'commit') flush(key, l);
    else if (decision.kind === 'commit-this-turn') {
      l.turn ??= setImmediate(() => {
        l.turn = null;
        schedule(key, l, true);
      });
    } else if (decision.kind === 'wait' && !l.timer) {
      l.timer = setTimeout(() => {
        l.timer = null;
        schedule(key, l, true);
      }, decision.ms);
    }
  };

  const flush = (key: string, l: Lane<T>) => {
    if (l.timer) {
      clearTimeout(l.timer);
      l.timer = null;
    }
    if (l.turn) {
      clearImmediate(l.turn);
      l.turn = null;
    }
    const batch = l.waiting.splice(0, opts.batchSize);
    l.firstAt = now(); // items beyond batchSize count their wait from here: one window more at most
    const started = now();
    l.inFlightSize = batch.length;
    l.inFlight = Promise.resolve()
      .then(() => opts.commit(key, batch.map((w) => w.item)))
      .then(
        () => {
          l.commitMs = smooth(l.commitMs, now() - started);
          report(key, batch.length, started, true);
          for (const w of batch) settle(w);
        },
        (err: unknown) => {
          report(key, batch.length, started, false);
          for (const w of batch) settle(w, err ?? new Error('commit failed'));
        },
      )
      .finally(() => {
        l.inFlight = null;
        l.inFlightSize = 0;
        schedule(key, l);
      });
  };

  const enqueue = (key: string, w: Waiting<T>) => {
    const l = lane(key);
    const at = now();
    if (l.lastArrival !== undefined) l.arrivalGapMs = smooth(l.arrivalGapMs, at - l.lastArrival);
    l.lastArrival = at;
    if (l.waiting.length === 0) l.firstAt = at;
    l.waiting.push(w);
    schedule(key, l);
  };

  // One throwing callback must not keep the rest of its batch from hearing the outcome.
  const settle = (w: Waiting<T>, err?: unknown) => {
    try {
      w.done(err);
    } catch {
      // the caller's own failure; the batch's outcome stands
    }
  };

  const report = (key: string, size: number, started: number, ok: boolean) => {
    try {
      opts.onBatch?.({ key, size, durationMs: now() - started, ok });
    } catch {
      // an observer must not break the commit path
    }
  };

  return {
    add(key, item) {
      return new Promise<void>((resolve, reject) => enqueue(key, { item, done: (err) => (err === undefined ? resolve() : reject(err)) }));
    },

    submit(key, item, done) {
      enqueue(key, { item, done });
    },

    async drain() {
      for (;;) {
        const busy = [...lanes.entries()].filter(([, l]) => l.inFlight || l.waiting.length > 0);
        if (busy.length === 0) return;
        for (const [key, l] of busy) schedule(key, l, true);
        await Promise.allSettled(busy.map(([, l]) => l.inFlight));
      }
    },

    pending() {
      let n = 0;
      for (const l of lanes.values()) n += l.waiting.length + l.inFlightSize;
      return n;
    },
  };
}
