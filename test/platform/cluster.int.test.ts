// Cluster mode with real parts: three platform nodes in this process sharing one PostgreSQL
// database and one redis-server (docs/architecture.md "Cluster mode"). Lock-out counts hold
// across nodes, an alarm raised on one node reaches a socket on another, escalations fire once
// on the deadlines lease holder (and once after it leaves), and /readyz reports Redis.
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mqttIdentity } from '../../platform/broker/topics.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { ApiClient } from '../../validation/support/api-client.ts';
import { TEST_PASSWORD, bootHarness, testPostgresDatabase, type Harness } from '../../validation/support/harness.ts';
import { probePilot } from '../../validation/support/probe-pilot.ts';
import { PG_SKIP_NOTICE, findPostgres, type TestDatabase } from '../../validation/support/postgres.ts';
import { REDIS_SKIP_NOTICE, hasRedisServer, startRedis, type TestRedis } from '../../validation/support/redis.ts';
import { asTenantId } from '../../platform/ids.ts';

const pgReachable = (await findPostgres()) !== null;
const redisInstalled = hasRedisServer();
const skip = !pgReachable ? PG_SKIP_NOTICE : !redisInstalled ? REDIS_SKIP_NOTICE : '';
if (skip) console.warn(skip);

const TENANT = 'tenant-a';
const API_LIMIT = 30;
const ctx = systemContext('test', asTenantId(TENANT));

