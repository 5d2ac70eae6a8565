// Group commands end to end: a demo town provisioned through the API, 100 lamp devices over real
// MQTT, a dim command to a group reaching `done` for every online lamp, the offline lamp getting its
// command when it connects, command statuses reaching only the same tenant's sockets, and tenant
// isolation of the lighting routes.
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightingPilot } from '../../pilots/lighting/index.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { API, connectDevice, inBatches, manualClock, provision, waitUntil, type Fleet, type TestDevice } from './support.ts';

// 22:00 in the installation's zone on a winter night: the schedule's 23:00 step is an hour away and
// the clock does not move in this file, so every command here is the operator's.
const clock = manualClock(Date.UTC(2026, 0, 15, 21, 0));
let h: Harness;
let operator: ApiClient;
let fleet: Fleet;
const devices = new Map<string, TestDevice>();
let offlineLamp = '';

async function connectSocket(token: string | undefined) {
  const sock: Socket = io(h.url, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    sock.once('hello', () => resolve());
    sock.once('connect_error', reject);
  });
  return sock;
}

beforeAll(async () => {
  h = await bootHarness({ pilots: [createLightingPilot({ now: clock, tickMs: 50 })], tenantPilots: ['lighting'] });
  const admin = await h.as(h.tenants.a.users['tenant-admin']);
  operator = await h.as(h.tenants.a.users.operator);
  fleet = await provision(admin, { lamps: 100, seed: 7 });
  const lamps = fleet.devices.filter((d) => d.kind === 'lamp');
  offlineLamp = fleet.extra.lamps.find((l) => l.groupId === 'tenant-a-grp-01')!.id;
  await inBatches(
    lamps.filter((d) => d.id !== offlineLamp),
    25,
    async (d) => void devices.set(d.id, await connectDevice(h, d)),
  );
  // A new town is put at the level its schedule has in force (see the first test).
  await waitUntil(() => [...devices.values()].every((d) => d.commands.length >= 1), 10_000, 'the town’s first switch');
});

afterAll(async () => {
  await Promise.all([...devices.values()].map((d) => d.close().catch(() => undefined)));
  await h?.close();
});

