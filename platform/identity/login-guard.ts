// Brute-force defence for password login (ASVS 2.2.1): a rate limit per client address and a
// temporary lock-out of the account after repeated failures. Both are audited by the caller.
// Accounts are counted under their canonical username (./username.ts), the form look-up uses.
import { WindowLimiter } from '../tenancy/rate-limit.ts';
import { canonicalUsername } from './username.ts';

export interface LoginGuardOptions {
  maxFailures: number;
  lockoutMs: number;
  perAddressPerMinute: number;
  now?: () => number;
}

export type LoginVerdict = { allowed: true } | { allowed: false; reason: 'locked' | 'rate-limited'; retryAfter: number };

/** What the login routes use: this in-memory guard on one node, or the cluster-wide one on
 *  Redis (platform/cluster/redis-limits.ts) in cluster mode. */
export interface LoginGuardPort {
  check(username: string, address: string): LoginVerdict | Promise<LoginVerdict>;
  /** Records a failure; true when this failure locked the account. */
  failed(username: string): boolean | Promise<boolean>;
  succeeded(username: string): void | Promise<void>;
}

export class LoginGuard implements LoginGuardPort {
  private failures = new Map<string, { count: number; lockedUntil: number }>();
  private readonly perAddress: WindowLimiter;
  private readonly now: () => number;

  constructor(private readonly opts: LoginGuardOptions) {
    this.now = opts.now ?? Date.now;
    this.perAddress = new WindowLimiter(opts.perAddressPerMinute, 60_000, this.now);
  }

  check(username: string, address: string): LoginVerdict {
    if (!this.perAddress.hit(address)) {
      return { allowed: false, reason: 'rate-limited', retryAfter: this.perAddress.retryAfter() };
    }
    const f = this.failures.get(canonicalUsername(username));
    if (f && f.lockedUntil > this.now()) {
      return { allowed: false, reason: 'locked', retryAfter: Math.ceil((f.lockedUntil - this.now()) / 1000) };
    }
    return { allowed: true };
  }

  /** Records a failure; returns true when this failure locked the account. */
  failed(username: string): boolean {
    const key = canonicalUsername(username);
    const f = this.failures.get(key) ?? { count: 0, lockedUntil: 0 };
    if (f.lockedUntil && f.lockedUntil <= this.now()) f.count = 0;
    f.count++;
    let locked = false;
    if (f.count >= this.opts.maxFailures) {
      f.lockedUntil = this.now() + this.opts.lockoutMs;
      locked = true;
    }
    this.failures.set(key, f);
    return locked;
  }

  succeeded(username: string): void {
    this.failures.delete(canonicalUsername(username));
  }
}
