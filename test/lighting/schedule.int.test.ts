// Schedules end to end on a hand-driven (and, for the last leg, accelerated) pilot clock: an
// astronomical step fires when the clock crosses it and not before, a manual override holds the
// group through a scheduled step and the schedule resumes when it lapses, and the night ends with
// the dawn step at its time. Lamps are real MQTT devices that ack their commands.
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sunEvents, zonedTimeToUtc } from '../../pilots/lighting/domain/index.ts';
import { createLightingPilot } from '../../pilots/lighting/index.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { API, connectDevice, manualClock, provision, type Fleet, type TestDevice } from './support.ts';

const SITE = { latitude: 41.39, longitude: 2.17, timeZone: 'Europe/Madrid' };
const DAY = '2026-01-15';
const D1 = '2026-01-16';
const local = (date: string, hhmm: string) => {
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  return zonedTimeToUtc(date, hh * 60 + mm, SITE.timeZone).ms;
};
const sun = sunEvents(DAY, SITE.latitude, SITE.longitude, SITE.timeZone);
const sunrise = sunEvents(D1, SITE.latitude, SITE.longitude, SITE.timeZone).sunrise!;
const DUSK_STEP = sun.sunset! + 15 * 60_000;
const DAWN_STEP = sunrise - 10 * 60_000;

const clock = manualClock(local(DAY, '13:00'));
let h: Harness;
let operator: ApiClient;
let fleet: Fleet;
let socket: Socket;
const lamps: TestDevice[] = [];
const scheduleEvents: { event: string; groupId?: string; level?: number; at?: number; reason?: string }[] = [];
let scheduleId = '';

/** Switch levels a lamp received since `markAll()` (the start-up and edit resyncs come before). */
const seen = new Map<string, number>();
const markAll = () => lamps.forEach((d) => seen.set(d.id, d.commands.length));
const levelsSent = (d: TestDevice) => d.commands.slice(seen.get(d.id) ?? 0).filter((c) => c.name === 'switch').map((c) => c.params.level);
const settle = () => new Promise((r) => setTimeout(r, 300)); // six scheduler ticks

beforeAll(async () => {
  h = await bootHarness({
    pilots: [createLightingPilot({ now: clock, tickMs: 50, commsLossIntervals: 0 })],
    tenantPilots: ['lighting'],
  });
  const admin = await h.as(h.tenants.a.users['tenant-admin']);
  operator = await h.as(h.tenants.a.users.operator);
  fleet = await provision(admin, { lamps: 20, seed: 3 });
  const ids = new Set(fleet.extra.lamps.filter((l) => l.groupId === 'tenant-a-grp-01').map((l) => l.id));
  for (const d of fleet.devices.filter((x) => ids.has(x.id))) lamps.push(await connectDevice(h, d));
  socket = io(h.url, { auth: { token: operator.token }, transports: ['websocket'], reconnection: false });
  socket.on('lt.schedule', (e) => scheduleEvents.push(e));
  await new Promise<void>((resolve, reject) => {
    socket.once('hello', () => resolve());
    socket.once('connect_error', reject);
  });
});

afterAll(async () => {
  socket?.close();
  await Promise.all(lamps.map((d) => d.close().catch(() => undefined)));
  await h?.close();
});

