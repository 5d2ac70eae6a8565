// Group commit: many small writes share one durable commit (docs/architecture.md promise 3, "PUBACK only
// after commit"). Items are batched per key (a tenant: one store each); a batch is flushed when
// `batchSize` items wait or `batchMs` has passed since the oldest one arrived. At most one commit
// per key is in flight, so the next batch fills while the store works; `add` settles when the
// batch holding the item is durable, or rejects with the commit's error.

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
}

export interface GroupCommitter<T> {
  add(key: string, item: T): Promise<void>;
  /** Commits everything waiting now, without waiting for timers, and resolves once idle. */
  drain(): Promise<void>;
  /** Items waiting or inside a commit. */
  pending(): number;
}

interface Waiting<T> {
  item: T;
  resolve(): void;
  reject(err: unknown): void;
}

interface Lane<T> {
  waiting: Waiting<T>[];
  firstAt: number;
  timer: NodeJS.Timeout | null;
  inFlight: Promise<void> | null;
  inFlightSize: number;
}

export function createGroupCommitter<T>(opts: GroupCommitOptions<T>): GroupCommitter<T> {
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new Error('batchSize must be a positive integer');
  if (!(opts.batchMs >= 0)) throw new Error('batchMs must be zero or more');
  const lanes = new Map<string, Lane<T>>();

  const lane = (key: string): Lane<T> => {
    let l = lanes.get(key);
    if (!l) {
      l = { waiting: [], firstAt: 0, timer: null, inFlight: null, inFlightSize: 0 };
      lanes.set(key, l);
    }
    return l;
  };

  // Starts a commit when one is due and none is in flight; otherwise makes sure a timer will
  // come back for the waiting items.
  const schedule = (key: string, l: Lane<T>, force = false) => {
    if (l.inFlight || l.waiting.length === 0) return;
    const waited = Date.now() - l.firstAt;
    if (force || l.waiting.length >= opts.batchSize || waited >= opts.batchMs) {
      flush(key, l);
    } else if (!l.timer) {
      l.timer = setTimeout(() => {
        l.timer = null;
        schedule(key, l, true);
      }, opts.batchMs - waited);
    }
  };

  const flush = (key: string, l: Lane<T>) => {
    if (l.timer) {
      clearTimeout(l.timer);
      l.timer = null;
    }
    const batch = l.waiting.splice(0, opts.batchSize);
    l.firstAt = Date.now(); // the rest has waited at least as long as this commit takes
    const started = performance.now();
    l.inFlightSize = batch.length;
    l.inFlight = Promise.resolve()
      .then(() => opts.commit(key, batch.map((w) => w.item)))
      .then(
        () => {
          report(key, batch.length, started, true);
          for (const w of batch) w.resolve();
        },
        (err: unknown) => {
          report(key, batch.length, started, false);
          for (const w of batch) w.reject(err);
        },
      )
      .finally(() => {
        l.inFlight = null;
        l.inFlightSize = 0;
        if (l.waiting.length === 0) {
          if (!l.timer) lanes.delete(key);
          return;
        }
        schedule(key, l);
      });
  };

  const report = (key: string, size: number, started: number, ok: boolean) => {
    try {
      opts.onBatch?.({ key, size, durationMs: performance.now() - started, ok });
    } catch {
      // an observer must not break the commit path
    }
  };

  return {
    add(key, item) {
      return new Promise<void>((resolve, reject) => {
        const l = lane(key);
        if (l.waiting.length === 0) l.firstAt = Date.now();
        l.waiting.push({ item, resolve, reject });
        schedule(key, l);
      });
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
