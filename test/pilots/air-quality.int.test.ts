// The worked example of docs/architecture.md "Pilots": a pilot written outside pilots/, with no
// edit under platform/, boots with the platform and runs reading → alarm → route. Also proves the
// context's narrow ports: no tenant that has not enabled the pilot, no service internals.
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telemetryTopic } from '../../platform/broker/topics.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { connectDevice } from '../../validation/support/mqtt-probe.ts';
import type { StationsResponse } from './air-quality/contract.ts';
import { createAirQualityPilot } from './air-quality/index.ts';

let h: Harness;
let admin: ApiClient;
let operator: ApiClient;
const clients: MqttClient[] = [];

beforeAll(async () => {
  h = await bootHarness({ pilots: [createAirQualityPilot({ pm25Threshold: 35 })], tenantPilots: ['air-quality'] });
  admin = await h.as(h.tenants.a.users['tenant-admin']);
  operator = await h.as(h.tenants.a.users.operator);
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  await h?.close();
});

describe('a third pilot from one folder', () => {
  it('a reading over the threshold raises an alarm, the pilot route shows it, a clean reading clears it', async () => {
    const reg = await admin.post('/api/v1/devices', { id: 'aq-1', kind: 'air-sensor', label: 'Harbour station' });
    expect(reg.status).toBe(201);
    const c = await connectDevice(h.platform.mqttPort, { id: 'aq-1', tenantId: 'tenant-a', secret: reg.body.secret });
    clients.push(c);
    const topic = telemetryTopic('tenant-a', 'aq-1');
    await c.publishAsync(topic, JSON.stringify({ ts: Date.now(), pm25: 80 }), { qos: 1 });

    const stations = async () => (await operator.get('/api/v1/pilots/air-quality/stations')).body as StationsResponse;
    await expect.poll(async () => (await stations()).items, { timeout: 5000 }).toEqual([
      expect.objectContaining({ deviceId: 'aq-1', label: 'Harbour station', pm25: 80, alarm: true }),
    ]);
    const alarms = (await operator.get('/api/v1/alarms')).body.items as { type: string; source: string; state: string }[];
    expect(alarms).toEqual([expect.objectContaining({ type: 'pm25-high', source: 'device:aq-1' })]);

    await c.publishAsync(topic, JSON.stringify({ ts: Date.now() + 1, pm25: 12 }), { qos: 1 });
    await expect.poll(async () => (await stations()).items[0], { timeout: 5000 }).toMatchObject({ pm25: 12, alarm: false });
  });

  it('a payload outside the pilot schema is refused at ingest and never reaches its rules', async () => {
    const reg = await admin.post('/api/v1/devices', { id: 'aq-2', kind: 'air-sensor' });
    const c = await connectDevice(h.platform.mqttPort, { id: 'aq-2', tenantId: 'tenant-a', secret: reg.body.secret });
    clients.push(c);
    await c.publishAsync(telemetryTopic('tenant-a', 'aq-2'), JSON.stringify({ ts: Date.now(), pm25: 'lots' }), { qos: 1 }).catch(() => undefined);
    await c.publishAsync(telemetryTopic('tenant-a', 'aq-2'), JSON.stringify({ ts: Date.now(), pm25: 5 }), { qos: 1 });
    await expect.poll(async () => ((await operator.get('/api/v1/pilots/air-quality/stations')).body as StationsResponse).items.find((s) => s.deviceId === 'aq-2')?.pm25, { timeout: 5000 }).toBe(5);
  });

  it('the route keeps the permission it names: an evaluator may not read it', async () => {
    const evaluator = await h.as(h.tenants.a.users.evaluator);
    expect((await evaluator.get('/api/v1/pilots/air-quality/stations')).status).toBe(403);
  });
});

describe('the pilot context is narrow', () => {
  it('inTenant refuses a tenant that has not enabled the pilot, and one that does not exist', async () => {
    await h.platform.services.tenants.create({ id: 'tenant-c', name: 'Test tenant-c', pilots: [] });
    const ctx = h.platform.pilotContext('air-quality');
    await expect(ctx.inTenant('tenant-c', async () => 'ran')).rejects.toMatchObject({ status: 403 });
    await expect(ctx.inTenant('tenant-nowhere', async () => 'ran')).rejects.toMatchObject({ status: 403 });
    await expect(ctx.inTenant('tenant-a', async () => ctx.principal().tenantId)).resolves.toBe('tenant-a');
  });

  it('the ports hand out no service internals: no deliverer, no stop, no pending loads, no storage port', async () => {
    const ctx = h.platform.pilotContext('air-quality');
    for (const name of ['setDeliverer', 'stop', 'start', 'loadPendingForTenant', 'pendingFor', 'transition']) {
      expect(name in ctx.commands, `commands.${name}`).toBe(false);
    }
    for (const name of ['stop', 'start', 'loadPendingForTenant', 'tick']) expect(name in ctx.alarms, `alarms.${name}`).toBe(false);
    expect('append' in ctx.series || 'seal' in ctx.series).toBe(false);
    const records = await ctx.inTenant('tenant-a', () => ctx.records());
    expect('store' in records).toBe(false);
  });
});
