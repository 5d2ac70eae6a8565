// Schedules assigned to groups, and the manual overrides that hold lamps against them; both are
// sealed records, cached in memory per tenant and written through. A group follows one schedule
// at most (domain/schedule.ts assignmentConflicts); an override names a lamp, a group or a cabinet
// and the newest one in force for a lamp wins.
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import type { PilotRecords } from '../../platform/pilot.ts';
import { assignmentConflicts, scheduleSchema, type Override, type Schedule } from './domain/index.ts';
import { RECORD } from './inventory.ts';

export type OverrideScope = 'lamp' | 'group' | 'cabinet';

export interface StoredOverride {
  /** `<scope>:<targetId>`: a new override of the same target replaces the old one. */
  id: string;
  scope: OverrideScope;
  targetId: string;
  level: number;
  /** Pilot-clock ms at which the schedule takes over again; null = until replaced. */
  until: number | null;
  createdAt: number;
  batchId: string;
  createdBy: string;
}

export const overrideId = (scope: OverrideScope, targetId: string) => `${scope}:${targetId}`;

export class ScheduleBook {
  readonly schedules = new Map<string, Schedule>();
  readonly overrides = new Map<string, StoredOverride>();

  static async load(records: PilotRecords): Promise<ScheduleBook> {
    const book = new ScheduleBook();
    for (const r of await records.find<Schedule>(RECORD.schedule)) book.schedules.set(r.id, r.data);
    for (const r of await records.find<StoredOverride>(RECORD.override)) book.overrides.set(r.id, r.data);
    return book;
  }

  scheduleOfGroup(groupId: string): Schedule | undefined {
    for (const s of this.schedules.values()) if (s.assignedGroups.includes(groupId)) return s;
    return undefined;
  }

  requireSchedule(id: string): Schedule {
    const s = this.schedules.get(id);
    if (!s) throw notFound(`no schedule ${id}`);
    return s;
  }

  /** Creates or replaces a schedule; refuses unknown groups and groups another schedule drives. */
  async saveSchedule(records: PilotRecords, input: Schedule, knownGroups: ReadonlySet<string>): Promise<Schedule> {
    const schedule = scheduleSchema.parse(input);
    const unknown = schedule.assignedGroups.filter((g) => !knownGroups.has(g));
    if (unknown.length) throw badRequest(`unknown groups: ${unknown.slice(0, 10).join(', ')}`);
    const others = [...this.schedules.values()].filter((s) => s.id !== schedule.id);
    const clashes = assignmentConflicts([...others, schedule]);
    if (clashes.length) {
      const c = clashes[0]!;
      throw conflict(`group ${c.groupId} already follows schedule ${c.scheduleIds.find((id) => id !== schedule.id)}`);
    }
    await records.put(RECORD.schedule, schedule.id, schedule);
    this.schedules.set(schedule.id, schedule);
    return schedule;
  }

  async deleteSchedule(records: PilotRecords, id: string): Promise<Schedule> {
    const s = this.requireSchedule(id);
    await records.delete(RECORD.schedule, id);
    this.schedules.delete(id);
    return s;
  }

  async putOverride(records: PilotRecords, o: StoredOverride): Promise<void> {
    await records.put(RECORD.override, o.id, o, { tags: { scope: o.scope, target: o.targetId } });
    this.overrides.set(o.id, o);
  }

  async dropOverrides(records: PilotRecords, ids: readonly string[]): Promise<void> {
    const present = ids.filter((id) => this.overrides.has(id));
    if (!present.length) return;
    await records.commit({ delete: present.map((id) => ({ kind: RECORD.override, id })) });
    for (const id of present) this.overrides.delete(id);
  }

  /** The override in force for a lamp at `at`: the newest unexpired one naming it, its group or cabinet. */
  overrideFor(lamp: { id: string; groupId: string; cabinetId: string }, at: number): Override | null {
    return activeOverride(
      [overrideId('lamp', lamp.id), overrideId('group', lamp.groupId), overrideId('cabinet', lamp.cabinetId)]
        .map((id) => this.overrides.get(id))
        .filter((o): o is StoredOverride => o !== undefined),
      at,
    );
  }

  /** Overrides whose time is up at `at` (the scheduler resumes the schedule for them). */
  expired(at: number): StoredOverride[] {
    return [...this.overrides.values()].filter((o) => o.until !== null && o.until <= at);
  }
}

/** Newest override still in force at `at` among candidates, as the domain's Override. */
export function activeOverride(candidates: readonly StoredOverride[], at: number): Override | null {
  let best: StoredOverride | undefined;
  for (const o of candidates) {
    if (o.until !== null && o.until <= at) continue;
    if (!best || o.createdAt > best.createdAt) best = o;
  }
  return best ? { level: best.level, until: best.until } : null;
}
