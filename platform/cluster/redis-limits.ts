// Cluster-wide limits on Redis with rate-limiter-flexible. Login defence (ASVS 2.2.1): the per-address
// rate limit and the per-account failure count live in Redis, so failures spread over any
// number of nodes lock an account at the same count as on one. While Redis is unreachable each
// node falls back to an in-memory limiter of the same shape (the insurance limiter): limits then
// hold per node rather than not at all, and logins keep working.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { FailureCounter } from '../broker/types.ts';
import type { LoginGuardOptions, LoginGuardPort, LoginVerdict } from '../identity/login-guard.ts';
import type { IngestQuota } from '../tenancy/ingest-quota.ts';
import { canonicalUsername } from '../identity/username.ts';

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function limiter(redis: Redis, keyPrefix: string, points: number, durationS: number, blockDurationS = 0) {
  const shape = { keyPrefix, points, duration: durationS, blockDuration: blockDurationS };
  return new RateLimiterRedis({ ...shape, storeClient: redis, insuranceLimiter: new RateLimiterMemory(shape) });
}

export class RedisLoginGuard implements LoginGuardPort {
  private readonly perAddress: RateLimiterRedis;
  private readonly failures: RateLimiterRedis;
  private readonly lockoutS: number;

  constructor(
    redis: Redis,
    private readonly opts: Omit<LoginGuardOptions, 'now'>,
  ) {
    this.lockoutS = seconds(opts.lockoutMs);
    this.perAddress = limiter(redis, 'custodia:login:addr', opts.perAddressPerMinute, 60);
    // Failures are counted over one lock-out period; the max-th one blocks the account for it.
    this.failures = limiter(redis, 'custodia:login:fail', opts.maxFailures, this.lockoutS);
  }

  async check(username: string, address: string): Promise<LoginVerdict> {
    try {
      await this.perAddress.consume(address);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      return { allowed: false, reason: 'rate-limited', retryAfter: seconds(err.msBeforeNext) };
    }
    const f = await this.failures.get(canonicalUsername(username));
    if (f && f.consumedPoints >= this.opts.maxFailures) {
      return { allowed: false, reason: 'locked', retryAfter: seconds(f.msBeforeNext) };
    }
    return { allowed: true };
  }

  async failed(username: string): Promise<boolean> {
    const key = canonicalUsername(username);
    try {
      const res = await this.failures.consume(key);
      if (res.consumedPoints < this.opts.maxFailures) return false;
      await this.failures.block(key, this.lockoutS);
      return true;
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      return true; // already over the limit (a failure racing the lock on another node)
    }
  }

  async succeeded(username: string): Promise<void> {
    await this.failures.delete(canonicalUsername(username));
  }
}

/** The API's per-principal request limit, counted across nodes: resolves to the seconds to wait
 *  when the principal is over its limit in the current minute, null otherwise. */
export function sharedApiLimit(redis: Redis, perMinute: number): (principalId: string) => Promise<number | null> {
  const perPrincipal = limiter(redis, 'custodia:api', perMinute, 60);
  return async (principalId) => {
    try {
      await perPrincipal.consume(principalId);
      return null;
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      return seconds(err.msBeforeNext);
    }
  };
}

/** Failed MQTT CONNECTs per address, counted across nodes over a fixed window from the first
 *  failure (the broker's throttle, platform/broker/throttle.ts; ASVS 2.2.1, ETSI 5.1-5). */
export function redisFailureCounter(redis: Redis, maxFailures: number, windowMs: number): FailureCounter {
  const counter = limiter(redis, 'custodia:mqtt:connfail', maxFailures, seconds(windowMs));
  return {
    async fail(key) {
      try {
        return (await counter.consume(key)).consumedPoints;
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        return err.consumedPoints; // over the limit: still counted, the broker slows it down
      }
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A tenant's ingest quota counted across nodes: one-second windows of `rate` readings in Redis.
 *  A batch takes its readings window by window (at most `rate` from one); when a window is used
 *  up it waits for the next, and is refused once the wait would pass `maxWaitMs`. The window
 *  differs from the single node's token bucket in shape, not in rate. */
export function redisIngestQuota(redis: Redis): IngestQuota {
  const limiters = new Map<number, RateLimiterRedis>();
  const forRate = (rate: number) => {
    let l = limiters.get(rate);
    if (!l) limiters.set(rate, (l = limiter(redis, `custodia:ingest:${rate}`, rate, 1)));
    return l;
  };
  return {
    async take(tenantId, rate, n, maxWaitMs) {
      if (rate >= Number.MAX_SAFE_INTEGER) return true; // no quota
      const l = forRate(rate);
      const started = Date.now();
      let left = n;
      while (left > 0) {
        const chunk = Math.min(left, rate);
        try {
          await l.consume(tenantId, chunk);
          left -= chunk;
        } catch (err) {
          if (!(err instanceof RateLimiterRes)) throw err;
          // The refused points stay counted in the window unless given back.
          await l.reward(tenantId, chunk).catch(() => undefined);
          // Readings taken from windows already past stay counted there: they cannot be given back.
          if (Date.now() - started + err.msBeforeNext > maxWaitMs) return false;
          await sleep(Math.max(1, err.msBeforeNext));
        }
      }
      return true;
    },
  };
}