describe('an astronomical schedule on an accelerated clock', () => {
  it('a new schedule for a group is accepted once the default one lets the group go, and previews its night', async () => {
    const demo = (await operator.get(`${API}/schedules`)).body.items[0];
    expect(demo.assignedGroups).toContain('tenant-a-grp-01');
    const taken = await operator.post(`${API}/schedules`, {
      name: 'Dusk +15, 22:00 60 %, dawn −10',
      steps: [
        { at: { kind: 'astro', event: 'sunset', offsetMinutes: 15 }, level: 80 },
        { at: { kind: 'fixed', time: '22:00' }, level: 60 },
        { at: { kind: 'astro', event: 'sunrise', offsetMinutes: -10 }, level: 0 },
      ],
      assignedGroups: ['tenant-a-grp-01'],
    });
    expect(taken.status).toBe(409); // grp-01 still follows the demo programme
    const { id: _id, ...rest } = demo;
    expect((await operator.request('PUT', `${API}/schedules/${demo.id}`, { ...rest, assignedGroups: ['tenant-a-grp-02'] })).status).toBe(200);
    const created = await operator.post(`${API}/schedules`, {
      name: 'Dusk +15, 22:00 60 %, dawn −10',
      steps: [
        { at: { kind: 'astro', event: 'sunset', offsetMinutes: 15 }, level: 80 },
        { at: { kind: 'fixed', time: '22:00' }, level: 60 },
        { at: { kind: 'astro', event: 'sunrise', offsetMinutes: -10 }, level: 0 },
      ],
      assignedGroups: ['tenant-a-grp-01'],
    });
    expect(created.status).toBe(201);
    scheduleId = created.body.id;
    const preview = (await operator.get(`${API}/schedules/${scheduleId}/preview?hours=24`)).body;
    expect(preview.levelNow).toBe(0);
    expect(preview.points.map((p: { at: number; level: number }) => [p.at, p.level])).toEqual([
      [DUSK_STEP, 80],
      [local(DAY, '22:00'), 60],
      [DAWN_STEP, 0],
    ]);
    await expect.poll(() => scheduleEvents.some((e) => e.event === 'created')).toBe(true);
    const auditor = await h.as(h.tenants.a.users.auditor);
    const log = (await auditor.get('/api/v1/audit?action=lighting.schedule.create')).body.items;
    expect(log.map((e: { target: string }) => e.target)).toEqual([`schedule:${scheduleId}`]);
  });

  it('at 13:00 a new programme puts its group at the level in force: off', async () => {
    await expect.poll(() => lamps.every((d) => d.commands.at(-1)?.params.level === 0), { timeout: 3000 }).toBe(true);
    await expect
      .poll(() => scheduleEvents.some((e) => e.event === 'switch' && e.groupId === 'tenant-a-grp-01' && e.reason === 'resync'), { timeout: 3000 })
      .toBe(true);
  });

  it('nothing is sent a minute before sunset + 15 min; crossing it switches the group to 80 %', async () => {
    clock.set(DUSK_STEP - 60_000);
    await settle();
    markAll();
    await settle();
    expect(lamps.every((d) => levelsSent(d).length === 0)).toBe(true);
    clock.set(DUSK_STEP + 1000);
    await expect.poll(() => lamps.every((d) => levelsSent(d).join() === '80'), { timeout: 3000 }).toBe(true);
    await expect
      .poll(() => scheduleEvents.find((e) => e.event === 'switch' && e.groupId === 'tenant-a-grp-01' && e.reason === 'schedule')?.at, { timeout: 3000 })
      .toBe(DUSK_STEP);
  });

  it('a manual dim holds the group through the 22:00 step; when the hold lapses the schedule resumes', async () => {
    clock.set(local(DAY, '21:00'));
    await settle();
    const sent = await operator.post(`${API}/commands`, { target: { groupId: 'tenant-a-grp-01' }, action: 'dim', level: 20, overrideMinutes: 120 });
    expect(sent.status).toBe(202);
    await expect.poll(() => lamps.every((d) => levelsSent(d).join() === '80,20'), { timeout: 3000 }).toBe(true);
    clock.set(local(DAY, '22:01'));
    await settle();
    expect(lamps.every((d) => levelsSent(d).join() === '80,20')).toBe(true);
    const held = (await operator.get(`${API}/lamps/${lamps[0]!.id}`)).body;
    expect(held.override).toEqual({ level: 20, until: local(DAY, '23:00') });
    clock.set(local(DAY, '23:01'));
    await expect.poll(() => lamps.every((d) => levelsSent(d).join() === '80,20,60'), { timeout: 3000 }).toBe(true);
    expect((await operator.get(`${API}/lamps/${lamps[0]!.id}`)).body.override).toBeUndefined();
  });

  it('run fast through the night, the dawn step arrives at sunrise − 10 min', async () => {
    clock.set(local(D1, '06:30'));
    await settle();
    const receivedAt: number[] = [];
    const first = lamps[0]!;
    const before = first.commands.length;
    // 2 pilot-minutes every 10 ms: 12 000 times real time.
    const timer = setInterval(() => {
      clock.advance(120_000);
      if (first.commands.length > before && receivedAt.length === 0) receivedAt.push(clock());
    }, 10);
    try {
      await expect.poll(() => lamps.every((d) => levelsSent(d).join() === '80,20,60,0'), { timeout: 8000 }).toBe(true);
    } finally {
      clearInterval(timer);
    }
    expect(receivedAt[0]).toBeGreaterThanOrEqual(DAWN_STEP);
    // Within a few ticks of the clock, never early.
    expect(receivedAt[0]! - DAWN_STEP).toBeLessThan(30 * 60_000);
    expect(scheduleEvents.filter((e) => e.event === 'switch' && e.groupId === 'tenant-a-grp-01' && e.reason !== 'resync').map((e) => [e.level, e.at])).toEqual([
      [80, DUSK_STEP],
      [60, local(DAY, '23:00')],
      [0, DAWN_STEP],
    ]);
  });
});
