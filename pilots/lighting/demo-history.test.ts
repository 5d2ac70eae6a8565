import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FINE_MS, lightingHistory, lampPayload } from './demo-history.ts';
import { lampTelemetrySchema, type LampModel } from './domain/model.ts';
import { buildDemoInventory, fleetExtra, type LightingProvision } from './seed.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const TO = Date.UTC(2026, 11, 6, 5, 30);
const FROM = TO - 7 * DAY;
const inv = buildDemoInventory({ tenantId: 'city-demo', seed: 42, lamps: 12 });
const provision: LightingProvision = { devices: [], extra: fleetExtra(inv, MIN) };
const h = lightingHistory({ tenantId: 'city-demo', from: FROM, to: TO, provision });
const local = (t: number) => new Intl.DateTimeFormat('en-GB', { timeZone: inv.installation.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);

describe('lighting demo history', () => {
  it('every lamp reading passes the lamp schema, as at ingest', () => {
    for (const r of h.readings) expect(lampTelemetrySchema.safeParse(r.data).success, JSON.stringify(r.data)).toBe(true);
    expect(new Set(h.readings.map((r) => r.deviceId)).size).toBe(12);
  });

  it('follows the night programme: off at local noon, 50 % at 02:00, full at 20:00', () => {
    const lamp = inv.lamps[0]!.id;
    const at = (hhmm: string) => h.readings.filter((r) => r.deviceId === lamp && local(r.ts) === hhmm).map((r) => r.data.dimLevel);
    expect(new Set(at('12:00'))).toEqual(new Set([0]));
    expect(new Set(at('02:00'))).toEqual(new Set([50]));
    expect(new Set(at('20:00'))).toEqual(new Set([100]));
  });

  it('the last hours are fine enough for the energy report (readings at most 3 min apart), older ones hourly', () => {
    const lamp = inv.lamps[1]!.id;
    const times = h.readings.filter((r) => r.deviceId === lamp).map((r) => r.ts);
    const recent = times.filter((t) => t >= TO - FINE_MS);
    for (let i = 1; i < recent.length; i++) expect(recent[i]! - recent[i - 1]!).toBeLessThanOrEqual(3 * MIN);
    expect(times[1]! - times[0]!).toBe(HOUR);
  });

  it('burning hours only grow, and only while lit', () => {
    const lamp = inv.lamps[2]!.id;
    const rows = h.readings.filter((r) => r.deviceId === lamp);
    for (let i = 1; i < rows.length; i++) {
      const grew = (rows[i]!.data.burningHours as number) - (rows[i - 1]!.data.burningHours as number);
      expect(grew).toBeGreaterThanOrEqual(0);
      if ((rows[i - 1]!.data.dimLevel as number) === 0) expect(grew).toBe(0);
    }
  });

  it('the last day\'s switch points are commands to every lamp of each group, one batch per group and point', () => {
    expect(h.commands.length).toBeGreaterThan(0);
    for (const c of h.commands) {
      expect(c.at).toBeGreaterThanOrEqual(TO - DAY);
      expect(c.at).toBeLessThan(TO);
      expect(c.name).toBe('switch');
    }
    const batches = new Map<string, number>();
    for (const c of h.commands) batches.set(c.batchId!, (batches.get(c.batchId!) ?? 0) + 1);
    expect([...batches.values()].reduce((a, b) => a + b, 0)).toBe(h.commands.length);
    const groups = new Set(inv.lamps.map((l) => l.groupId));
    expect(batches.size % groups.size).toBe(0);
    // Batch ids are UUIDs, as the batch status route expects, and the same for the same history.
    for (const id of batches.keys()) expect(z.uuid().safeParse(id).success, id).toBe(true);
    expect(lightingHistory({ tenantId: 'city-demo', from: FROM, to: TO, provision }).commands.map((c) => c.batchId)).toEqual(h.commands.map((c) => c.batchId));
  });

  it.each([
    [0, 'off', 0.5],
    [50, 'on', 34],
    [100, 'on', 64],
  ])('a 60 W lamp at %i %% is %s drawing %d W', (level, state, watts) => {
    const model: LampModel = inv.models.find((m) => m.id === 'led-60')!;
    const p = lampPayload(model, level, 0, 0);
    expect(p.powerState).toBe(state);
    expect(p.activePower).toBe(watts);
  });
});
