// Counts failed authentications per key (client address, claimed device id). After `maxFailures`
// failures inside one window the key is refused outright until the window ends, so guessing a
// device secret costs a window per handful of tries (ASVS 4.0.3 V2.2.1: anti-automation on
// authentication). Fixed windows starting at the first failure; memory is bounded.

export interface FailureThrottleOptions {
  maxFailures: number;
  windowMs: number;
  /** Most keys remembered; the oldest are forgotten first beyond this (default 10 000). */
  maxKeys?: number;
}

export interface FailureThrottle {
  /** True while the key has used up its failures in the current window. */
  isBlocked(key: string, now: number): boolean;
  /** Records one failure; returns true when the key is now blocked. */
  fail(key: string, now: number): boolean;
  /** Forgets the key (after a successful authentication). */
  reset(key: string): void;
  size(): number;
}

interface Entry {
  count: number;
  start: number;
}

export function createFailureThrottle(opts: FailureThrottleOptions): FailureThrottle {
  const maxKeys = opts.maxKeys ?? 10_000;
  const entries = new Map<string, Entry>();

  const live = (key: string, now: number): Entry | undefined => {
    const e = entries.get(key);
    if (e && now - e.start >= opts.windowMs) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };

  const evict = (now: number) => {
    if (entries.size <= maxKeys) return;
    for (const [key, e] of entries) if (now - e.start >= opts.windowMs) entries.delete(key);
    // Map iteration is insertion order: the first keys are the oldest windows.
    for (const key of entries.keys()) {
      if (entries.size <= maxKeys) break;
      entries.delete(key);
    }
  };

  return {
    isBlocked(key, now) {
      const e = live(key, now);
      return e !== undefined && e.count >= opts.maxFailures;
    },
    fail(key, now) {
      const e = live(key, now);
      if (e) e.count++;
      else {
        entries.set(key, { count: 1, start: now });
        evict(now);
      }
      return (e?.count ?? 1) >= opts.maxFailures;
    },
    reset(key) {
      entries.delete(key);
    },
    size() {
      return entries.size;
    },
  };
}
