// Revocation reaches what is already open (docs/security.md "Revocation reaches live
// connections"), over real TCP MQTT (mqtt.js) and real socket.io clients against the whole
// platform; plus the identity hardening around it: client-id squatting, one username
// normalisation for lock-out, throttles that cannot be turned against good devices, and a
// connect storm that leaves bounded traces.
import { connect as netConnect } from 'node:net';
import { Writable } from 'node:stream';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mqttIdentity } from '../../platform/broker/topics.ts';
import { createLogger } from '../../platform/logger.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { ApiClient } from '../../validation/support/api-client.ts';
import { TEST_PASSWORD, bootHarness, type Harness } from '../../validation/support/harness.ts';
import { probePilot } from '../../validation/support/probe-pilot.ts';
import { asTenantId } from '../../platform/ids.ts';

let h: Harness;
let adminA: ApiClient;
let logBytes = 0;
const clients: MqttClient[] = [];
const sockets: Socket[] = [];

const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    logBytes += chunk.length;
    done();
  },
});

const mqttUrl = () => `mqtt://127.0.0.1:${h.platform.mqttPort}`;
const base: IClientOptions = { reconnectPeriod: 0, connectTimeout: 3_000, protocolVersion: 4 };
async function connect(opts: IClientOptions): Promise<MqttClient> {
  const c = await mqtt.connectAsync(mqttUrl(), { ...base, ...opts });
  clients.push(c);
  return c;
}
const asDevice = (d: { id: string; tenantId: string; secret: string }): IClientOptions => {
  const name = mqttIdentity(d.tenantId, d.id);
  return { clientId: name, username: name, password: d.secret };
};
/** The CONNACK return code an attempt gets (0: accepted). */
async function connack(opts: IClientOptions): Promise<number | undefined> {
  try {
    const c = await mqtt.connectAsync(mqttUrl(), { ...base, ...opts });
    await c.endAsync();
    return 0;
  } catch (err) {
    return (err as { code?: number }).code;
  }
}
/** The CONNACK code of an attempt from a chosen loopback address (throttles count per address). */
function connackFrom(localAddress: string, opts: IClientOptions): Promise<number | undefined> {
  return new Promise((resolve) => {
    const c = new MqttClient(() => netConnect({ host: '127.0.0.1', port: h.platform.mqttPort, localAddress }), { ...base, ...opts });
    c.once('connect', () => {
      c.end(true);
      resolve(0);
    });
    c.once('error', (err) => {
      c.end(true);
      resolve((err as { code?: number }).code);
    });
  });
}
/** Watches a connection from now; `within(ms)` resolves once it has closed, and fails when it
 *  is still open `ms` after the call (made when the revoking request has been answered). */
