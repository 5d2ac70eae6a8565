// A fixed-window counter per key, in memory. Used for login attempts per address, API calls
// per principal and tenant ingest quotas. Entries of past windows are dropped as they age.
export class WindowLimiter {
  private counts = new Map<string, { windowStart: number; count: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one hit; returns false when the key is over its limit in the current window. */
  hit(key: string): boolean {
    const t = this.now();
    const windowStart = t - (t % this.windowMs);
    const entry = this.counts.get(key);
    if (!entry || entry.windowStart !== windowStart) {
      if (this.counts.size > 50_000) this.prune(windowStart);
      this.counts.set(key, { windowStart, count: 1 });
      return true;
    }
    entry.count++;
    return entry.count <= this.limit;
  }

  /** Seconds until the key's window resets. */
  retryAfter(): number {
    const t = this.now();
    return Math.ceil((this.windowMs - (t % this.windowMs)) / 1000);
  }

  private prune(windowStart: number) {
    for (const [k, v] of this.counts) if (v.windowStart !== windowStart) this.counts.delete(k);
  }
}
