// A tenant's ingest quota as a token bucket (rate per second, burst of one second's worth).
// Over the quota the platform slows the tenant's devices down instead of dropping readings:
// a batch waits for its tokens before it commits, so its PUBACKs come later and QoS1 clients
// (whose in-flight window is bounded) publish more slowly. Only a wait longer than `maxWaitMs`
// refuses readings. Pure apart from the clock.
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = ratePerSecond;
    this.last = now();
  }

  /** Takes `n` tokens (the balance may go negative) and returns how long to wait (ms) before they are earned. */
  reserve(n: number): number {
    const t = this.now();
    this.tokens = Math.min(this.ratePerSecond, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.ratePerSecond) * 1000);
  }

  /** Gives back tokens of readings that were refused after all. */
  refund(n: number): void {
    this.tokens = Math.min(this.ratePerSecond, this.tokens + n);
  }
}

/** Admits a batch of `n` readings of a tenant under its rate: resolves true once they may commit
 *  (after waiting for their tokens), false when the wait would exceed `maxWaitMs` (refused). */
export interface IngestQuota {
  take(tenantId: string, ratePerSecond: number, n: number, maxWaitMs: number): Promise<boolean>;
}

/** The quota of one process: a token bucket per tenant, rebuilt when the tenant's rate changes. */
export function localIngestQuota(now: () => number = Date.now): IngestQuota {
  const buckets = new Map<string, { rate: number; bucket: TokenBucket }>();
  return {
    async take(tenantId, rate, n, maxWaitMs) {
      let entry = buckets.get(tenantId);
      if (!entry || entry.rate !== rate) buckets.set(tenantId, (entry = { rate, bucket: new TokenBucket(rate, now) }));
      const wait = entry.bucket.reserve(n);
      if (wait > maxWaitMs) {
        entry.bucket.refund(n);
        return false;
      }
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      return true;
    },
  };
}
