// Managing one tenant's schedules: list, create, replace and delete them (each change kept in the
// tenant's audit chain, announced on `lt.schedule`, and applied at once to its groups), and preview
// the switch points a schedule will produce.
import type { Schedule, SchedulePreview } from './domain/index.ts';
import { preview } from './domain/index.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import type { ScheduleRunner } from './schedule-runner.ts';
import type { TenantParts } from './tenant-parts.ts';

export class ScheduleAdmin {
  constructor(
    private readonly p: TenantParts,
    private readonly runner: ScheduleRunner,
  ) {}

  list(): Schedule[] {
    return [...this.p.book.schedules.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  async save(schedule: Schedule, mode: 'create' | 'replace'): Promise<Schedule> {
    const { p } = this;
    return p.serial(async () => {
      const exists = p.book.schedules.has(schedule.id);
      if (mode === 'create' && exists) throw conflict(`schedule ${schedule.id} exists`);
      if (mode === 'replace' && !exists) throw notFound(`no schedule ${schedule.id}`);
      const saved = await p.book.saveSchedule(await p.ctx.records(), schedule, new Set(p.inventory.groups.keys()));
      await this.audit(mode === 'create' ? 'create' : 'update', saved);
      // A new or edited programme applies at once, not only from its next step.
      this.runner.resync(saved.assignedGroups);
      p.ctx.publish({ type: 'lt.schedule', payload: { event: mode === 'create' ? 'created' : 'updated', schedule: saved } });
      return saved;
    });
  }

  async delete(id: string): Promise<void> {
    const { p } = this;
    await p.serial(async () => {
      const removed = await p.book.deleteSchedule(await p.ctx.records(), id);
      await this.audit('delete', removed);
      p.ctx.publish({ type: 'lt.schedule', payload: { event: 'deleted', schedule: { id: removed.id, name: removed.name } } });
    });
  }

  preview(id: string, hours: number): SchedulePreview & { scheduleId: string; timeZone: string } {
    const schedule = this.p.book.requireSchedule(id);
    const site = this.p.inventory.requireInstallation();
    return { scheduleId: id, timeZone: site.timeZone, ...preview(schedule, site, this.p.now(), hours) };
  }

  /** Schedules switch public lighting: who changed which one is kept in the tenant's audit chain. */
  private audit(action: 'create' | 'update' | 'delete', s: Schedule) {
    return this.p.ctx.audit.record({
      actor: this.p.ctx.principal().label,
      action: `lighting.schedule.${action}`,
      target: `schedule:${s.id}`,
      outcome: 'success',
      details: { groups: s.assignedGroups.length, steps: s.steps.length },
    });
  }
}
