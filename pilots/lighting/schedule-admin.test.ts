// Schedule management over in-memory ports: each change is audited, announced and applied to its
// groups at once; a duplicate create is 409, a replace of nothing 404; a preview names its zone.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import type { Schedule } from './domain/index.ts';
import { RECORD } from './inventory.ts';
import { ScheduleAdmin } from './schedule-admin.ts';
import { testTenant } from './testing.ts';

const START = Date.UTC(2026, 0, 15, 12);

async function setup() {
  const t = await testTenant({ lamps: 12, start: START });
  const resynced: string[][] = [];
  const admin = new ScheduleAdmin(await t.parts(), { resync: (g: Iterable<string> | 'all') => void resynced.push(g === 'all' ? ['all'] : [...g]) } as never);
  return { t, admin, resynced };
}
const status = (p: Promise<unknown>) => p.then(() => 0, (e: unknown) => (e instanceof AppError ? e.status : -1));

describe('ScheduleAdmin', () => {
  it('replacing a schedule stores, audits, announces it and resyncs its groups', async () => {
    const { t, admin, resynced } = await setup();
    const s: Schedule = { ...t.inv.schedule, steps: [{ at: { kind: 'fixed', time: '19:00' }, level: 70 }] };
    await admin.save(s, 'replace');
    expect((await t.records.get<Schedule>(RECORD.schedule, s.id))?.data.steps).toEqual(s.steps);
    expect(t.audit.map((a) => [a.action, a.target])).toEqual([['lighting.schedule.update', `schedule:${s.id}`]]);
    expect(t.events.map((e) => [e.type, (e.payload as { event: string }).event])).toEqual([['lt.schedule', 'updated']]);
    expect(resynced).toEqual([s.assignedGroups]);
    expect(admin.list().map((x) => x.id)).toEqual([s.id]);
  });

  it('refuses a create of an existing id (409) and a replace of a missing one (404), changing nothing', async () => {
    const { t, admin, resynced } = await setup();
    expect(await status(admin.save(t.inv.schedule, 'create'))).toBe(409);
    expect(await status(admin.save({ ...t.inv.schedule, id: 'nope' }, 'replace'))).toBe(404);
    expect([t.audit, t.events, resynced]).toEqual([[], [], []]);
  });

  it('a delete is audited and announced; the preview names the installation’s time zone', async () => {
    const { t, admin } = await setup();
    const p = admin.preview(t.inv.schedule.id, 24);
    expect([p.scheduleId, p.timeZone]).toEqual([t.inv.schedule.id, 'Europe/Madrid']);
    await admin.delete(t.inv.schedule.id);
    expect(await t.records.get(RECORD.schedule, t.inv.schedule.id)).toBeNull();
    expect(t.audit.map((a) => a.action)).toEqual(['lighting.schedule.delete']);
    expect(admin.list()).toEqual([]);
  });
});
