// Device connectivity through the whole platform: REST-provisioned devices over real MQTT/TCP,
// ingest into the sealed store, rejects reported, commands with statuses over socket.io.
import mqtt, { type MqttClient } from 'mqtt';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';

const METRICS_TOKEN = 'metrics-token-for-the-mqtt-tests-0123456789';
import { probePilot } from '../../validation/support/probe-pilot.ts';
import { mqttIdentity } from '../../platform/broker/topics.ts';

let h: Harness;
let admin: ApiClient;
let operator: ApiClient;
const clients: MqttClient[] = [];

async function device(id: string): Promise<{ id: string; secret: string }> {
  const res = await admin.post('/api/v1/devices', { id, kind: 'probe-sensor' });
  expect(res.status).toBe(201);
  return { id, secret: res.body.secret };
}
async function connect(d: { id: string; secret: string }, opts: mqtt.IClientOptions = {}) {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.platform.mqttPort}`, {
    clientId: mqttIdentity('tenant-a', d.id),
    username: mqttIdentity('tenant-a', d.id),
    password: d.secret,
    reconnectPeriod: 0,
    ...opts,
  });
  clients.push(c);
  return c;
}
const topic = (d: string, family: string) => `tenants/tenant-a/devices/${d}/${family}`;
const inA = <T>(fn: () => Promise<T>) => runInTenant(systemContext('test', asTenantId('tenant-a')), fn);

beforeAll(async () => {
  h = await bootHarness({ pilots: [probePilot], tenantPilots: ['probe'], config: { metrics: { token: METRICS_TOKEN, tenantLabels: true } } });
  admin = await h.as(h.tenants.a.users['tenant-admin']);
  operator = await h.as(h.tenants.a.users.operator);
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  await h?.close();
});

describe('ingest through the platform', () => {
  it('acknowledged readings are stored sealed and reach the pilot rules', async () => {
    const d = await device('mq-ok-1');
    const c = await connect(d);
    for (let i = 0; i < 20; i++) await c.publishAsync(topic(d.id, 'telemetry'), JSON.stringify({ ts: Date.now(), value: i === 19 ? 150 : i }), { qos: 1 });
    const count = await inA(() => h.platform.services.series.count(d.id));
    expect(count).toBe(20);
    await expect.poll(async () => (await operator.get('/api/v1/alarms')).body.items.length, { timeout: 3000 }).toBe(1);
  });

  it('a bad payload is answered on the errors topic, counted on /metrics and audited; the device stays connected (ETSI EN 303 645 5.13-1)', async () => {
    const d = await device('mq-bad-1');
    const c = await connect(d);
    const errors: { reason: string }[] = [];
    c.on('message', (_t, m) => errors.push(JSON.parse(m.toString())));
    await c.subscribeAsync(topic(d.id, 'errors'), { qos: 1 });
    await c.publishAsync(topic(d.id, 'telemetry'), '{not json', { qos: 1 });
    await c.publishAsync(topic(d.id, 'telemetry'), JSON.stringify({ ts: Date.now(), value: 'high' }), { qos: 1 });
    await expect.poll(() => errors.length, { timeout: 3000 }).toBe(2);
    expect(errors.map((e) => e.reason).sort()).toEqual(['malformed-json', 'schema']);
    expect(c.connected).toBe(true);
    const metrics = await h.anonymous().request('GET', '/metrics', undefined, { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(metrics.body).toMatch(/custodia_mqtt_rejected_total\{[^}]*reason="schema"[^}]*\} 1/);
    expect(await inA(() => h.platform.services.series.count(d.id))).toBe(0);
    const auditor = await h.as(h.tenants.a.users.auditor);
    const log = await auditor.get('/api/v1/audit?limit=1000');
    expect(log.body.items.some((e: { action: string; target: string }) => e.action.startsWith('mqtt.') && e.target.includes(d.id))).toBe(true);
  });

  it('a revoked device is refused at CONNECT and a rotated secret replaces the old one (ETSI EN 303 645 5.1-1)', async () => {
    const d = await device('mq-revoked-1');
    await admin.post(`/api/v1/devices/${d.id}/revoke`);
    await expect(connect(d)).rejects.toThrow(/Not authorized|5/);
    const rotated = await admin.post(`/api/v1/devices/${d.id}/rotate`);
    await expect(connect(d)).rejects.toThrow(); // the old secret no longer works
    const c = await connect({ id: d.id, secret: rotated.body.secret });
    expect(c.connected).toBe(true);
  });

  it('an operator tool connects with a scoped token and sees presence only', async () => {
    const tok = await operator.post('/api/v1/tokens/mqtt', { ttlMinutes: 5 });
    expect(tok.status).toBe(201);
    const tool = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.platform.mqttPort}`, {
      clientId: 'ops_tool-1',
      username: 'token',
      password: tok.body.password,
      reconnectPeriod: 0,
    });
    clients.push(tool);
    const granted = await tool.subscribeAsync('tenants/tenant-a/devices/+/status', { qos: 0 });
    expect(granted[0]!.qos).toBe(0);
    // SUBACK 0x80 (MQTT-3.9.3): mqtt.js turns the refused grant into an error
    await expect(tool.subscribeAsync('tenants/tenant-b/devices/+/status', { qos: 0 })).rejects.toThrow(/Subscribe error/);
    // a user's password is never accepted by the broker
    await expect(
      mqtt.connectAsync(`mqtt://127.0.0.1:${h.platform.mqttPort}`, { clientId: 'x-1', username: 'token', password: 'correct-horse-battery-staple-1', reconnectPeriod: 0 }),
    ).rejects.toThrow();
  });
});