describe('lighting group commands over MQTT', () => {
  it('provisioning registers the town’s lamps and cabinets as devices of the tenant', async () => {
    expect(fleet.devices.filter((d) => d.kind === 'lamp')).toHaveLength(100);
    expect(fleet.devices.filter((d) => d.kind === 'cabinet')).toHaveLength(9);
    expect(fleet.devices.every((d) => d.tenantId === 'tenant-a' && d.secret.length > 20)).toBe(true);
    const lamps = await operator.get(`${API}/lamps`);
    expect(lamps.status).toBe(200);
    expect(lamps.body.items).toHaveLength(100);
    expect(lamps.body.items.find((l: { id: string }) => l.id === offlineLamp).online).toBe(false);
    expect(lamps.body.items.filter((l: { online: boolean }) => l.online)).toHaveLength(99);
  });

  it('a town provisioned at 22:00 is switched to the level in force, full output, without waiting for a step', () => {
    for (const d of devices.values()) expect(d.commands[0]).toMatchObject({ name: 'switch', params: { action: 'on', level: 100 } });
  });

  it('a dim command to a group reaches done on every online lamp; the offline one gets it on connecting', async () => {
    const aSocket = await connectSocket(operator.token);
    const bSocket = await connectSocket((await h.as(h.tenants.b.users.operator)).token);
    const aEvents: { batchId: string | null; status: string }[] = [];
    const bEvents: unknown[] = [];
    aSocket.on('command', (c) => aEvents.push(c));
    bSocket.on('command', (c) => bEvents.push(c));

    const sent = await operator.post(`${API}/commands`, { target: { groupId: 'tenant-a-grp-01' }, action: 'dim', level: 40, overrideMinutes: 30 });
    expect(sent.status).toBe(202);
    const { batchId } = sent.body;
    const groupLamps = fleet.extra.lamps.filter((l) => l.groupId === 'tenant-a-grp-01').map((l) => l.id);
    expect(sent.body.commands).toHaveLength(groupLamps.length);
    expect(sent.body.override).toEqual({ level: 40, until: clock() + 30 * 60_000 });

    const online = groupLamps.filter((id) => id !== offlineLamp);
    await expect
      .poll(async () => (await operator.get(`${API}/commands/${batchId}`)).body.aggregate.byStatus.done, { timeout: 8000, interval: 100 })
      .toBe(online.length);
    const status = (await operator.get(`${API}/commands/${batchId}`)).body;
    expect(status.aggregate.state).toBe('pending');
    expect(status.lamps.find((l: { lampId: string }) => l.lampId === offlineLamp).status).toBe('queued');
    for (const id of online) expect(devices.get(id)!.commands.at(-1)).toMatchObject({ name: 'switch', params: { action: 'dim', level: 40 } });

    const late = await connectDevice(h, fleet.devices.find((d) => d.id === offlineLamp)!);
    devices.set(offlineLamp, late);
    // Its queued commands arrive oldest first: the town's switch-on, then the dim.
    await expect.poll(() => late.commands.map((c) => c.params.level).join(), { timeout: 5000 }).toBe('100,40');
    await expect
      .poll(async () => (await operator.get(`${API}/commands/${batchId}`)).body.aggregate.state, { timeout: 5000, interval: 100 })
      .toBe('done');

    await expect.poll(() => aEvents.filter((e) => e.batchId === batchId && e.status === 'done').length, { timeout: 3000 }).toBe(groupLamps.length);
    expect(bEvents).toEqual([]);
    aSocket.close();
    bSocket.close();

    const lamp = (await operator.get(`${API}/lamps/${online[0]}`)).body;
    expect(lamp.commandedLevel).toBe(40);
    expect(lamp.override).toEqual({ level: 40, until: clock() + 30 * 60_000 });
  });

  it('commands to every group at once reach done on all 100 lamps', async () => {
    const groups = [...new Set(fleet.extra.lamps.map((l) => l.groupId))];
    const batches = await Promise.all(
      groups.map(async (groupId) => (await operator.post(`${API}/commands`, { target: { groupId }, action: 'on', overrideMinutes: 0 })).body.batchId as string),
    );
    await expect
      .poll(
        async () => {
          let done = 0;
          for (const b of batches) done += (await operator.get(`${API}/commands/${b}`)).body.aggregate.byStatus.done;
          return done;
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe(100);
    const groupsView = (await operator.get(`${API}/groups`)).body.items;
    expect(groupsView.find((g: { id: string }) => g.id === 'tenant-a-grp-01').override).toBeNull(); // no hold: the schedule rules again
  });

  it('a group’s and a lamp’s command history come from the server, newest first, a page at a time', async () => {
    const group = 'tenant-a-grp-01';
    const groupLamps = fleet.extra.lamps.filter((l) => l.groupId === group).map((l) => l.id);
    const all = (await operator.get(`${API}/commands?groupId=${group}&limit=100`)).body;
    expect(all.items.length).toBeGreaterThanOrEqual(2);
    expect(all.items[0].payload).toEqual({ action: 'on', level: 100 }); // the newest: every group on
    expect(all.items[1].payload).toEqual({ action: 'dim', level: 40 });
    for (const b of all.items) expect(b.lamps.map((l: { lampId: string }) => l.lampId)).toEqual(expect.arrayContaining(groupLamps));
    const first = (await operator.get(`${API}/commands?groupId=${group}&limit=1`)).body;
    expect(first.items.map((b: { batchId: string }) => b.batchId)).toEqual([all.items[0].batchId]);
    expect(first.next).toEqual(expect.any(Number));
    const second = (await operator.get(`${API}/commands?groupId=${group}&limit=1&offset=${first.next}`)).body;
    expect(second.items.map((b: { batchId: string }) => b.batchId)).toEqual([all.items[1].batchId]);

    const lampId = groupLamps.find((id) => devices.has(id))!;
    const lamp = (await operator.get(`${API}/commands?lampId=${lampId}&limit=2`)).body;
    expect(lamp.items.map((c: { batchId: string }) => c.batchId)).toEqual([all.items[0].batchId, all.items[1].batchId]);
    expect(lamp.items[0]).toMatchObject({ name: 'switch', status: 'done', createdBy: expect.any(String) });
    expect(lamp.next).toBe(2);

    // Tenant-scoped, role-checked, validated.
    const bOp = await h.as(h.tenants.b.users.operator);
    expect((await bOp.get(`${API}/commands?groupId=${group}`)).status).toBe(404);
    expect((await bOp.get(`${API}/commands?lampId=${lampId}`)).status).toBe(404);
    expect((await (await h.as(h.tenants.a.users.evaluator)).get(`${API}/commands?lampId=${lampId}`)).status).toBe(403);
    for (const q of [`groupId=${group}&lampId=${lampId}`, '', `lampId=${lampId}&limit=0`, `lampId=${lampId}&limit=101`, `groupId=${group}&tenantId=tenant-b`]) {
      expect((await operator.get(`${API}/commands?${q}`)).status, q).toBe(400);
    }
  });

  it('a command naming another tenant’s group, or an unknown one, is refused', async () => {
    expect((await operator.post(`${API}/commands`, { target: { groupId: 'tenant-a-grp-99' }, action: 'on' })).status).toBe(404);
    expect((await operator.post(`${API}/commands`, { target: { groupId: 'tenant-a-grp-01' }, action: 'dim' })).status).toBe(400);
    expect((await operator.post(`${API}/commands`, { target: { groupId: 'tenant-a-grp-01' }, action: 'on', tenantId: 'tenant-b' })).status).toBe(400);
  });
});

describe('lighting routes and tenants', () => {
  it('tenant B’s operator gets 404 for tenant A’s lamp ids and sees an empty installation', async () => {
    const bOp = await h.as(h.tenants.b.users.operator);
    const aLamp = fleet.extra.lamps[0]!.id;
    expect((await bOp.get(`${API}/lamps/${aLamp}`)).status).toBe(404);
    expect((await bOp.get(`${API}/lamps/${aLamp}/readings`)).status).toBe(404);
    expect((await bOp.post(`${API}/commands`, { target: { lampId: aLamp }, action: 'off' })).status).toBe(404);
    expect((await bOp.post(`${API}/demo/simulate`, { deviceId: aLamp, scenario: 'lamp-failure' })).status).toBe(404);
    expect((await bOp.get(`${API}/lamps`)).body.items).toEqual([]);
    expect((await bOp.get(`${API}/installation`)).status).toBe(404);
  });

  it('an evaluator gets 403 on every lighting route; an auditor too', async () => {
    for (const role of ['evaluator', 'auditor'] as const) {
      const c = await h.as(h.tenants.a.users[role]);
      for (const path of ['/installation', '/cabinets', '/groups', '/lamps', `/lamps/${fleet.extra.lamps[0]!.id}`, '/schedules', '/energy', '/meters']) {
        expect((await c.get(`${API}${path}`)).status, `${role} ${path}`).toBe(403);
      }
      expect((await c.post(`${API}/commands`, { target: { groupId: 'tenant-a-grp-01' }, action: 'on' })).status).toBe(403);
      expect((await c.post(`${API}/demo/provision`, { lamps: 5 })).status).toBe(403);
    }
  });

  it('the platform operator has no tenant and reads no lighting data', async () => {
    const root = await h.as('root-admin');
    expect((await root.get(`${API}/lamps`)).status).toBe(403);
  });

  it('an operator cannot provision, and a tenant provisions its town once', async () => {
    expect((await operator.post(`${API}/demo/provision`, { lamps: 5 })).status).toBe(403);
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    expect((await admin.post(`${API}/demo/provision`, { lamps: 5 })).status).toBe(409);
    expect((await admin.post(`${API}/demo/provision`, { lamps: 5, extra: true })).status).toBe(400);
    expect((await admin.post(`${API}/demo/provision`, {})).status).toBe(400); // the size is never implied
  });

  it('seedDemo, as the demo start calls it, provisions a town in a new tenant under its own ids', async () => {
    const lighting = h.platform.pilotInstance('lighting');
    const ctx = h.platform.pilotContext('lighting');
    const seeded = await ctx.inTenant('tenant-b', () => lighting.seedDemo!({ seed: 42, size: 24 }));
    expect(seeded.devices.map((d) => d.kind).sort()).toEqual([...Array(2).fill('cabinet'), ...Array(24).fill('lamp')]);
    expect(seeded.devices.every((d) => d.id.startsWith('tenant-b-') && d.tenantId === 'tenant-b')).toBe(true);
    const bOp = await h.as(h.tenants.b.users.operator);
    expect((await bOp.get(`${API}/lamps`)).body.items).toHaveLength(24);
    expect((await bOp.get(`${API}/installation`)).body).toMatchObject({ name: 'Porto Lumen', timeZone: 'Europe/Madrid', counts: { lamps: 24, cabinets: 2 } });
    expect((await operator.get(`${API}/lamps`)).body.items).toHaveLength(100);
  });

  it('a demo fault scenario goes to the device as a simulate command', async () => {
    const lampId = fleet.extra.lamps[5]!.id;
    const res = await operator.post(`${API}/demo/simulate`, { deviceId: lampId, scenario: 'lamp-failure' });
    expect(res.status).toBe(202);
    await expect.poll(() => devices.get(lampId)!.commands.at(-1)?.name, { timeout: 3000 }).toBe('simulate');
    expect(devices.get(lampId)!.commands.at(-1)?.params).toEqual({ scenario: 'lamp-failure' });
    const onCabinet = await operator.post(`${API}/demo/simulate`, { deviceId: lampId, scenario: 'mains-loss' });
    expect(onCabinet.status).toBe(202);
    expect(onCabinet.body.deviceId).toBe(fleet.extra.lamps[5]!.cabinetId); // mains loss is the cabinet's fault
    const cabinetId = fleet.extra.cabinets[0]!.id;
    expect((await operator.post(`${API}/demo/simulate`, { deviceId: cabinetId, scenario: 'lamp-failure' })).status).toBe(400);
  });
});
