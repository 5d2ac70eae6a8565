// Keeps one named lease for this node: tries to take it while free, renews it while held, and
// tells the work it guards whether it may run. The local view ends `marginMs` before the
// store's expiry (measured from when the request was sent), so a node whose renewals stall
// stops acting before another node can be granted the lease; `fence` re-checks the token in
// the store right before each write, refusing a stale holder's write (StaleLeaseError).
import { StaleLeaseError, type ClusterStore, type LeaseGrant } from './leases.ts';

export interface LeaseKeeperOptions {
  store: ClusterStore;
  name: string;
  holder: string;
  ttlMs: number;
  /** How often to renew or retry (default ttl / 3). */
  everyMs?: number;
  /** Safety margin before the store's expiry (default ttl / 5). */
  marginMs?: number;
  onError?: (err: unknown) => void;
}

export class LeaseKeeper {
  private grant: LeaseGrant | null = null;
  private localDeadline = 0;
  private timer: NodeJS.Timeout | undefined;
  private stepping: Promise<void> | undefined;
  /** Bumped on every new grant (a new token): the guarded work catches up from the store. */
  generation = 0;

  constructor(private readonly opts: LeaseKeeperOptions) {}

  get name(): string {
    return this.opts.name;
  }

  /** The grant while this node may act on it; null otherwise. */
  held(): LeaseGrant | null {
    return this.grant && Date.now() < this.localDeadline ? this.grant : null;
  }

  /** Takes or renews the lease once; the timer calls it, tests may too. */
  step(): Promise<void> {
    this.stepping ??= this.doStep().finally(() => (this.stepping = undefined));
    return this.stepping;
  }

  private async doStep(): Promise<void> {
    const { store, name, holder, ttlMs } = this.opts;
    const sentAt = Date.now();
    try {
      const current = this.held();
      const next = current ? await store.renew(current, ttlMs) : await store.acquire(name, holder, ttlMs);
      if (next && next.token !== this.grant?.token) this.generation++;
      this.grant = next;
      this.localDeadline = next ? sentAt + ttlMs - (this.opts.marginMs ?? Math.floor(ttlMs / 5)) : 0;
    } catch (err) {
      // The store is unreachable: the grant runs out locally at its deadline, never extended blind.
      this.opts.onError?.(err);
    }
  }

  start(): void {
    this.stop();
    void this.step();
    this.timer = setInterval(() => void this.step(), this.opts.everyMs ?? Math.max(50, Math.floor(this.opts.ttlMs / 3)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops renewing and gives the lease up so another node takes over without waiting. */
  async release(): Promise<void> {
    this.stop();
    await this.stepping;
    const g = this.grant;
    this.grant = null;
    this.localDeadline = 0;
    if (g) await this.opts.store.release(g).catch((err: unknown) => this.opts.onError?.(err));
  }

  /** Throws StaleLeaseError unless this node's token is still the lease's current one. */
  async fence(): Promise<void> {
    const g = this.held();
    if (!g || !(await this.opts.store.isCurrent(g.name, g.token))) {
      throw new StaleLeaseError(`lease ${this.opts.name} is no longer held by ${this.opts.holder}`);
    }
  }
}
