// One tenant's lighting runtime: loads the tenant's inventory, schedules and overrides, live state
// and alarm view (tenant-parts.ts), and composes the modules that work on them, one job each:
// the read model (views.ts), failure detection on readings (failure-checks.ts), manual switching
// (switching.ts), schedule management (schedule-admin.ts), the scheduler as a once-across-the-
// cluster job (schedule-runner.ts) and demo provisioning (provisioning.ts). Every method runs in
// the tenant's context (a request of one of its users, its background tick, or the ingest of its
// devices' readings). Work that reads and then writes alarms, overrides or schedules goes through
// one queue per tenant.
import { KeyedQueue } from '../../platform/keyed-queue.ts';
import type { PilotSingleton } from '../../platform/pilot.ts';
import { AlarmBook } from './detection.ts';
import { EnergyRollup } from './energy-rollup.ts';
import { FailureChecks, devicesOf } from './failure-checks.ts';
import { Inventory, type InstallationRecord } from './inventory.ts';
import type { LightingOptions } from './options.ts';
import { provision } from './provisioning.ts';
import { ScheduleAdmin } from './schedule-admin.ts';
import { ScheduleRunner } from './schedule-runner.ts';
import { ScheduleBook } from './schedules.ts';
import type { PlannedSwitch } from './scheduler.ts';
import type { LightingProvision } from './seed.ts';
import { LiveState } from './state.ts';
import { Switching } from './switching.ts';
import type { LightingContext, TenantParts } from './tenant-parts.ts';
import { LightingViews } from './views.ts';

export class TenantRuntime {
  readonly views: LightingViews;
  readonly checks: FailureChecks;
  readonly switching: Switching;
  readonly schedules: ScheduleAdmin;
  readonly energy: EnergyRollup;
  /** Platform-clock ms of the last re-read of live state and alarms (cluster mode). */
  private lastLiveRescan: number;

  private constructor(
    private readonly parts: TenantParts,
    private readonly runner: ScheduleRunner,
    private readonly job: PilotSingleton,
  ) {
    this.lastLiveRescan = parts.ctx.now();
    this.energy = new EnergyRollup(parts);
    this.views = new LightingViews(parts, this.energy);
    this.checks = new FailureChecks(parts, this.views);
    this.switching = new Switching(parts);
    this.schedules = new ScheduleAdmin(parts, runner);
  }

  static async load(ctx: LightingContext, opts: LightingOptions, now: () => number, tenantId: string, job: PilotSingleton): Promise<TenantRuntime> {
    // The records read below are the context's tenant's: refuse to file them under another one.
    if (ctx.principal().tenantId !== tenantId) throw new Error(`lighting runtime of ${tenantId} loaded outside its tenant context`);
    const records = await ctx.records();
    const inventory = await Inventory.load(records);
    const book = await ScheduleBook.load(records);
    const alarms = await AlarmBook.load(ctx.alarms);
    // A fault event counts for two reporting intervals after the newest reading.
    const state = new LiveState(opts.recentReadings, 2 * opts.reportIntervalMs);
    const start = now();
    await state.refresh(ctx.series, devicesOf(inventory), start, ctx.deviceClock.maxSkewMs);
    const queue = new KeyedQueue();
    const parts: TenantParts = {
      tenantId,
      ctx,
      opts,
      now,
      inventory,
      book,
      state,
      alarms,
      serial: (fn) => queue.run(tenantId, fn),
    };
    return new TenantRuntime(parts, await ScheduleRunner.start(parts, job, start), job);
  }

  get tenantId(): string {
    return this.parts.tenantId;
  }

  get inventory(): Inventory {
    return this.parts.inventory;
  }

  get site(): InstallationRecord | null {
    return this.parts.inventory.installation;
  }

  /** One pass of the background loop: due schedule steps and lapsed overrides, then comms loss.
   *  In a cluster every node re-reads live state and alarms every `clusterRescanMs` (readings
   *  reach only the node a device is connected to), and only the scheduler's holder judges
   *  silence: one verdict per device, on what every node heard. */
  tick(): Promise<PlannedSwitch[]> {
    const { job, parts } = this;
    return parts.serial(async () => {
      const issued = await this.runner.tick();
      if (job.shared && parts.ctx.now() - this.lastLiveRescan >= parts.opts.clusterRescanMs) {
        await this.checks.rescan();
        this.lastLiveRescan = parts.ctx.now();
      }
      if (!job.shared || job.held()) await this.checks.sweepComms();
      return issued;
    });
  }

  /** Creates the demo town and registers its devices; refused once the tenant has an installation. */
  provision(o: { seed: number; lamps: number; cabinets?: number }): Promise<LightingProvision> {
    return provision(this.parts, this.runner, o);
  }
}
