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
