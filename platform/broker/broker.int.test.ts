// The broker over real sockets with mqtt.js clients: authentication, topic ACL, validation and
// "PUBACK only after the durable commit". Dependencies are in-memory fakes (./testing.ts).
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connect as netConnect } from 'node:net';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, stopBroker, type Broker } from './broker.ts';
import { counterValue, createFakeWorld, waitFor, type FakeDevice, type FakeWorld } from './testing.ts';
import { errorsTopic, eventsTopic, mqttIdentity, statusTopic, telemetryTopic } from './topics.ts';

const secret = () => randomBytes(16).toString('hex');
const dev = (tenantId: string, deviceId: string, kind: string, extra: Partial<FakeDevice> = {}): FakeDevice => ({
  tenantId,
  deviceId,
  kind,
  secret: secret(),
  ...extra,
});

const lamp1 = dev('city-a', 'lamp-001', 'lamp');
const lamp2 = dev('city-a', 'lamp-002', 'lamp');
const ox1 = dev('city-a', 'ox-001', 'oximeter');
const toaster = dev('city-a', 'toaster-001', 'toaster');
const revoked = dev('city-a', 'lamp-009', 'lamp', { revoked: true });
const otherTenantLamp = dev('city-b', 'lamp-101', 'lamp');
const flaky = dev('city-a', 'lamp-003', 'lamp');
const noisy = dev('city-a', 'lamp-004', 'lamp');
const viaWs = dev('city-a', 'lamp-005', 'lamp');
const devices = [lamp1, lamp2, ox1, toaster, revoked, otherTenantLamp, flaky, noisy, viaWs];

const base: IClientOptions = { reconnectPeriod: 0, connectTimeout: 3_000, protocolVersion: 4 };
const creds = (d: FakeDevice): IClientOptions => {
  const name = mqttIdentity(d.tenantId, d.deviceId);
  return { ...base, clientId: name, username: name, password: d.secret };
};
const reading = (dimLevel = 40) => JSON.stringify({ powerState: 'on', dimLevel });

/** The CONNACK return code a connection attempt gets (0: accepted). */
async function connackCode(url: string, opts: IClientOptions): Promise<number | undefined> {
  try {
    const c = await mqtt.connectAsync(url, { ...base, ...opts });
    await c.endAsync();
    return 0;
  } catch (err) {
    return (err as { code?: number }).code;
  }
}

