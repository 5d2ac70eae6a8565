// Cluster-wide limits on Redis with rate-limiter-flexible. Login defence (ASVS 2.2.1): the per-address
// rate limit and the per-account failure count live in Redis, so failures spread over any
// number of nodes lock an account at the same count as on one. While Redis is unreachable each
// node falls back to an in-memory limiter of the same shape (the insurance limiter): limits then
// hold per node rather than not at all, and logins keep working.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { LoginGuardOptions, LoginGuardPort, LoginVerdict } from '../identity/login-guard.ts';
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
