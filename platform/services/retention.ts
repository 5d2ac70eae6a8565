// Retention of readings (docs/architecture.md "Retention"): each tenant may set how many days its
// readings are kept (`readingsRetentionDays`); this job deletes older points through the storage
// port and records each deletion in the tenant's audit chain (how many, up to when; no values).
import type { AuditSink } from './audit-sink.ts';
import type { Store } from '../storage/port.ts';
import type { Tenant } from '../tenancy/tenants.ts';

const DAY_MS = 86_400_000;

/** The time before which readings are deleted, or null when the tenant keeps them. */
export function retentionCutoff(now: number, days: number | undefined): number | null {
  if (days === undefined || !Number.isInteger(days) || days < 1) return null;
  return now - days * DAY_MS;
}

export interface RetentionOutcome {
  tenant: string;
  days: number;
  cutoff: number;
  deleted: number;
}

export interface RetentionJobOptions {
  tenants: { list(): Promise<Tenant[]> };
  storeFor: (tenantId: string) => Promise<Store>;
  audit: Pick<AuditSink, 'record'>;
  intervalMs: number;
  now?: () => number;
  /** `tenantId` is absent when the pass failed before reaching a tenant (the tenant list). */
  onError?: (err: unknown, tenantId?: string) => void;
}

export class RetentionJob {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<RetentionOutcome[]> | undefined;
  readonly #afterCutoff: ((tenantId: string, cutoff: number) => Promise<void>)[] = [];

  constructor(private readonly opts: RetentionJobOptions) {}

  /** Also called for each tenant with a retention period, after its readings before `cutoff` were
   *  deleted: what was derived from them goes too (the pilots' hooks, platform/server.ts). */
  afterCutoff(fn: (tenantId: string, cutoff: number) => Promise<void>): void {
    this.#afterCutoff.push(fn);
  }

  start(): void {
    if (this.#timer) return;
    // A pass that fails as a whole (the tenant list unreadable) is reported, not swallowed.
    this.#timer = setInterval(() => void this.runOnce().catch((err: unknown) => this.opts.onError?.(err)), this.opts.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** One pass over every tenant; a pass in progress is joined. */
  runOnce(): Promise<RetentionOutcome[]> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #run(): Promise<RetentionOutcome[]> {
    const now = (this.opts.now ?? Date.now)();
    const out: RetentionOutcome[] = [];
    for (const t of await this.opts.tenants.list()) {
      const cutoff = retentionCutoff(now, t.readingsRetentionDays);
      if (cutoff === null) continue;
      const days = t.readingsRetentionDays!;
      try {
        const deleted = await (await this.opts.storeFor(t.id)).deletePointsBefore(cutoff);
        for (const fn of this.#afterCutoff) {
          // A failing hook is reported; the readings are deleted either way, and audited below.
          await fn(t.id, cutoff).catch((err: unknown) => this.opts.onError?.(err, t.id));
        }
        out.push({ tenant: t.id, days, cutoff, deleted });
        if (deleted > 0) {
          await this.opts.audit.record(t.id, {
            actor: 'system:retention',
            action: 'retention.enforce',
            target: 'series:*',
            outcome: 'success',
            details: { deleted, before: cutoff, days },
          });
        }
      } catch (err) {
        this.opts.onError?.(err, t.id);
        await this.opts
          .audit.record(t.id, { actor: 'system:retention', action: 'retention.enforce', target: 'series:*', outcome: 'failure', details: { before: cutoff, days } })
          .catch((auditErr: unknown) => this.opts.onError?.(auditErr, t.id));
      }
    }
    return out;
  }
}