describe('MQTT broker', () => {
  let world: FakeWorld;
  let broker: Broker;
  let url: string;
  const open: MqttClient[] = [];
  const connectDevice = async (d: FakeDevice, extra: IClientOptions = {}) => {
    const c = await mqtt.connectAsync(url, { ...creds(d), ...extra });
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    world = createFakeWorld({
      devices,
      tokens: {
        'tok-ops': {
          tenantId: 'city-a',
          label: 'tool:ops-console',
          topics: ['tenants/city-a/devices/+/status', 'tenants/city-a/devices/+/telemetry'],
        },
      },
    });
    broker = await startBroker(world.deps);
    url = `mqtt://127.0.0.1:${broker.port}`;
  });

  afterAll(async () => {
    for (const c of open) c.end(true);
    await stopBroker(broker);
  });

  describe('authentication', () => {
    it('accepts a device with its own id and secret', async () => {
      expect(await connackCode(url, creds(lamp1))).toBe(0);
    });

    it('refuses a wrong secret with return code 4 and audits the failure', async () => {
      const before = world.audits.length;
      expect(await connackCode(url, { ...creds(lamp1), password: 'not-the-secret' })).toBe(4);
      const entry = world.audits.slice(before).find((a) => a.event.action === 'mqtt.connect');
      expect(entry?.event.outcome).toBe('failure');
      expect(entry?.event.details).toMatchObject({ reason: 'bad-credentials' });
      expect(entry?.limitKey).toMatch(/^mqtt-auth:/);
      expect(JSON.stringify(world.audits)).not.toContain('not-the-secret');
    });

    it('refuses an unknown device with return code 4', async () => {
      expect(await connackCode(url, { clientId: 'city-a/ghost-1', username: 'city-a/ghost-1', password: 'x' })).toBe(4);
    });

    it('refuses a device named by its bare id, even with its own secret, like an unknown one (ASVS 4.2.1)', async () => {
      expect(await connackCode(url, { ...creds(lamp1), clientId: lamp1.deviceId, username: lamp1.deviceId })).toBe(4);
      expect(await connackCode(url, { ...creds(lamp1), clientId: lamp1.deviceId })).toBe(2);
      const entry = world.audits.findLast((a) => a.event.actor === `mqtt:${lamp1.deviceId}`);
      expect(entry?.event.details).toMatchObject({ reason: 'bad-credentials' });
    });

    it('refuses a device without credentials with return code 4', async () => {
      expect(await connackCode(url, { clientId: 'city-a/lamp-001' })).toBe(4);
    });

    it('refuses a revoked device with return code 5', async () => {
      expect(await connackCode(url, creds(revoked))).toBe(5);
    });

    it('refuses a client id that is not the device id with return code 2', async () => {
      expect(await connackCode(url, { ...creds(lamp1), clientId: 'city-a/lamp-002' })).toBe(2);
    });

    it('refuses an operator token that does not exist', async () => {
      expect(await connackCode(url, { clientId: 'ops_1', username: 'token', password: 'tok-forged' })).toBe(4);
    });
  });

  describe('topic ACL', () => {
    it.each([
      ['another device of the same tenant', 'tenants/city-a/devices/lamp-002/commands/+'],
      ['the whole tenant', 'tenants/city-a/#'],
      ['every tenant', 'tenants/#'],
      ['everything', '#'],
      ['the broker internals', '$SYS/#'],
      ['another tenant', 'tenants/city-b/devices/lamp-101/commands/+'],
      ['its own telemetry', telemetryTopic('city-a', 'lamp-001')],
    ])('a device cannot subscribe to %s (SUBACK 0x80, audited, still connected)', async (_what, filter) => {
      const c = await connectDevice(lamp1);
      const before = world.audits.length;
      await expect(c.subscribeAsync(filter, { qos: 1 })).rejects.toMatchObject({ packet: { granted: [128] } });
      const denied = world.audits.slice(before).filter((a) => a.event.outcome === 'denied');
      expect(denied).toHaveLength(1);
      expect(denied[0]).toMatchObject({ scope: 'city-a', event: { action: 'mqtt.subscribe', target: filter } });
      expect(c.connected).toBe(true);
      await c.endAsync();
    });

    it('lets a device subscribe to its own commands and errors', async () => {
      const c = await connectDevice(lamp1);
      const granted = await c.subscribeAsync(['tenants/city-a/devices/lamp-001/commands/+', errorsTopic('city-a', 'lamp-001')], {
        qos: 1,
      });
      expect(granted.map((g) => g.qos)).toEqual([1, 1]);
      await c.endAsync();
    });

    it.each([
      ['as another device', telemetryTopic('city-a', 'lamp-002')],
      ['into another tenant', telemetryTopic('city-b', 'lamp-101')],
      ['a command to itself', 'tenants/city-a/devices/lamp-001/commands/c-1'],
      ['to the broker internals', '$SYS/fake'],
      ['outside the scheme', 'public/announcements'],
    ])('a device publishing %s is disconnected and audited, nothing stored', async (_what, topic) => {
      const c = await connectDevice(lamp1);
      const storedBefore = world.stored.length;
      const before = world.audits.length;
      const closed = new Promise<void>((r) => c.once('close', () => r()));
      c.publish(topic, reading(), { qos: 1 }, () => {});
      await closed;
      await waitFor(() => world.audits.slice(before).some((a) => a.event.outcome === 'denied'), 'denial audit');
      const entry = world.audits.slice(before).find((a) => a.event.outcome === 'denied')!;
      expect(entry.event).toMatchObject({ action: 'mqtt.publish', actor: 'device:lamp-001', target: topic });
      expect(entry.limitKey).toBeDefined();
      expect(world.stored.length).toBe(storedBefore);
      c.end(true);
    });
  });

  describe('ingest', () => {
    it('sends the PUBACK only after the commit holding the reading finished', async () => {
      const c = await connectDevice(lamp1);
      world.commit.delayMs = 200;
      try {
        const t0 = Date.now();
        await c.publishAsync(telemetryTopic('city-a', 'lamp-001'), reading(55), { qos: 1 });
        const ackedAt = Date.now();
        const commit = world.commits.at(-1)!;
        expect(commit.ok).toBe(true);
        expect(commit.endedAt).toBeLessThanOrEqual(ackedAt);
        expect(ackedAt - t0).toBeGreaterThanOrEqual(190);
        const stored = world.stored.at(-1)!;
        expect(stored).toMatchObject({ tenantId: 'city-a', deviceId: 'lamp-001', kind: 'lamp', family: 'telemetry' });
        expect(stored.data).toEqual({ powerState: 'on', dimLevel: 55 });
        await waitFor(() => world.accepted.some((m) => m.id === stored.id), 'accepted hand-off');
      } finally {
        world.commit.delayMs = 0;
        await c.endAsync();
      }
    });

    it('stores events through the same path with their own schema', async () => {
      const c = await connectDevice(lamp1);
      await c.publishAsync(eventsTopic('city-a', 'lamp-001'), JSON.stringify({ type: 'fault' }), { qos: 1 });
      expect(world.stored.at(-1)).toMatchObject({ family: 'events', data: { type: 'fault' } });
      await c.endAsync();
    });

    it('takes the reading time from the payload when it has one', async () => {
      const c = await connectDevice(lamp1);
      const ts = Date.now() - 60_000;
      await c.publishAsync(telemetryTopic('city-a', 'lamp-001'), JSON.stringify({ ts, powerState: 'off', dimLevel: 0 }), {
        qos: 1,
      });
      expect(world.stored.at(-1)?.ts).toBe(ts);
      await c.endAsync();
    });

    it('withholds the PUBACK when the commit fails, and the device retry is stored once the store is back', async () => {
      world.commit.fail = true;
      const c = await connectDevice(flaky, { reconnectPeriod: 300 });
      let acked = false;
      const reconnected = new Promise((r) => c.once('close', () => c.once('connect', r)));
      const published = c.publishAsync(telemetryTopic('city-a', 'lamp-003'), reading(12), { qos: 1 }).then(() => {
        acked = true;
      });
      await waitFor(() => world.commits.some((x) => !x.ok), 'a failed commit');
      await new Promise((r) => setTimeout(r, 100));
      expect(acked).toBe(false);
      expect(world.stored.some((m) => m.deviceId === 'lamp-003')).toBe(false);
      world.commit.fail = false;
      await reconnected;
      await published;
      expect(world.stored.filter((m) => m.deviceId === 'lamp-003')).toHaveLength(1);
      expect(await counterValue(world.registry, 'custodia_ingest_commit_failures_total', { tenant: 'city-a' })).toBeGreaterThan(0);
      await c.endAsync();
    });

    it('survives a storm of 2,000 bad messages from one device while another stores all 500 valid readings', async () => {
      const bad = await connectDevice(noisy);
      const good = await connectDevice(ox1);
      const unknown = await connectDevice(toaster);
      const notices: { reason: string; topic: string }[] = [];
      await bad.subscribeAsync(errorsTopic('city-a', 'lamp-004'), { qos: 0 });
      bad.on('message', (_t, payload) => notices.push(JSON.parse(payload.toString())));
      const storedBefore = world.stored.length;
      const commitsBefore = world.commits.length;

      const badTopic = telemetryTopic('city-a', 'lamp-004');
      const badPayloads = Array.from({ length: 2_000 }, (_, i) =>
        i % 3 === 0
          ? JSON.stringify({ powerState: 'on', dimLevel: 1, pad: 'x'.repeat(1_500) }) // oversize
          : i % 3 === 1
            ? `{"powerState":"on","dimLevel":${i}` // malformed JSON
            : JSON.stringify({ powerState: 'dazzling', dimLevel: 400 }), // schema
      );
      const goodTopic = telemetryTopic('city-a', 'ox-001');
      await Promise.all([
        ...badPayloads.map((p) => bad.publishAsync(badTopic, p, { qos: 1 })),
        ...Array.from({ length: 500 }, (_, i) =>
          good.publishAsync(goodTopic, JSON.stringify({ spo2: 90 + (i % 10), pulse: 60 + (i % 40), ts: 1_700_000_000_000 + i }), {
            qos: 1,
          }),
        ),
        ...Array.from({ length: 10 }, () =>
          unknown.publishAsync(telemetryTopic('city-a', 'toaster-001'), '{"crumbs":3}', { qos: 1 }),
        ),
      ]);

      const stored = world.stored.slice(storedBefore);
      expect(stored.filter((m) => m.deviceId === 'ox-001')).toHaveLength(500);
      expect(new Set(stored.filter((m) => m.deviceId === 'ox-001').map((m) => m.ts)).size).toBe(500);
      expect(stored.filter((m) => m.deviceId !== 'ox-001')).toHaveLength(0);
      // group commit grouped: far fewer commits than readings
      const commits = world.commits.slice(commitsBefore);
      expect(commits.length).toBeLessThan(250);
      expect(Math.max(...commits.map((c) => c.size))).toBeGreaterThan(1);

      const rejected = (reason: string) =>
        counterValue(world.registry, 'custodia_mqtt_rejected_total', { tenant: 'city-a', reason });
      expect(await rejected('oversize')).toBe(667);
      expect(await rejected('malformed-json')).toBe(667);
      expect(await rejected('schema')).toBe(666);
      expect(await rejected('unknown-kind')).toBe(10);

      await waitFor(() => notices.length === 2_000, 'all error notices');
      expect(new Set(notices.map((n) => n.reason))).toEqual(new Set(['oversize', 'malformed-json', 'schema']));
      expect(notices.every((n) => n.topic === badTopic)).toBe(true);
      expect(bad.connected).toBe(true);
      const audited = world.audits.filter((a) => a.event.action === 'mqtt.message.rejected' && a.event.actor === 'device:lamp-004');
      expect(audited.length).toBe(2_000);
      expect(audited.every((a) => a.limitKey === 'mqtt-reject:city-a:lamp-004')).toBe(true);
      await Promise.all([bad.endAsync(), good.endAsync(), unknown.endAsync()]);
    });

    it('acknowledges a refused retained message without keeping it', async () => {
      const c = await connectDevice(lamp2);
      await c.publishAsync(statusTopic('city-a', 'lamp-002'), 'dancing', { qos: 1, retain: true });
      await c.endAsync();
      const tool = await mqtt.connectAsync(url, { ...base, clientId: 'ops_retained', username: 'token', password: 'tok-ops' });
      open.push(tool);
      const got: string[] = [];
      tool.on('message', (_t, p) => got.push(p.toString()));
      await tool.subscribeAsync(statusTopic('city-a', 'lamp-002'), { qos: 1 });
      await new Promise((r) => setTimeout(r, 150));
      expect(got).toEqual([]);
      await tool.endAsync();
    });
  });

  describe('operator tools', () => {
    it('receive status but never readings, only within their tenant, and cannot publish', async () => {
      const tool = await mqtt.connectAsync(url, { ...base, clientId: 'ops_1', username: 'token', password: 'tok-ops' });
      open.push(tool);
      const got: string[] = [];
      tool.on('message', (topic) => got.push(topic));
      await tool.subscribeAsync(['tenants/city-a/devices/+/status', 'tenants/city-a/devices/+/telemetry'], { qos: 1 });
      await expect(tool.subscribeAsync('tenants/city-b/#', { qos: 1 })).rejects.toMatchObject({ packet: { granted: [128] } });
      await expect(tool.subscribeAsync('tenants/city-a/devices/+/events', { qos: 1 })).rejects.toMatchObject({ packet: { granted: [128] } });

      const device = await connectDevice(lamp2);
      const other = await connectDevice(otherTenantLamp);
      await device.publishAsync(statusTopic('city-a', 'lamp-002'), 'online', { qos: 1, retain: true });
      await device.publishAsync(telemetryTopic('city-a', 'lamp-002'), reading(), { qos: 1 });
      await other.publishAsync(statusTopic('city-b', 'lamp-101'), 'online', { qos: 1 });
      await waitFor(() => got.length > 0, 'a status message');
      await new Promise((r) => setTimeout(r, 100));
      expect(got).toEqual([statusTopic('city-a', 'lamp-002')]);

      const closed = new Promise<void>((r) => tool.once('close', () => r()));
      tool.publish(statusTopic('city-a', 'lamp-002'), 'offline', { qos: 1 });
      await closed;
      expect(world.audits.some((a) => a.event.actor === 'tool:ops-console' && a.event.outcome === 'denied')).toBe(true);
      await Promise.all([device.endAsync(), other.endAsync()]);
    });

    it('cannot push a connected device off by reusing its client id', async () => {
      const device = await connectDevice(lamp2);
      expect(await connackCode(url, { clientId: 'city-a/lamp-002', username: 'token', password: 'tok-ops' })).toBe(2);
      expect(await connackCode(url, { clientId: 'lamp-002', username: 'token', password: 'tok-ops' })).toBe(2);
      expect(device.connected).toBe(true);
      await device.endAsync();
    });
  });

  describe('WebSocket', () => {
    let http: Server;
    let wsUrl: string;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      http = createServer((_req, res) => res.end('ok'));
      http.on('connection', (socket) => sockets.add(socket));
      broker.attachWebSocket(http);
      await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
      wsUrl = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => http.close(r));
    });

    it('carries a device session on /mqtt with the same authentication and ingest', async () => {
      const c = await mqtt.connectAsync(`${wsUrl}/mqtt`, creds(viaWs));
      open.push(c);
      await c.publishAsync(telemetryTopic('city-a', 'lamp-005'), reading(77), { qos: 1 });
      expect(world.stored.at(-1)).toMatchObject({ deviceId: 'lamp-005', data: { dimLevel: 77 } });
      await c.endAsync();
      expect(await connackCode(`${wsUrl}/mqtt`, { ...creds(viaWs), password: 'wrong' })).toBe(4);
    });

    it('refuses WebSocket upgrades on other paths when nobody else serves them', async () => {
      const ws = new WebSocket(`${wsUrl}/elsewhere`, 'mqtt');
      const status = await new Promise<number | undefined>((resolve) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
        ws.once('open', () => resolve(101));
        ws.once('error', () => resolve(undefined));
      });
      ws.terminate();
      expect(status).toBe(404);
    });
  });

  it('reports its state in stats()', () => {
    const s = broker.stats();
    expect(s.accepted).toBeGreaterThanOrEqual(500);
    expect(s.rejected).toBeGreaterThanOrEqual(2_010);
    expect(s.denied).toBeGreaterThan(0);
    expect(s.authFailures).toBeGreaterThan(0);
    expect(s.ingestPending).toBe(0);
  });
});