describe('commands', () => {
  it('a command to an offline device is delivered on reconnect; statuses arrive over socket.io in order', async () => {
    const d = await device('mq-cmd-1');
    const sock = io(h.url, { auth: { token: operator.token }, transports: ['websocket'], reconnection: false });
    const seen: string[] = [];
    sock.on('command', (c: { deviceId: string; status: string }) => {
      if (c.deviceId === d.id) seen.push(c.status);
    });
    await new Promise<void>((resolve) => sock.once('hello', () => resolve()));
    const created = await operator.post('/api/v1/commands', { deviceId: d.id, name: 'dim', payload: { level: 40 }, ttlSeconds: 60 });
    expect(created.status).toBe(202);
    expect(created.body.status).toBe('queued');

    const c = await connect(d, { clean: true });
    c.on('message', (t, m) => {
      const cmd = JSON.parse(m.toString()) as { id: string };
      void c.publishAsync(`${t}/ack`, JSON.stringify({ status: 'done' }), { qos: 1 });
      expect(cmd.id).toBe(created.body.id);
    });
    await c.subscribeAsync(`tenants/tenant-a/devices/${d.id}/commands/+`, { qos: 1 });
    await expect.poll(async () => (await operator.get(`/api/v1/commands/${created.body.id}`)).body.status, { timeout: 5000 }).toBe('done');
    await expect.poll(() => seen, { timeout: 3000 }).toEqual(['queued', 'sent', 'delivered', 'done']);
    sock.close();
  });

  it('an unanswered command expires', async () => {
    const d = await device('mq-cmd-2');
    const created = await operator.post('/api/v1/commands', { deviceId: d.id, name: 'dim', payload: { level: 10 }, ttlSeconds: 1 });
    await expect.poll(async () => (await operator.get(`/api/v1/commands/${created.body.id}`)).body.status, { timeout: 5000 }).toBe('expired');
    const c = await connect(d);
    const got: string[] = [];
    c.on('message', (t) => got.push(t));
    await c.subscribeAsync(`tenants/tenant-a/devices/${d.id}/commands/+`, { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toEqual([]); // an expired command is never delivered
  });

  it('a command to another tenant’s device is refused and nothing is queued', async () => {
    const bAdmin = await h.as(h.tenants.b.users['tenant-admin']);
    await bAdmin.post('/api/v1/devices', { id: 'mq-b-dev', kind: 'probe-sensor' });
    const res = await operator.post('/api/v1/commands', { deviceIds: ['mq-cmd-1', 'mq-b-dev'], name: 'dim', payload: {} });
    expect(res.status).toBe(404);
    const bOp = await h.as(h.tenants.b.users.operator);
    expect((await bOp.get('/api/v1/commands?deviceId=mq-b-dev')).body.items).toEqual([]);
  });
});

describe('tenant quota', () => {
  const setQuota = (ingestPerSecond: number) =>
    h.platform.services.tenants.update('tenant-a', { quotas: { maxDevices: 10_000, maxUsers: 200, ingestPerSecond } });

  it('over the quota, acknowledgements slow down and every reading is still stored', async () => {
    await setQuota(10);
    try {
      const d = await device('mq-quota-1');
      const c = await connect(d);
      const started = Date.now();
      await Promise.all(Array.from({ length: 30 }, (_, i) => c.publishAsync(topic(d.id, 'telemetry'), JSON.stringify({ ts: Date.now(), value: i }), { qos: 1 })));
      const elapsed = Date.now() - started;
      expect(await inA(() => h.platform.services.series.count(d.id))).toBe(30);
      // 10 in the first second's burst, the other 20 at 10 per second
      expect(elapsed).toBeGreaterThanOrEqual(1500);
    } finally {
      await setQuota(20_000);
    }
  });

  it('a backlog beyond what the quota can absorb in a few seconds is refused, counted and explained', async () => {
    await setQuota(1);
    try {
      const d = await device('mq-quota-2');
      const c = await connect(d);
      const errors: { detail: string }[] = [];
      c.on('message', (_t, m) => errors.push(JSON.parse(m.toString())));
      await c.subscribeAsync(topic(d.id, 'errors'), { qos: 1 });
      await Promise.all(Array.from({ length: 40 }, (_, i) => c.publishAsync(topic(d.id, 'telemetry'), JSON.stringify({ ts: Date.now(), value: i }), { qos: 1 })));
      const stored = await inA(() => h.platform.services.series.count(d.id));
      expect(stored).toBeLessThan(40);
      await expect.poll(() => errors.length, { timeout: 3000 }).toBe(40 - stored);
      expect(errors.every((e) => e.detail === 'quota-exceeded')).toBe(true);
      const metrics = await h.anonymous().request('GET', '/metrics', undefined, { authorization: `Bearer ${METRICS_TOKEN}` });
      expect(metrics.body).toMatch(/custodia_ingest_refused_total\{tenant="tenant-a",reason="quota-exceeded"\} \d+/);
    } finally {
      await setQuota(20_000);
    }
  }, 20_000);
});

describe('MQTT over WebSocket on the HTTP server', () => {
  it('a device connects at /mqtt beside socket.io and its reading is stored', async () => {
    const d = await device('mq-ws-1');
    const c = await mqtt.connectAsync(`ws://127.0.0.1:${h.platform.httpPort}/mqtt`, { clientId: mqttIdentity('tenant-a', d.id), username: mqttIdentity('tenant-a', d.id), password: d.secret, reconnectPeriod: 0 });
    clients.push(c);
    await c.publishAsync(topic(d.id, 'telemetry'), JSON.stringify({ ts: Date.now(), value: 3 }), { qos: 1 });
    expect(await inA(() => h.platform.services.series.count(d.id))).toBe(1);
    // socket.io still works on the same server
    const sock = io(h.url, { auth: { token: operator.token }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve) => sock.once('hello', () => resolve()));
    sock.close();
  });
});
