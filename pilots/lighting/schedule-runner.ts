// Runs one tenant's scheduler (scheduler.ts) as the pilot's once-across-the-cluster job
// (PilotContext.singleton): only the node holding the job issues steps. What was done lives in the
// store, not in a node's memory: the mark (how far the schedules have been carried out) and, per
// group, a marker of the last step issued to it, written fenced just before the step's commands
// share the marker's batch id. A node that gains the job re-reads both and catches up on the steps
// that fell due while no one held it; a step an earlier holder issued (its marker says so) is not
// issued again, only completed for lamps its batch had not reached. In cluster mode every node
// also re-reads the tenant's inventory and schedules every `clusterRescanMs` (another node may
// have changed them), and the holder applies a schedule changed elsewhere at once, as an edit does.
import { randomUUID } from 'node:crypto';
import { StaleLeaseError } from '../../platform/errors.ts';
import type { PilotSingleton } from '../../platform/pilot.ts';
import type { Schedule } from './domain/index.ts';
import { commandForLevel, fanOut } from './commands.ts';
import { Inventory, RECORD } from './inventory.ts';
import { ScheduleBook } from './schedules.ts';
import { Scheduler, type PlannedSwitch, type SchedulerSnapshot } from './scheduler.ts';
import type { TenantParts } from './tenant-parts.ts';

const MARK_ID = 'mark';

/** The last step issued to a group (record RECORD.scheduleStep, id = the group's id). */
export interface StepMarker {
  scheduleId: string;
  groupId: string;
  /** The switch's due instant (PlannedSwitch.at). */
  at: number;
  level: number;
  reason: PlannedSwitch['reason'];
  batchId: string;
}

/**
 * What to do with a planned switch given the group's marker: issue it anew, complete the batch
 * an earlier run started for this very step, or skip it because a step at or after it was issued.
 * A resync is a deliberate re-send of the level in force, never deduplicated.
 */
export function stepAction(marker: StepMarker | null, sw: PlannedSwitch): 'issue' | 'complete' | 'skip' {
  if (sw.reason === 'resync' || !marker || marker.scheduleId !== sw.scheduleId || marker.at < sw.at) return 'issue';
  return marker.at === sw.at && marker.level === sw.level ? 'complete' : 'skip';
}

/** Groups whose schedule is new or changed between two readings of the schedules. */
export function changedGroups(before: ReadonlyMap<string, Schedule>, after: ReadonlyMap<string, Schedule>): Set<string> {
  const groups = new Set<string>();
  for (const [id, s] of after) {
    const old = before.get(id);
    if (!old || JSON.stringify(old) !== JSON.stringify(s)) for (const g of s.assignedGroups) groups.add(g);
  }
  return groups;
}

export class ScheduleRunner {
  private scheduler!: Scheduler;
  /** The job's epoch this runner last resumed under (-1: never, resume on the first gain). */
  private epoch = -1;
  private lastRescan: number;

  private constructor(
    private readonly p: TenantParts,
    private readonly job: PilotSingleton,
  ) {
    this.lastRescan = p.ctx.now();
  }

  /** The runner of a freshly loaded tenant, resumed from the store's mark as of `start`. */
  static async start(p: TenantParts, job: PilotSingleton, start: number): Promise<ScheduleRunner> {
    const r = new ScheduleRunner(p, job);
    const held = job.held();
    const epoch = job.epoch();
    await r.resume(start);
    if (held) r.epoch = epoch;
    return r;
  }

  /** On the next step, these groups (or all) get the level in force, not only on a step. */
  resync(groups: Iterable<string> | 'all'): void {
    this.scheduler.resync(groups);
  }

  /** One pass (in the tenant's queue): due steps and lapsed overrides, on the job's holder only. */
  async tick(): Promise<PlannedSwitch[]> {
    const { job } = this;
    const held = job.held();
    const epoch = job.epoch();
    try {
      if (held && epoch !== this.epoch) {
        // Gained the job: carry on from what the store says was done, not from this node's memory.
        await this.reload(false);
        await this.resume(this.p.now());
        this.epoch = epoch;
      } else if (job.shared && this.p.ctx.now() - this.lastRescan >= this.p.opts.clusterRescanMs) {
        await this.reload(held);
      }
      return held ? await this.scheduler.tick() : [];
    } catch (err) {
      if (!(err instanceof StaleLeaseError)) throw err;
      // The job moved to another node mid-pass; it resumes from the store.
      this.p.ctx.logger.info({ tenantId: this.p.tenantId }, 'lighting scheduler passed to another node');
      return [];
    }
  }