describe('authentication throttling', () => {
  let world: FakeWorld;
  let broker: Broker;
  const a = dev('city-a', 'lamp-201', 'lamp');
  const b = dev('city-a', 'lamp-202', 'lamp');

  /** Connects from a chosen loopback address, to tell clients apart by address. */
  const attempt = (from: string, opts: IClientOptions) =>
    new Promise<number | undefined>((resolve) => {
      const c = new MqttClient(
        () => netConnect({ host: '127.0.0.1', port: broker.port, localAddress: from }),
        { ...base, ...opts },
      );
      c.once('connect', () => {
        c.end(true);
        resolve(0);
      });
      c.once('error', (err) => {
        c.end(true);
        resolve((err as { code?: number }).code);
      });
    });

  beforeAll(async () => {
    world = createFakeWorld({ devices: [a, b], config: { authThrottle: { maxFailures: 3, windowMs: 5_000, maxDelayMs: 200 } } });
    broker = await startBroker(world.deps);
  });
  afterAll(() => stopBroker(broker));

  it('wrong secrets naming a device id from elsewhere never lock that device out (ETSI 5.1-5, ASVS 2.2.1)', async () => {
    for (const from of ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.6', '127.0.0.7', '127.0.0.8']) {
      expect(await attempt(from, { ...creds(a), password: 'guess' })).toBe(4);
    }
    // 256-bit secrets cannot be guessed in any number of tries: a per-device lock-out would only
    // let anyone who knows a device id keep that device offline.
    expect(await attempt('127.0.0.5', creds(a))).toBe(0);
  });

  it('an address over its failure limit is slowed down, yet a device with valid credentials behind it connects (ETSI 5.1-5)', async () => {
    const codes: (number | undefined)[] = [];
    for (let i = 0; i < 6; i++) codes.push(await attempt('127.0.0.9', { clientId: `ghost-${i}`, username: `ghost-${i}`, password: 'x' }));
    expect(codes.slice(0, 3)).toEqual([4, 4, 4]);
    expect(codes.slice(3)).toEqual([3, 3, 3]);
    // Hammering a real device's id with wrong secrets from the same address, and then the device
    // itself (same NAT) with its valid secret: it is let in.
    expect(await attempt('127.0.0.9', { ...creds(b), password: 'guess' })).toBe(3);
    expect(await attempt('127.0.0.9', creds(b))).toBe(0);
    expect(await attempt('127.0.0.10', creds(b))).toBe(0);
    expect(await counterValue(world.registry, 'custodia_mqtt_auth_failures_total', { reason: 'throttled' })).toBe(4);
    const throttled = world.audits.filter((x) => (x.event.details as { reason?: string }).reason === 'throttled');
    expect(throttled.map((x) => (x.event.details as { cause?: string }).cause)).toEqual(['bad-credentials', 'bad-credentials', 'bad-credentials', 'bad-credentials']);
  });

  it('failed connects are audited with a keyed hash of the address, never the address (ETSI 5.1-5, ASVS 7.1.1)', async () => {
    const failures = world.audits.filter((x) => x.event.action === 'mqtt.connect' && x.event.outcome === 'failure');
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) {
      const details = f.event.details as Record<string, unknown>;
      expect(details.addressHash).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(JSON.stringify(f)).not.toMatch(/127\.0\.0\./);
    }
    const hashes = new Set(failures.filter((f) => f.event.actor.startsWith('mqtt:ghost-')).map((f) => (f.event.details as { addressHash: string }).addressHash));
    expect(hashes.size).toBe(1); // one address, one hash: a storm stays attributable
  });
});