(skip ? describe.skip : describe)(`cluster mode: three nodes on Redis and PostgreSQL${skip ? ` — ${skip}` : ''}`, () => {
  let redis: TestRedis;
  let db: TestDatabase;
  const nodes: Harness[] = [];

  const boot = (id: string, provision: boolean) =>
    bootHarness({
      store: 'postgres',
      provision,
      pilots: [probePilot],
      tenantPilots: ['probe'],
      config: { storeUrl: db.url, masterKeyHex: masterKey, cluster: { redisUrl: redis.url, nodeId: id } },
      cluster: { leaseTtlMs: 1500, heartbeatMs: 300, tickMs: 100 },
      apiRateLimitPerMinute: API_LIMIT,
    });
  const masterKey = randomBytes(32).toString('hex');

  beforeAll(async () => {
    redis = await startRedis();
    db = await testPostgresDatabase();
    // One after the other: the first node creates the schemas, tenants and users.
    nodes.push(await boot('node-a', true));
    nodes.push(await boot('node-b', false));
    nodes.push(await boot('node-c', false));
  }, 60_000);

  afterAll(async () => {
    for (const n of nodes) await n.close().catch(() => undefined);
    await db?.drop();
    await redis?.stop();
  });

  it('failed logins spread over three nodes lock the account at the same count as on one (ASVS 2.2.1)', async () => {
    const max = nodes[0]!.config.login.maxFailures;
    const user = 'tenant-a-operator';
    const attempt = (i: number, password: string) =>
      new ApiClient(nodes[i % 3]!.url).post('/api/v1/auth/token', { username: user, password });
    for (let i = 0; i < max - 1; i++) expect((await attempt(i, 'wrong-password')).status).toBe(401);
    // Not locked yet anywhere: the right password still works on the third node…
    expect((await attempt(2, TEST_PASSWORD)).status).toBe(200);
    // …and resets the count for the whole cluster, as on one node.
    for (let i = 0; i < max; i++) expect((await attempt(i, 'wrong-password')).status).toBe(401);
    for (const i of [0, 1, 2]) {
      const locked = await attempt(i, TEST_PASSWORD);
      expect(locked.status).toBe(429);
      expect(locked.body.detail).toMatch(/temporarily locked/);
    }
  });

  it('audit appends from three nodes form one linear chain that verifies (ASVS 7.3.3)', async () => {
    // The failures above were recorded on the tenant's chain by all three nodes in turn.
    const verdict = await nodes[2]!.platform.services.audit.admin.verify(TENANT);
    expect(verdict.ok).toBe(true);
    const page = await nodes[0]!.platform.services.audit.admin.list(TENANT, { action: 'auth.login', limit: 1000 });
    const failures = page.entries.filter((e) => e.outcome === 'failure');
    expect(failures.length).toBeGreaterThanOrEqual(2 * nodes[0]!.config.login.maxFailures - 2);
  });

  it('the API rate limit of a principal holds across nodes, not per node (ASVS 11.1.4)', async () => {
    const token = (await new ApiClient(nodes[0]!.url).login('tenant-a-evaluator', TEST_PASSWORD)).token;
    const call = async (i: number) => {
      const c = new ApiClient(nodes[i % 3]!.url);
      c.token = token;
      return (await c.get('/api/v1/alarms')).status;
    };
    const statuses: number[] = [];
    for (let i = 0; i < API_LIMIT; i++) statuses.push(await call(i));
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    // One node has seen only a third of them; the cluster has seen them all.
    for (const i of [0, 1, 2]) expect(await call(i)).toBe(429);
  });

  it('an alarm raised on node C reaches a clinician socket connected to node B', async () => {
    // The lock-out test above locked tenant-a-operator; the tenant admin sees alarms too.
    const reader = await new ApiClient(nodes[1]!.url).login('tenant-a-tenant-admin', TEST_PASSWORD);
    const sock: Socket = io(nodes[1]!.url, { auth: { token: reader.token }, transports: ['websocket'], reconnection: false });
    try {
      await new Promise<void>((resolve, reject) => {
        sock.once('hello', () => resolve());
        sock.once('connect_error', reject);
      });
      const received = new Promise<{ title: string }>((resolve) => sock.on('alarm', (a: { title: string }) => resolve(a)));
      await runInTenant(ctx, () =>
        nodes[2]!.platform.services.alarms.raise({ source: 'device:x-1', type: 'test.cross-node', severity: 'major', title: 'raised on node C' }),
      );
      expect((await received).title).toBe('raised on node C');
    } finally {
      sock.close();
    }
  });

  it('a logout on node A ends the socket opened with that session on node B (ASVS 3.3.1)', async () => {
    const user = await new ApiClient(nodes[0]!.url).login('tenant-a-auditor', TEST_PASSWORD);
    const sock: Socket = io(nodes[1]!.url, { auth: { token: user.token }, transports: ['websocket'], reconnection: false });
    try {
      await new Promise<void>((resolve, reject) => {
        sock.once('hello', () => resolve());
        sock.once('connect_error', reject);
      });
      const closed = new Promise<string>((resolve) => sock.once('disconnect', (reason) => resolve(reason)));
      expect((await user.post('/api/v1/auth/logout')).status).toBeLessThan(300);
      expect(await closed).toBe('io server disconnect');
    } finally {
      sock.close();
    }
  });

  it('a command issued on node A reaches the device connected to node C, once, and is reported delivered', async () => {
    const { secret } = await runInTenant(ctx, () =>
      nodes[0]!.platform.services.devices.register({ id: 'probe-x', tenantId: asTenantId(TENANT), kind: 'probe-sensor' }),
    );
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${nodes[2]!.platform.mqttPort}`, {
      clientId: mqttIdentity(TENANT, 'probe-x'),
      username: mqttIdentity(TENANT, 'probe-x'),
      password: secret,
      reconnectPeriod: 0,
    });
    device.on('error', () => undefined);
    try {
      const received: string[] = [];
      device.on('message', (topic) => received.push(topic));
      await device.subscribeAsync(`tenants/${TENANT}/devices/probe-x/commands/+`, { qos: 1 });
      await expect.poll(() => nodes[2]!.platform.ingest.isOnline(TENANT, 'probe-x')).toBe(true);
      // The local broker of node A does not hold it; presence is cluster-wide.
      expect(nodes[0]!.platform.ingest.broker.isOnline(TENANT, 'probe-x')).toBe(false);
      const cmd = await runInTenant(ctx, () =>
        nodes[0]!.platform.services.commands.create({ deviceId: 'probe-x', name: 'ping', payload: { n: 1 }, ttlMs: 60_000 }),
      );
      await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
      expect(received[0]).toBe(`tenants/${TENANT}/devices/probe-x/commands/${cmd.id}`);
      await expect
        .poll(async () => (await runInTenant(ctx, () => nodes[1]!.platform.services.commands.get(cmd.id)))?.status, { timeout: 10_000 })
        .toBe('delivered');
      await new Promise((r) => setTimeout(r, 500));
      expect(received).toHaveLength(1);
    } finally {
      device.end(true);
    }
  });

  it('an escalation due on any node fires exactly once, and once more after the lease holder leaves', async () => {
    const escalations = async () =>
      (await runInTenant(ctx, () => nodes[1]!.platform.services.audit.list({ action: 'alarm.escalation', limit: 100 }))).entries.length;
    const before = await escalations();
    const raise = (node: number, title: string) =>
      runInTenant(ctx, () =>
        nodes[node]!.platform.services.alarms.raise({ source: `device:${title}`, type: title, severity: 'major', title, escalateAfterMs: 200 }),
      );
    // Raised on a node that does not hold the lease: the holder catches it up from the store.
    const holder = nodes.findIndex((n) => n.platform.cluster!.deadlines.held() !== null);
    expect(holder).toBeGreaterThanOrEqual(0);
    await raise((holder + 1) % 3, 'esc-1');
    await expect.poll(escalations, { timeout: 15_000, interval: 100 }).toBe(before + 1);
    // The holder leaves; another node takes the lease over and escalates the next one.
    const leaving = nodes.splice(holder, 1)[0]!;
    await leaving.close();
    await raise(0, 'esc-2');
    await expect.poll(escalations, { timeout: 15_000, interval: 100 }).toBe(before + 2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await escalations()).toBe(before + 2);
    expect(nodes.filter((n) => n.platform.cluster!.deadlines.held() !== null)).toHaveLength(1);
  });

  it('/readyz of a node reports its store, Redis, cluster registry and broker', async () => {
    const res = await nodes[0]!.anonymous().get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body.parts).toMatchObject({ storage: true, broker: true, redis: true, cluster: true });
    const live = await nodes[0]!.platform.cluster!.store.liveNodes();
    expect(live.map((n) => n.id).sort()).toEqual(nodes.map((n) => n.platform.cluster!.nodeId).sort());
  });
});
