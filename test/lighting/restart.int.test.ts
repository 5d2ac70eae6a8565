// Restart: schedules and manual overrides are records, so they survive a restart; the scheduler
// replays a step it missed while the platform was down, and still leaves held lamps alone.
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { sunEvents, zonedTimeToUtc } from '../../pilots/lighting/domain/index.ts';
import { createLightingPilot } from '../../pilots/lighting/index.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { API, manualClock, provision, type Fleet } from './support.ts';

const DAY = '2026-01-15';
const local = (hhmm: string) => {
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  return zonedTimeToUtc(DAY, hh * 60 + mm, 'Europe/Madrid').ms;
};
const sunset = sunEvents(DAY, 41.39, 2.17, 'Europe/Madrid').sunset!;
const clock = manualClock(local('13:00'));
const boot = (dataDir?: string) =>
  bootHarness({
    pilots: [createLightingPilot({ now: clock, tickMs: 50, commsLossIntervals: 0 })],
    tenantPilots: ['lighting'],
    ...(dataDir ? { dataDir, provision: false } : {}),
  });

/** Lamps that were sent a switch to `level` (platform commands survive restarts too). */
async function switchedTo(op: ApiClient, level: number): Promise<string[]> {
  const items = (await op.get('/api/v1/commands?limit=1000')).body.items as { deviceId: string; name: string; payload: { level?: number } }[];
  return items.filter((c) => c.name === 'switch' && c.payload.level === level).map((c) => c.deviceId).sort();
}

let h: Harness | undefined;
let dataDir = '';
afterAll(async () => {
  await h?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('lighting across a restart', () => {
  it('a missed 23:00 step is caught up on start, except for lamps a persisted override still holds', async () => {
    h = await boot();
    dataDir = h.config.dataDir;
    const fleet: Fleet = await provision(await h.as(h.tenants.a.users['tenant-admin']), { lamps: 12, seed: 11 });
    let op = await h.as(h.tenants.a.users.operator);
    clock.set(sunset + 60_000);
    await expect.poll(() => switchedTo(op, 100), { timeout: 3000 }).toHaveLength(12);
    clock.set(local('21:00'));
    const held = await op.post(`${API}/commands`, { target: { groupId: 'tenant-a-grp-01' }, action: 'dim', level: 20, overrideMinutes: 150 });
    expect(held.status).toBe(202);
    await h.close({ keepData: true });
    h = undefined;

    // Down from 21:00 to 23:05: the 23:00 dimming step was missed.
    clock.set(local('23:05'));
    h = await boot(dataDir);
    op = await h.as(h.tenants.a.users.operator);
    const byGroup = (g: string) => fleet.extra.lamps.filter((l) => l.groupId === g).map((l) => l.id).sort();
    await expect.poll(() => switchedTo(op, 50), { timeout: 3000 }).toEqual(byGroup('tenant-a-grp-02'));
    const groups = (await op.get(`${API}/groups`)).body.items;
    expect(groups.find((g: { id: string }) => g.id === 'tenant-a-grp-01').override).toEqual({ level: 20, until: local('23:30') });
    expect((await op.get(`${API}/schedules`)).body.items.map((s: { id: string }) => s.id)).toEqual(['tenant-a-night-programme']);

    clock.set(local('23:31'));
    await expect.poll(async () => (await switchedTo(op, 50)).length, { timeout: 3000 }).toBe(12);
    expect((await op.get(`${API}/groups`)).body.items.find((g: { id: string }) => g.id === 'tenant-a-grp-01').override).toBeNull();
  });
});