describe('revocation of live connections', () => {
  let world: FakeWorld;
  let broker: Broker;
  let url: string;
  const d1 = dev('city-r', 'lamp-301', 'lamp');
  const d2 = dev('city-r', 'lamp-302', 'lamp');
  let gate: Promise<void> | null = null;

  beforeAll(async () => {
    world = createFakeWorld({ devices: [d1, d2] });
    const authenticate = world.deps.authenticateDevice;
    world.deps.authenticateDevice = async (id, s) => {
      const r = await authenticate(id, s);
      if (gate) await gate; // the credentials were good when checked; the revocation comes now
      return r;
    };
    broker = await startBroker(world.deps);
    url = `mqtt://127.0.0.1:${broker.port}`;
  });
  afterAll(() => stopBroker(broker));

  it('closes the revoked device at once, marks it offline as revoked, and leaves the others (ETSI 5.1-4)', async () => {
    const c1 = await mqtt.connectAsync(url, creds(d1));
    const c2 = await mqtt.connectAsync(url, creds(d2));
    const closed = new Promise<void>((r) => c1.once('close', () => r()));
    expect(broker.disconnect({ tenantId: 'city-r', deviceId: 'lamp-301' })).toBe(1);
    await closed;
    await waitFor(() => world.presence.some((p) => p.deviceId === 'lamp-301' && p.reason === 'revoked'), 'offline as revoked');
    expect(c2.connected).toBe(true);
    c1.end(true);
    await c2.endAsync();
  });

  it('closes a device whose credentials were revoked while it was authenticating (ETSI 5.1-4)', async () => {
    let open!: () => void;
    gate = new Promise<void>((r) => (open = r));
    const c = new MqttClient(() => netConnect({ host: '127.0.0.1', port: broker.port }), creds(d2));
    const events: string[] = [];
    c.on('connect', () => events.push('connect'));
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    await new Promise((r) => setTimeout(r, 100)); // the CONNECT is in authentication, held at the gate
    expect(broker.disconnect({ tenantId: 'city-r', deviceId: 'lamp-302' })).toBe(0); // not registered yet
    gate = null;
    open();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('still connected 2 s after the revocation')), 2_000)));
    await Promise.race([closed, late]).finally(() => clearTimeout(timer));
    c.end(true);
    expect(broker.isOnline('city-r', 'lamp-302')).toBe(false);
  });
});
