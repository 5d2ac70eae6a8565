// Counts failed authentications per key (the client address). After `maxFailures` failures inside
// one window the key is "blocked": the broker answers its further failures late (`backoffMs`)
// and with CONNACK 3, but still checks the credentials it presents and lets valid ones in, so
// an attacker behind the same NAT cannot lock good devices out (ASVS 4.0.3 V2.2.1, ETSI EN 303
// 645 5.1-5; reasoning in docs/security.md). Fixed windows from the first failure; memory bounded.
// In cluster mode the same count lives in Redis (platform/cluster/redis-limits.ts).
import type { FailureCounter } from './types.ts';

/** The broker's default: 5 failed CONNECTs per address in a minute. */
export const DEFAULT_AUTH_THROTTLE = { maxFailures: 5, windowMs: 60_000 } as const;

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
  /** Failures of the key in its current window (0 when none). */
  count(key: string, now: number): number;
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
    count(key, now) {
      return live(key, now)?.count ?? 0;
    },
    reset(key) {
      entries.delete(key);
    },
    size() {
      return entries.size;
    },
  };
}

/** Delay before answering a failure from a blocked key: doubles per failure beyond the limit,
 *  from 50 ms up to `maxDelayMs`. Pure, so it is table-tested. */
export function backoffMs(failures: number, maxFailures: number, maxDelayMs: number): number {
  if (failures < maxFailures) return 0;
  return Math.min(maxDelayMs, 50 * 2 ** Math.min(20, failures - maxFailures));
}

/** The in-memory throttle as the broker's failure counter (one process). */
export function memoryFailureCounter(throttle: FailureThrottle, now: () => number = Date.now): FailureCounter {
  return {
    fail: async (key) => {
      const t = now();
      throttle.fail(key, t);
      return throttle.count(key, t);
    },
  };
}
