// One timer for a whole fleet: a single tick runs every job that is due, instead of one
// setInterval per device (thousands of timers each waking the event loop on its own).
// Periodic jobs may cost tokens from a shared token bucket, which is how `--rate` caps the
// fleet's message rate: a job that finds no token stays due and runs on a later tick.

export type Clock = () => number;

/** Token bucket: `ratePerSec` tokens a second, holding at most `burst` (default one second's worth). */
export class TokenBucket {
  private tokens: number;
  private last: number;
  readonly burst: number;

  constructor(
    readonly ratePerSec: number,
    private readonly clock: Clock = Date.now,
    burst?: number,
  ) {
    if (!(ratePerSec > 0)) throw new RangeError('ratePerSec must be positive');
    this.burst = Math.max(1, burst ?? ratePerSec);
    this.tokens = this.burst;
    this.last = clock();
  }

  tryTake(n = 1): boolean {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSec);
    this.last = now;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}

export interface Job {
  /** Next time the job runs (epoch ms). */
  nextAt: number;
  /** Milliseconds between runs; 0 for a one-off job. */
  intervalMs: number;
  readonly cost: number;
  cancelled: boolean;
}

interface JobEntry extends Job {
  run: () => void;
}

export interface SchedulerStats {
  jobs: number;
  /** Runs postponed because the rate limit had no token left. */
  deferred: number;
}

export interface Scheduler {
  /** Runs `fn` every intervalMs, first after `firstInMs` (default one interval). */
  every(intervalMs: number, fn: () => void, opts?: { firstInMs?: number; cost?: number }): Job;
  /** Runs `fn` once after delayMs (never rate limited). */
  after(delayMs: number, fn: () => void): Job;
  cancel(job: Job): void;
  /** Time runs `factor` times faster from now on: every interval and every wait still to go is
   *  divided by it (a demo's speed changed while it runs). */
  rescale(factor: number): void;
  /** Runs every due job now (the timer calls it; tests may too). */
  tick(): void;
  start(): void;
  stop(): void;
  stats(): SchedulerStats;
}

export function createScheduler(opts: { tickMs?: number; clock?: Clock; rate?: TokenBucket | null; onError?: (err: unknown) => void } = {}): Scheduler {
  const clock = opts.clock ?? Date.now;
  const tickMs = opts.tickMs ?? 50;
  const bucket = opts.rate ?? null;
  let jobs: JobEntry[] = [];
  let timer: NodeJS.Timeout | null = null;
  let deferred = 0;
  let cursor = 0;
  let running = false;

  const add = (job: JobEntry): Job => {
    jobs.push(job);
    return job;
  };

  function runJob(job: JobEntry): void {
    try {
      job.run();
    } catch (err) {
      opts.onError?.(err);
    }
  }

  function tick(): void {
    if (running) return;
    running = true;
    try {
      const now = clock();
      const n = jobs.length;
      // Start from a rotating position so that, under a rate limit, the same jobs are not
      // always the ones left waiting.
      const start = n === 0 ? 0 : cursor % n;
      let limited = false;
      for (let k = 0; k < n; k++) {
        const job = jobs[(start + k) % n]!;
        if (job.cancelled || job.nextAt > now) continue;
        if (job.cost > 0 && bucket) {
          if (limited || !bucket.tryTake(job.cost)) {
            if (!limited) cursor = (start + k) % n;
            limited = true;
            deferred++;
            continue;
          }
        }
        if (job.intervalMs > 0) {
          // Keep the phase; after a long stall (or a rate limit) skip ahead instead of bursting.
          job.nextAt += job.intervalMs;
          if (job.nextAt <= now) job.nextAt = now + job.intervalMs;
        } else job.cancelled = true;
        runJob(job);
      }
      if (!limited) cursor = start + 1;
      if (jobs.some((j) => j.cancelled)) jobs = jobs.filter((j) => !j.cancelled);
    } finally {
      running = false;
    }
  }

  return {
    every(intervalMs, fn, o = {}) {
      if (!(intervalMs > 0)) throw new RangeError('intervalMs must be positive');
      return add({ nextAt: clock() + (o.firstInMs ?? intervalMs), intervalMs, cost: o.cost ?? 0, cancelled: false, run: fn });
    },
    after(delayMs, fn) {
      return add({ nextAt: clock() + Math.max(0, delayMs), intervalMs: 0, cost: 0, cancelled: false, run: fn });
    },
    cancel(job) {
      job.cancelled = true;
    },
    rescale(factor) {
      if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError('factor must be positive');
      const now = clock();
      for (const job of jobs) {
        if (job.intervalMs > 0) job.intervalMs = Math.max(1, job.intervalMs / factor);
        job.nextAt = now + Math.max(0, job.nextAt - now) / factor;
      }
    },
    tick,
    start() {
      if (timer) return;
      timer = setInterval(tick, tickMs);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    stats: () => ({ jobs: jobs.filter((j) => !j.cancelled).length, deferred }),
  };
}
