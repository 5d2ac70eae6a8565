// The platform's once-across-the-cluster jobs (escalation deadlines and command expiry) run on
// the node holding the `platform.deadlines` lease only. A node that gains the lease first
// re-reads every tenant's pending deadlines from the shared store (catching up on what the
// previous holder left), then rescans every `rescanMs` for deadlines armed on other nodes.
// Each write is fenced: a stale holder's tick fails with StaleLeaseError and writes nothing.
import type { PlatformServices } from '../services/index.ts';
import { PLATFORM_SCOPE } from '../storage/port.ts';
import type { LeaseKeeper } from './lease-keeper.ts';
import { StaleLeaseError } from './leases.ts';
import { asTenantId } from '../ids.ts';

export interface ClusterJobs {
  /** One pass (the timer's body); returns the number of deadlines handled. */
  tick(): Promise<number>;
  stop(): void;
}

export function startClusterJobs(
  keeper: LeaseKeeper,
  services: Pick<PlatformServices, 'tenants' | 'alarms' | 'commands'>,
  opts: { tickMs?: number; rescanMs?: number; onError?: (err: unknown) => void } = {},
): ClusterJobs {
  const rescanMs = opts.rescanMs ?? 5_000;
  let loadedGeneration = -1;
  let lastScan = 0;
  let running: Promise<number> | undefined;
  const fence = () => keeper.fence();

  async function pass(): Promise<number> {
    if (!keeper.held()) return 0;
    if (keeper.generation !== loadedGeneration || Date.now() - lastScan >= rescanMs) {
      const generation = keeper.generation;
      for (const t of await services.tenants.list()) {
        const tenantId = asTenantId(t.id);
        await services.alarms.loadPendingForTenant(tenantId);
        await services.commands.loadPendingForTenant(tenantId);
      }
      loadedGeneration = generation;
      lastScan = Date.now();
    }
    return (await services.alarms.tick(fence)) + (await services.commands.tick(fence));
  }

  const tick = () => (running ??= pass().finally(() => (running = undefined)));
  const timer = setInterval(
    () =>
      void tick().catch((err: unknown) => {
        // A lost lease is the normal end of a holder's turn; the next holder catches up.
        if (err instanceof StaleLeaseError) loadedGeneration = -1;
        else opts.onError?.(err);
      }),
    opts.tickMs ?? 1000,
  );
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}

/** Interval audit checkpoints, once across the cluster: the holder of the checkpoint lease signs
 *  the current head of every chain (the platform's and each tenant's) that moved since its last
 *  checkpoint, re-reading each head from the store (other nodes append too) and fencing each
 *  write. Checkpoints every N entries stay with the appending node (platform/audit/log.ts). */
export function startCheckpointJob(
  keeper: LeaseKeeper,
  services: Pick<PlatformServices, 'tenants' | 'audit'>,
  opts: { everyMs?: number; onError?: (err: unknown) => void } = {},
): ClusterJobs {
  let running: Promise<number> | undefined;
  const fence = () => keeper.fence();

  async function pass(): Promise<number> {
    if (!keeper.held()) return 0;
    let signed = 0;
    const scopes = [PLATFORM_SCOPE, ...(await services.tenants.list()).map((t) => t.id)];
    for (const scope of scopes) {
      if (await services.audit.admin.checkpoint(scope, { reload: true, fence })) signed++;
    }
    return signed;
  }

  const tick = () => (running ??= pass().finally(() => (running = undefined)));
  const timer = setInterval(
    () =>
      void tick().catch((err: unknown) => {
        if (!(err instanceof StaleLeaseError)) opts.onError?.(err);
      }),
    opts.everyMs ?? 60_000,
  );
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
