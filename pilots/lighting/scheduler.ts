// The scheduler: on each tick it finds the switch points each schedule passed since the previous
// tick, and asks for one command per lamp of the group (one batch per group), leaving out lamps a
// manual override holds. When an override lapses, the lamps it held get the level the schedule
// has in force at that moment (domain/commands.ts effectiveLevel: the override wins until it expires).
// Groups can also be re-synchronised: they get the level in force now, whatever the last step was
// (a first start, a new or edited schedule, a restart too long after the last tick to replay).
// Planning is pure (planTick); the Scheduler keeps the last tick and hands plans to a command sink.
import {
  levelAt,
  switchPoints,
  type Installation,
  type Override,
  type Schedule,
} from './domain/index.ts';
import type { StoredOverride } from './schedules.ts';

export type Site = Pick<Installation, 'latitude' | 'longitude' | 'timeZone'>;
export interface LampRef {
  id: string;
  groupId: string;
  cabinetId: string;
}

export interface PlannedSwitch {
  groupId: string;
  scheduleId: string;
  level: number;
  /** Pilot-clock instant the level became due (the switch point, or the override's expiry). */
  at: number;
  reason: 'schedule' | 'override-expired' | 'resync';
  lampIds: string[];
}

export interface SchedulerSnapshot {
  site: Site | null;
  schedules: readonly Schedule[];
  lampsOfGroup(groupId: string): readonly LampRef[];
  /** Lamps an override names (its lamp, or the lamps of its group or cabinet). */
  lampsCoveredBy(o: StoredOverride): readonly LampRef[];
  overrideFor(lamp: LampRef, at: number): Override | null;
  expiredOverrides(at: number): readonly StoredOverride[];
}

export interface TickPlan {
  switches: PlannedSwitch[];
  /** Lapsed overrides, to delete once their lamps are back on schedule. */
  dropOverrides: string[];
}

export type Resync = ReadonlySet<string> | 'all';

/**
 * What is due in the window (from, to]: at most one switch per group, the last level in force.
 * Groups in `resync` get the level in force at `to` even when no step fell in the window.
 */
export function planTick(snap: SchedulerSnapshot, from: number, to: number, resync: Resync = new Set()): TickPlan {
  const expired = snap.expiredOverrides(to);
  const plan: TickPlan = { switches: [], dropOverrides: expired.map((o) => o.id) };
  if (!snap.site || to < from) return plan;
  const site = snap.site;
  // Lamps whose override lapsed and that no other override holds now resume the schedule.
  const resumeAt = new Map<string, number>();
  for (const o of expired) {
    for (const l of snap.lampsCoveredBy(o)) {
      if (snap.overrideFor(l, to)) continue;
      resumeAt.set(l.id, Math.max(resumeAt.get(l.id) ?? 0, o.until ?? to));
    }
  }
  for (const schedule of snap.schedules) {
    // switchPoints is [from, to); the tick window is (from, to].
    const last = switchPoints(schedule, site, from + 1, to + 1).at(-1);
    let levelNow: number | undefined = last?.level;
    for (const groupId of new Set(schedule.assignedGroups)) {
      const whole = resync === 'all' || resync.has(groupId);
      const due = snap
        .lampsOfGroup(groupId)
        .filter((l) => (last !== undefined || whole || resumeAt.has(l.id)) && !snap.overrideFor(l, to));
      if (!due.length) continue;
      levelNow ??= levelAt(schedule, site, to);
      const resumed = due.filter((l) => resumeAt.has(l.id));
      plan.switches.push({
        groupId,
        scheduleId: schedule.id,
        level: levelNow,
        at: last?.at ?? (whole ? to : Math.max(...resumed.map((l) => resumeAt.get(l.id)!))),
        reason: last ? 'schedule' : whole ? 'resync' : 'override-expired',
        lampIds: due.map((l) => l.id),
      });
    }
  }
  return plan;
}

export interface SchedulerDeps {
  now(): number;
  snapshot(): SchedulerSnapshot;
  /** The command sink: one command per lamp of the switch, sharing a batch id; false when the
   *  switch needed no new command (an earlier run had issued it). */
  issue(sw: PlannedSwitch): Promise<boolean | void>;
  dropOverrides(ids: readonly string[]): Promise<void>;
  /** Persists how far the schedule has been carried out (restart catch-up). */
  saveMark?(at: number): Promise<void>;
  onError?(err: unknown, sw: PlannedSwitch): void;
}

export class Scheduler {
  private pendingResync: Set<string> | 'all' = new Set();

  constructor(
    private readonly deps: SchedulerDeps,
    private lastTick: number,
  ) {}

  /** Instant up to which switch points have been handled. */
  get mark(): number {
    return this.lastTick;
  }

  /** On the next tick, these groups (or all) get the level in force, not only on a step. */
  resync(groups: Iterable<string> | 'all'): void {
    if (groups === 'all' || this.pendingResync === 'all') this.pendingResync = 'all';
    else for (const g of groups) this.pendingResync.add(g);
  }

  async tick(): Promise<PlannedSwitch[]> {
    const to = this.deps.now();
    if (to < this.lastTick) {
      // A clock stepped back (or a test rewinding it): start again from the new present.
      this.lastTick = to;
      return [];
    }
    const resync = this.pendingResync;
    if (to === this.lastTick && resync !== 'all' && resync.size === 0) return [];
    this.pendingResync = new Set();
    const plan = planTick(this.deps.snapshot(), this.lastTick, to, resync);
    const issued: PlannedSwitch[] = [];
    for (const sw of plan.switches) {
      try {
        if ((await this.deps.issue(sw)) !== false) issued.push(sw);
      } catch (err) {
        this.deps.onError?.(err, sw);
      }
    }
    await this.deps.dropOverrides(plan.dropOverrides);
    this.lastTick = to;
    if (issued.length) await this.deps.saveMark?.(to);
    return issued;
  }
}