function watchClose(c: MqttClient | Socket) {
  let closedAt: number | null = null;
  const closed = new Promise<void>((resolve) => {
    const done = () => {
      closedAt = Date.now();
      resolve();
    };
    if (c instanceof MqttClient) c.once('close', done);
    else c.once('disconnect', done);
  });
  return {
    async within(ms: number): Promise<void> {
      const t0 = Date.now();
      await Promise.race([closed, new Promise((r) => setTimeout(r, ms))]);
      if (closedAt === null) throw new Error(`still connected ${ms} ms after the revocation was answered`);
      expect(closedAt - t0).toBeLessThan(ms);
    },
  };
}
async function socketFor(token: string): Promise<Socket> {
  const sock = io(h.url, { auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(sock);
  await new Promise<void>((resolve, reject) => {
    sock.once('hello', () => resolve());
    sock.once('connect_error', reject);
  });
  return sock;
}
async function socketRefused(token: string): Promise<string> {
  const sock = io(h.url, { auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(sock);
  return new Promise<string>((resolve) => {
    sock.once('hello', () => resolve('connected'));
    sock.once('connect_error', (err) => resolve(err.message));
  });
}
async function device(admin: ApiClient, id: string): Promise<{ id: string; tenantId: string; secret: string }> {
  const res = await admin.post('/api/v1/devices', { id, kind: 'probe-sensor' });
  expect(res.status).toBe(201);
  return { id, tenantId: res.body.device.tenantId, secret: res.body.secret };
}
const stored = (tenantId: string, id: string) =>
  runInTenant(systemContext('test', asTenantId(tenantId)), () => h.platform.services.series.count(id));
const reading = (value: number) => JSON.stringify({ ts: Date.now(), value });
const topic = (t: string, d: string) => `tenants/${t}/devices/${d}/telemetry`;
async function user(username: string, role: 'operator' | 'tenant-admin', tenantId = 'tenant-a') {
  return h.platform.services.users.create({ username, password: TEST_PASSWORD, role, tenantId: asTenantId(tenantId) });
}

beforeAll(async () => {
  h = await bootHarness({
    pilots: [probePilot],
    tenantPilots: ['probe'],
    logger: createLogger('info', sink),
    config: { login: { maxFailures: 5, lockoutMs: 60_000, rateLimitPerMinute: 10_000 } },
  });
  adminA = await h.as(h.tenants.a.users['tenant-admin']);
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  for (const s of sockets) s.close();
  await h?.close();
});

describe('revocation reaches live MQTT connections (ETSI 5.1-1, ASVS 3.3.1)', () => {
  it('a revoked device is disconnected within a second, refused on reconnect, and nothing it sends after is stored', async () => {
    const d = await device(adminA, 'rv-revoke-1');
    const c = await connect(asDevice(d));
    await c.publishAsync(topic('tenant-a', d.id), reading(1), { qos: 1 });
    expect(await stored('tenant-a', d.id)).toBe(1);
    const closed = watchClose(c);
    expect((await adminA.post(`/api/v1/devices/${d.id}/revoke`)).status).toBe(200);
    await closed.within(1_000);
    // A publish after the revocation never reaches the store: the connection is gone.
    c.publish(topic('tenant-a', d.id), reading(2), { qos: 1 });
    expect(await connack(asDevice(d))).toBe(5);
    await new Promise((r) => setTimeout(r, 200));
    expect(await stored('tenant-a', d.id)).toBe(1);
  });

  it('rotating a secret closes the connection made with the old one; only the new one gets back in', async () => {
    const d = await device(adminA, 'rv-rotate-1');
    const c = await connect(asDevice(d));
    const closed = watchClose(c);
    const rotated = await adminA.post(`/api/v1/devices/${d.id}/rotate`);
    expect(rotated.status).toBe(200);
    await closed.within(1_000);
    expect(await connack(asDevice(d))).toBe(4);
    expect(await connack(asDevice({ ...d, secret: rotated.body.secret }))).toBe(0);
  });
});

describe('revocation reaches live socket.io connections (ASVS 3.3.1, 3.3.3)', () => {
  it('logout disconnects the socket opened with that session, and only that one', async () => {
    await user('rv-logout-op', 'operator');
    const one = await h.as('rv-logout-op');
    const two = await h.as('rv-logout-op');
    const sockOne = await socketFor(one.token!);
    const sockTwo = await socketFor(two.token!);
    const closed = watchClose(sockOne);
    expect((await one.post('/api/v1/auth/logout')).status).toBe(204);
    await closed.within(1_000);
    expect(sockTwo.connected).toBe(true);
    expect(await socketRefused(one.token!)).toBe('unauthorized');
  });

  it('a disabled user loses their sockets at once and their MQTT tool tokens stop working', async () => {
    const u = await user('rv-disabled-op', 'operator');
    const op = await h.as('rv-disabled-op');
    const sock = await socketFor(op.token!);
    const tok = await op.post('/api/v1/tokens/mqtt', { ttlMinutes: 5 });
    expect(tok.status).toBe(201);
    const tool = await connect({ clientId: 'rv_tool_1', username: 'token', password: tok.body.password });
    const sockClosed = watchClose(sock);
    const toolClosed = watchClose(tool);
    expect((await adminA.patch(`/api/v1/users/${u.id}`, { disabled: true })).status).toBe(200);
    await Promise.all([sockClosed.within(1_000), toolClosed.within(1_000)]);
    expect(await connack({ clientId: 'rv_tool_1', username: 'token', password: tok.body.password })).toBe(4);
  });

  it('revoking an MQTT tool token disconnects the tool connected with it and refuses the token (ASVS 3.3.1)', async () => {
    const op = await h.as(h.tenants.a.users.operator);
    const tok = await op.post('/api/v1/tokens/mqtt', { ttlMinutes: 5 });
    const other = await op.post('/api/v1/tokens/mqtt', { ttlMinutes: 5 });
    const tool = await connect({ clientId: 'rv_tool_revoke', username: 'token', password: tok.body.password });
    const bystander = await connect({ clientId: 'rv_tool_keep', username: 'token', password: other.body.password });
    const closed = watchClose(tool);
    expect((await op.post('/api/v1/tokens/mqtt/revoke', { token: tok.body.password })).status).toBe(204);
    await closed.within(1_000);
    expect(await connack({ clientId: 'rv_tool_revoke', username: 'token', password: tok.body.password })).toBe(4);
    expect(bystander.connected).toBe(true);
    // Another tenant cannot revoke (nor learn of) this tenant's token.
    const opB = await h.as(h.tenants.b.users.operator);
    expect((await opB.post('/api/v1/tokens/mqtt/revoke', { token: other.body.password })).status).toBe(404);
  });

  it('suspending a tenant disconnects its devices, tools and sockets, refuses them back, and leaves other tenants alone', async () => {
    const s = h.platform.services;
    await s.tenants.create({ id: 'tenant-s', name: 'Test tenant-s', pilots: ['probe'] });
    await user('rv-suspend-admin', 'tenant-admin', 'tenant-s');
    const adminS = await h.as('rv-suspend-admin');
    const d = await device(adminS, 'rv-suspend-1');
    const other = await device(adminA, 'rv-suspend-bystander');
    const c = await connect(asDevice(d));
    const bystander = await connect(asDevice(other));
    const sock = await socketFor(adminS.token!);
    const root = await h.as('root-admin');
    const closed = [watchClose(c), watchClose(sock)];
    expect((await root.patch('/api/v1/tenants/tenant-s', { status: 'suspended' })).status).toBe(200);
    await Promise.all(closed.map((w) => w.within(1_000)));
    expect(await connack(asDevice(d))).toBe(5);
    expect(await socketRefused(adminS.token!)).toBe('unauthorized');
    expect(bystander.connected).toBe(true);
  });

  it("a suspended tenant's sessions and bearer tokens are refused by the REST API, audited, and work again after reactivation (ASVS 3.3.1, 4.1.1)", async () => {
    const s = h.platform.services;
    await s.tenants.create({ id: 'tenant-r', name: 'Test tenant-r', pilots: ['probe'] });
    await user('rv-rest-admin', 'tenant-admin', 'tenant-r');
    const bearer = await h.as('rv-rest-admin');
    const cookie = await new ApiClient(h.url).loginWithCookie('rv-rest-admin', TEST_PASSWORD);
    const bystander = await h.as(h.tenants.a.users['tenant-admin']);
    expect((await bearer.get('/api/v1/devices')).status).toBe(200);
    expect((await cookie.get('/api/v1/auth/me')).status).toBe(200);

    const root = await h.as('root-admin');
    expect((await root.patch('/api/v1/tenants/tenant-r', { status: 'suspended' })).status).toBe(200);
    for (const [client, method, path] of [
      [bearer, 'GET', '/api/v1/devices'],
      [bearer, 'POST', '/api/v1/devices'],
      [cookie, 'GET', '/api/v1/auth/me'],
      [cookie, 'POST', '/api/v1/devices'],
    ] as const) {
      const res = await client.request(method, path, method === 'POST' ? { id: 'rv-rest-1', kind: 'probe-sensor' } : undefined);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.contentType).toMatch(/application\/problem\+json/);
    }
    // Nothing was created by the refused writes, and another tenant is untouched.
    expect((await bystander.get('/api/v1/devices')).status).toBe(200);
    const refusals = async () => (await s.audit.admin.list('tenant-r', { action: 'api.tenant-suspended' })).entries;
    for (let i = 0; i < 50 && (await refusals()).length < 4; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await refusals()).map((e) => e.outcome)).toEqual(['denied', 'denied', 'denied', 'denied']);

    expect((await root.patch('/api/v1/tenants/tenant-r', { status: 'active' })).status).toBe(200);
    const after = await bearer.get('/api/v1/devices');
    expect(after.status).toBe(200);
    expect(JSON.stringify(after.body)).not.toContain('rv-rest-1');
    expect((await cookie.get('/api/v1/auth/me')).status).toBe(200);
  });
});

describe('client ids cannot be squatted across principals', () => {
  it("an operator's tool token with another tenant's device id as client id is refused; the device stays connected (ASVS 4.1.3)", async () => {
    const adminB = await h.as(h.tenants.b.users['tenant-admin']);
    const victim = await device(adminB, 'rv-victim-1');
    const c = await connect(asDevice(victim));
    const op = await h.as(h.tenants.a.users.operator);
    const tok = await op.post('/api/v1/tokens/mqtt', { ttlMinutes: 5 });
    expect(await connackFrom('127.0.0.22', { clientId: victim.id, username: 'token', password: tok.body.password })).toBe(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.connected).toBe(true);
    await c.publishAsync(topic('tenant-b', victim.id), reading(3), { qos: 1 });
    expect(await stored('tenant-b', victim.id)).toBe(1);
    // Nor can the tool hold the id while the device is away: the device's own credentials win.
    await c.endAsync();
    expect(await connackFrom('127.0.0.22', { clientId: victim.id, username: 'token', password: tok.body.password })).toBe(2);
    expect(await connackFrom('127.0.0.22', asDevice(victim))).toBe(0);
  });

  it("nor with the device's tenant-qualified MQTT identity `<tenant>/<device>` as client id (ASVS 4.1.3)", async () => {
    const adminB = await h.as(h.tenants.b.users['tenant-admin']);
    const victim = await device(adminB, 'rv-victim-2');
    const op = await h.as(h.tenants.a.users.operator);
    const tok = await op.post('/api/v1/tokens/mqtt', { ttlMinutes: 5 });
    const qualified = mqttIdentity('tenant-b', victim.id);
    expect(await connackFrom('127.0.0.23', { clientId: qualified, username: 'token', password: tok.body.password })).toBe(2);
    expect(await connackFrom('127.0.0.23', { clientId: qualified, username: qualified, password: victim.secret })).toBe(0);
  });
});

describe('one username normalisation for look-up and lock-out (ASVS 2.2.1)', () => {
  it('case, whitespace and NFKC variants of a username share one failure counter', async () => {
    await user('rv-lockme', 'operator');
    const api = h.anonymous();
    const variants = ['rv-lockme', ' rv-lockme', 'RV-LOCKME ', 'ｒｖ-ｌｏｃｋｍｅ', '\trv-lockme'];
    for (const [i, username] of variants.entries()) {
      const res = await api.post('/api/v1/auth/login', { username, password: `wrong-password-${i}-xyz` });
      expect(res.status).toBe(401);
    }
    const right = await api.post('/api/v1/auth/login', { username: 'rv-lockme', password: TEST_PASSWORD });
    expect(right.status).toBe(429);
  });
});

describe('throttles cannot be turned against good devices (ETSI 5.1-5, ASVS 2.2.1)', () => {
  it('a device with valid credentials connects while its id is hammered with wrong secrets, from elsewhere and from its own address', async () => {
    const d = await device(adminA, 'rv-hammered-1');
    const codes: (number | undefined)[] = [];
    for (let i = 0; i < 12; i++) codes.push(await connackFrom(`127.0.0.${30 + (i % 2)}`, { ...asDevice(d), password: `wrong-${i}` }));
    // The hammering address is slowed down (CONNACK 3 once over its limit)…
    expect(codes.slice(-1)).toEqual([3]);
    // …yet the device connects, from a third address and from the hammering one (one NAT).
    expect(await connackFrom('127.0.0.32', asDevice(d))).toBe(0);
    expect(await connackFrom('127.0.0.30', asDevice(d))).toBe(0);
  });
});

describe('a connect storm leaves bounded traces (ETSI 5.1-5, ASVS 7.1.1, 7.1.2)', () => {
  it('200 bad connects from one address: bounded log bytes, rate-limited audit entries with a keyed hash and never the address', async () => {
    const before = logBytes;
    const N = 200;
    await Promise.all(
      Array.from({ length: 50 }, (_, w) =>
        (async () => {
          for (let i = 0; i < N / 50; i++) {
            await connackFrom('127.0.0.40', { clientId: `storm-${w}-${i}`, username: `storm-${w}-${i}`, password: 'nope' });
          }
        })(),
      ),
    );
    const grew = logBytes - before;
    await h.platform.services.audit.admin.checkpoint('_platform').catch(() => undefined);
    const entries = (await h.platform.services.audit.admin.list('_platform', { action: 'mqtt.connect', limit: 1000 })).entries;
    const storm = entries.filter((e) => e.actor.startsWith('mqtt:storm-'));
    // 20 per address per minute reach the chain (platform/audit/limiter.ts); the rest are summed.
    expect(storm.length).toBeGreaterThan(0);
    expect(storm.length).toBeLessThanOrEqual(20);
    for (const e of storm) {
      const details = (typeof e.details === 'string' ? JSON.parse(e.details) : e.details) as { addressHash?: string };
      expect(details.addressHash).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(JSON.stringify(e)).not.toContain('127.0.0.1');
    }
    // Nothing is logged per refused attempt: the log does not grow with N.
    expect(grew).toBeLessThan(16 * 1024);
  });
});

describe('a withdrawal during the handshake still counts (ASVS 3.3.1)', () => {
  it('a socket whose session is logged out while its handshake is checked is disconnected once connected', async () => {
    const s = h.platform.services;
    await user('rv-race-op', 'operator');
    const api = await h.as('rv-race-op');
    const resolve = s.sessions.resolve.bind(s.sessions);
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let held = false;
    s.sessions.resolve = async (token) => {
      const r = await resolve(token);
      if (token === api.token && !held) {
        held = true;
        await gate; // the session was valid when read; the logout lands now
      }
      return r;
    };
    try {
      const sock = io(h.url, { auth: { token: api.token }, transports: ['websocket'], reconnection: false });
      sockets.push(sock);
      const closed = watchClose(sock);
      await expect.poll(() => held).toBe(true);
      expect((await api.post('/api/v1/auth/logout')).status).toBe(204);
      open();
      await closed.within(1_000);
    } finally {
      s.sessions.resolve = resolve;
    }
  });
});
