import { describe, expect, it } from 'vitest';
import { cabinetSchema, groupSchema, lampModelSchema, lampSchema, scheduleSchema, switchPoints } from './domain/index.ts';
import { installationRecordSchema } from './inventory.ts';
import { buildDemoInventory, fleetExtra } from './seed.ts';

describe('buildDemoInventory: the demo town', () => {
  const town = buildDemoInventory({ tenantId: 'city-demo', seed: 42, lamps: 120 });

  it('has ceil(n/12) cabinets, one group per ten lamps and n lamps, all valid inventory records', () => {
    expect(town.cabinets).toHaveLength(10);
    expect(town.groups).toHaveLength(12);
    expect(town.lamps).toHaveLength(120);
    expect(() => installationRecordSchema.parse(town.installation)).not.toThrow();
    for (const c of town.cabinets) cabinetSchema.parse(c);
    for (const g of town.groups) groupSchema.parse(g);
    for (const m of town.models) lampModelSchema.parse(m);
    for (const l of town.lamps) lampSchema.parse(l);
    expect(() => scheduleSchema.parse(town.schedule)).not.toThrow();
  });

  it('device ids carry the tenant id, so two tenants never collide, and fit the platform’s id rule', () => {
    const ids = [...town.lamps, ...town.cabinets].map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.startsWith('city-demo-') && /^[a-z0-9][a-z0-9-]{2,63}$/.test(id))).toBe(true);
    const other = buildDemoInventory({ tenantId: 'tenant-b', seed: 42, lamps: 120 });
    expect(other.lamps.some((l) => ids.includes(l.id))).toBe(false);
    // Groups and the schedule too: no id of one tenant's town reads like another's.
    expect([...town.groups.map((g) => g.id), town.schedule.id].every((id) => id.startsWith('city-demo-'))).toBe(true);
  });

  it('every lamp is fed by a feeder of its own cabinet and lies inside the layout bounds', () => {
    const feeders = new Map(town.cabinets.flatMap((c) => c.feeders.map((f) => [f.id, c.id] as const)));
    const b = town.installation.bounds;
    for (const l of town.lamps) {
      expect(feeders.get(l.feederId!)).toBe(l.cabinetId);
      expect(l.position.x).toBeGreaterThanOrEqual(b.minX);
      expect(l.position.x).toBeLessThanOrEqual(b.maxX);
      expect(l.position.y).toBeLessThanOrEqual(b.maxY);
    }
  });

  it('parks get the 30 W model; every group follows the night programme', () => {
    const parks = town.groups.filter((g) => g.kind === 'park').map((g) => g.id);
    expect(parks.length).toBeGreaterThan(0);
    expect(town.lamps.filter((l) => parks.includes(l.groupId)).every((l) => l.modelId === 'led-30')).toBe(true);
    expect(town.schedule.assignedGroups).toEqual(town.groups.map((g) => g.id));
  });

  it('the night programme switches on at sunset, dims at 23:00, restores at 05:30 and goes off at sunrise', () => {
    const from = Date.UTC(2026, 0, 15, 11, 0);
    const levels = switchPoints(town.schedule, town.installation, from, from + 86_400_000).map((p) => p.level);
    expect(levels).toEqual([100, 50, 100, 0]);
  });

  it('the same seed builds the same town; another seed another one', () => {
    expect(buildDemoInventory({ tenantId: 'city-demo', seed: 42, lamps: 120 })).toEqual(town);
    expect(buildDemoInventory({ tenantId: 'city-demo', seed: 7, lamps: 120 }).lamps).not.toEqual(town.lamps);
  });

  it('an explicit cabinet count is honoured and never exceeds the lamps', () => {
    expect(buildDemoInventory({ tenantId: 't1', seed: 1, lamps: 30, cabinets: 2 }).cabinets).toHaveLength(2);
    expect(buildDemoInventory({ tenantId: 't1', seed: 1, lamps: 3, cabinets: 9 }).cabinets).toHaveLength(3);
  });

  it('the fleet extra gives the simulator each lamp’s model, cabinet and phase', () => {
    const extra = fleetExtra(town, 60_000);
    expect(extra.lamps).toHaveLength(120);
    expect(extra.lamps[0]).toMatchObject({ id: 'city-demo-lamp-0001', cabinetId: 'city-demo-cab-001', phase: 'L1' });
    expect(extra.lamps[1]?.phase).toBe('L2');
    expect(extra.reportIntervalMs).toBe(60_000);
  });
});