  /** Replays from the stored mark; with no mark, or one too old to replay, every scheduled group
   *  gets the level in force instead. */
  private async resume(start: number): Promise<void> {
    const { p } = this;
    const mark = (await (await p.ctx.records()).get<{ at: number }>(RECORD.schedulerMark, MARK_ID))?.data.at;
    const replay = mark !== undefined && mark >= start - p.opts.maxCatchUpMs;
    this.scheduler = new Scheduler(
      {
        now: p.now,
        snapshot: () => this.snapshot(),
        issue: (sw) => this.issue(sw),
        dropOverrides: (ids) => this.dropOverrides(ids),
        saveMark: (at) => this.job.fence(async () => (await p.ctx.records()).put(RECORD.schedulerMark, MARK_ID, { at })),
        onError: (err, sw) => {
          if (err instanceof StaleLeaseError) p.ctx.logger.info({ groupId: sw.groupId }, 'scheduled switch left to the new scheduler holder');
          else p.ctx.logger.error({ err, groupId: sw.groupId }, 'scheduled switch failed');
        },
      },
      replay ? Math.min(mark, start) : start,
    );
    if (!replay) this.scheduler.resync('all');
  }

  /** Re-reads inventory and schedules; the holder applies schedules changed on another node. */
  private async reload(applyChanges: boolean): Promise<void> {
    const { p } = this;
    const records = await p.ctx.records();
    const before = p.book.schedules;
    p.inventory = await Inventory.load(records);
    p.book = await ScheduleBook.load(records);
    this.lastRescan = p.ctx.now();
    if (applyChanges) {
      const changed = changedGroups(before, p.book.schedules);
      if (changed.size) this.scheduler.resync(changed);
    }
  }

  private snapshot(): SchedulerSnapshot {
    const { inventory: inv, book } = this.p;
    return {
      site: inv.installation,
      schedules: [...book.schedules.values()],
      lampsOfGroup: (g) => inv.lampsOfGroup(g),
      lampsCoveredBy: (o) => {
        if (o.scope === 'group') return inv.lampsOfGroup(o.targetId);
        if (o.scope === 'cabinet') return inv.lampsOfCabinet(o.targetId);
        const lamp = inv.lamps.get(o.targetId);
        return lamp ? [lamp] : [];
      },
      overrideFor: (l, at) => book.overrideFor(l, at),
      expiredOverrides: (at) => book.expired(at),
    };
  }

  private async issue(sw: PlannedSwitch): Promise<boolean> {
    const { p } = this;
    const records = await p.ctx.records();
    const marker = sw.reason === 'resync' ? null : ((await records.get<StepMarker>(RECORD.scheduleStep, sw.groupId))?.data ?? null);
    const action = stepAction(marker, sw);
    if (action === 'skip') return false;
    let lampIds = sw.lampIds;
    let batchId: string = randomUUID();
    if (action === 'complete') {
      // An earlier holder issued this step and stopped before recording its mark.
      batchId = marker!.batchId;
      const sent = new Set((await p.ctx.commands.list({ batchId, limit: 10_000 })).map((c) => c.deviceId));
      lampIds = lampIds.filter((id) => !sent.has(id));
      if (!lampIds.length) return false;
    }
    const { lampIds: _all, ...rest } = sw;
    await this.job.fence(async () => {
      if (action === 'issue') await records.put<StepMarker>(RECORD.scheduleStep, sw.groupId, { ...rest, batchId });
      await fanOut(p.ctx.commands, lampIds, commandForLevel(sw.level), p.opts.commandTtlMs, batchId);
    });
    const at = p.now();
    for (const id of lampIds) p.state.commanded(id, sw.level, at);
    p.ctx.publish({ type: 'lt.schedule', payload: { event: 'switch', ...rest, lamps: lampIds.length, batchId } });
    return true;
  }

  private async dropOverrides(ids: readonly string[]): Promise<void> {
    const { p } = this;
    // Fenced only when there is something to delete: most passes have no lapsed override.
    if (!ids.some((id) => p.book.overrides.has(id))) return;
    await this.job.fence(async () => p.book.dropOverrides(await p.ctx.records(), ids));
  }
}
