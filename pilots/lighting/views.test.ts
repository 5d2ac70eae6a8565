// The read model over in-memory ports: lamps filtered and sorted, a group's hold shown only while
// it is in force, the installation's counts, and a lamp's view joined with its override.
import { describe, expect, it } from 'vitest';
import { overrideId, type StoredOverride } from './schedules.ts';
import { testTenant } from './testing.ts';
import { LightingViews } from './views.ts';

const START = Date.UTC(2026, 0, 15, 12);

describe('LightingViews', () => {
  it('lists lamps by group or cabinet, sorted by id', async () => {
    const t = await testTenant({ lamps: 24, start: START });
    const views = new LightingViews(await t.parts());
    const group = t.inv.groups[1]!.id;
    const cabinet = t.inv.cabinets[0]!.id;
    expect(views.lamps({ groupId: group }).map((l) => l.id)).toEqual(t.inv.lamps.filter((l) => l.groupId === group).map((l) => l.id).sort());
    expect(views.lamps({ cabinetId: cabinet }).every((l) => l.cabinetId === cabinet)).toBe(true);
    expect(views.lamps()).toHaveLength(24);
    expect(views.installation().counts).toEqual({ cabinets: t.inv.cabinets.length, groups: t.inv.groups.length, lamps: 24 });
  });

  it('shows a group hold and the lamp override while they are in force, not after', async () => {
    const t = await testTenant({ lamps: 12, start: START });
    const parts = await t.parts();
    const views = new LightingViews(parts);
    const group = t.inv.groups[0]!.id;
    const hold: StoredOverride = { id: overrideId('group', group), scope: 'group', targetId: group, level: 30, until: START + 60_000, createdAt: START, batchId: 'b', createdBy: 'user:op' };
    await parts.book.putOverride(t.records, hold);
    const lamp = t.inv.lamps.find((l) => l.groupId === group)!;
    expect(views.groups().find((g) => g.id === group)?.override).toEqual({ level: 30, until: START + 60_000 });
    expect(views.lampView(lamp).override).toEqual({ level: 30, until: START + 60_000 });
    t.clock.t = START + 60_000;
    expect(views.groups().find((g) => g.id === group)?.override).toBeNull();
    expect(views.lampView(lamp).override).toBeUndefined();
    expect(views.groups().find((g) => g.id === group)?.schedule).toEqual({ id: t.inv.schedule.id, name: t.inv.schedule.name });
  });
});
