// MQTT across the nodes of a cluster, with real parts: three platform nodes in this process on one
// redis-server and one PostgreSQL database (docs/architecture.md "Cluster mode"). Presence and
// last-seen answer alike on every node, a device connected twice keeps only its newer connection
// (audited), a device that comes back on another node gets its pending commands through its
// restored session, and the connect throttle and ingest quota count as on one node.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mqttIdentity } from '../../platform/broker/topics.ts';
import { DEFAULT_AUTH_THROTTLE } from '../../platform/broker/index.ts';
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
const ctx = systemContext('test', asTenantId(TENANT));

(skip ? describe.skip : describe)(`cluster mode: MQTT across three nodes${skip ? ` — ${skip}` : ''}`, () => {
  let redis: TestRedis;
  let db: TestDatabase;
  const nodes: Harness[] = [];
  const clients: MqttClient[] = [];
  const masterKey = randomBytes(32).toString('hex');

  const boot = (id: string, provision: boolean) =>
    bootHarness({
      store: 'postgres',
      provision,
      pilots: [probePilot],
      tenantPilots: ['probe'],
      config: { storeUrl: db.url, masterKeyHex: masterKey, cluster: { redisUrl: redis.url, nodeId: id } },
      // A lease ttl long enough that a loaded machine does not move the leases mid-test.
      cluster: { leaseTtlMs: 6000, heartbeatMs: 300, tickMs: 100, checkpointMs: 400 },
    });

  const register = async (id: string) =>
    (await runInTenant(ctx, () => nodes[0]!.platform.services.devices.register({ id, tenantId: asTenantId(TENANT), kind: 'probe-sensor' }))).secret;
  const connect = async (node: number, id: string, secret: string, extra: IClientOptions = {}) => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${nodes[node]!.platform.mqttPort}`, {
      clientId: mqttIdentity(TENANT, id),
      username: mqttIdentity(TENANT, id),
      password: secret,
      reconnectPeriod: 0,
      ...extra,
    });
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    redis = await startRedis();
    db = await testPostgresDatabase();
    nodes.push(await boot('node-a', true));
    nodes.push(await boot('node-b', false));
    nodes.push(await boot('node-c', false));
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.end(true);
    for (const n of nodes) await n.close().catch(() => undefined);
    await db?.drop();
    await redis?.stop();
  });

  it('a device online on node C is online with a fresh last-seen when asked on node A, and offline everywhere once it leaves', async () => {
    const secret = await register('pres-1');
    const device = await connect(2, 'pres-1', secret);
    await expect.poll(() => nodes.map((n) => n.platform.ingest.isOnline(TENANT, 'pres-1')), { timeout: 5_000 }).toEqual([true, true, true]);
    expect(nodes[0]!.platform.ingest.broker.isOnline(TENANT, 'pres-1')).toBe(false);
    expect(nodes[0]!.platform.pilotContext('probe')).toBeDefined();
    expect(Date.now() - (nodes[0]!.platform.ingest.lastSeen(TENANT, 'pres-1') ?? 0)).toBeLessThan(1_000);
    await device.endAsync();
    await expect.poll(() => nodes.map((n) => n.platform.ingest.isOnline(TENANT, 'pres-1')), { timeout: 5_000 }).toEqual([false, false, false]);
    const seen = nodes[0]!.platform.ingest.lastSeen(TENANT, 'pres-1');
    expect(seen).not.toBeNull();
    expect(Date.now() - seen!).toBeLessThan(5_000);
  });

  it('the devices of a node that left the registry read offline on the others', async () => {
    const secret = await register('pres-2');
    await connect(2, 'pres-2', secret);
    await expect.poll(() => nodes[0]!.platform.ingest.isOnline(TENANT, 'pres-2'), { timeout: 5_000 }).toBe(true);
    // As after a kill -9 of node C: its registry row expired, its presence entries remain.
    const directory = nodes[0]!.platform.cluster!.ingest.presence as unknown as { setLiveNodes(ids: string[]): void };
    directory.setLiveNodes(['node-a', 'node-b']);
    expect(nodes[0]!.platform.ingest.isOnline(TENANT, 'pres-2')).toBe(false);
    directory.setLiveNodes(['node-a', 'node-b', 'node-c']);
    expect(nodes[0]!.platform.ingest.isOnline(TENANT, 'pres-2')).toBe(true);
  });

  it('a device connected to two nodes keeps only its newer connection, and the replacement is audited (ETSI 5.1-5)', async () => {
    const secret = await register('twice-1');
    const older = await connect(0, 'twice-1', secret);
    await expect.poll(() => nodes[0]!.platform.ingest.broker.isOnline(TENANT, 'twice-1'), { timeout: 5_000 }).toBe(true);
    const closed = new Promise<void>((resolve) => older.once('close', () => resolve()));
    await connect(1, 'twice-1', secret);
    await closed;
    await expect.poll(() => nodes[0]!.platform.ingest.broker.isOnline(TENANT, 'twice-1'), { timeout: 5_000 }).toBe(false);
    expect(nodes[1]!.platform.ingest.broker.isOnline(TENANT, 'twice-1')).toBe(true);
    // Presence stays with the newer connection: the older node's offline does not overwrite it.
    await new Promise((r) => setTimeout(r, 300));
    expect(nodes.map((n) => n.platform.ingest.isOnline(TENANT, 'twice-1'))).toEqual([true, true, true]);
    const replaced = async () =>
      (await runInTenant(ctx, () => nodes[2]!.platform.services.audit.list({ action: 'mqtt.session.replaced', limit: 10 }))).entries;
    await expect.poll(async () => (await replaced()).map((e) => [e.target, JSON.parse(String(e.details))]), { timeout: 5_000 }).toEqual([
      ['device:twice-1', { byNode: 'node-b' }],
    ]);
  });

  it('a device that comes back on another node after a failure gets its pending command, once, through its restored session', async () => {
    const secret = await register('back-1');
    const session = { clean: false, resubscribe: false } as const;
    const first = await connect(0, 'back-1', secret, session);
    await first.subscribeAsync(`tenants/${TENANT}/devices/back-1/commands/+`, { qos: 1 });
    // Node A's connection is cut (no DISCONNECT): the device is online nowhere.
    first.stream.destroy();
    await expect.poll(() => nodes[1]!.platform.ingest.isOnline(TENANT, 'back-1'), { timeout: 5_000 }).toBe(false);
    const cmd = await runInTenant(ctx, () =>
      nodes[2]!.platform.services.commands.create({ deviceId: 'back-1', name: 'ping', payload: { n: 2 }, ttlMs: 60_000 }),
    );
    // It comes back on node B without subscribing again: its session (in Redis) holds the subscription.
    const received: string[] = [];
    const again = await mqtt.connectAsync(`mqtt://127.0.0.1:${nodes[1]!.platform.mqttPort}`, {
      clientId: mqttIdentity(TENANT, 'back-1'),
      username: mqttIdentity(TENANT, 'back-1'),
      password: secret,
      reconnectPeriod: 0,
      ...session,
    });
    clients.push(again);
    again.on('message', (topic) => received.push(topic));
    await expect.poll(() => received, { timeout: 10_000 }).toEqual([`tenants/${TENANT}/devices/back-1/commands/${cmd.id}`]);
    await expect
      .poll(async () => (await runInTenant(ctx, () => nodes[0]!.platform.services.commands.get(cmd.id)))?.status, { timeout: 10_000 })
      .toBe('delivered');
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toHaveLength(1);
  });

  it("a command whose cross-node route was lost while Redis dropped the nodes' subscribers reaches its device once they are back, once", async () => {
    const secret = await register('away-1');
    const device = await connect(1, 'away-1', secret);
    const received: string[] = [];
    device.on('message', (topic) => received.push(topic));
    await device.subscribeAsync(`tenants/${TENANT}/devices/away-1/commands/+`, { qos: 1 });
    await expect.poll(() => nodes[0]!.platform.ingest.isOnline(TENANT, 'away-1'), { timeout: 5_000 }).toBe(true);
    // Redis pub/sub keeps nothing for a subscriber that is away: the routed message is lost, as
    // when node A routes it while node B's subscriber is reconnecting. Node A's route is bypassed
    // for this one command so that the loss is certain, not a race.
    const commands = nodes[0]!.platform.services.commands;
    const route = Reflect.get(commands, 'deliverer') as Parameters<typeof commands.setDeliverer>[0];
    commands.setDeliverer(async () => false);
    const cmd = await runInTenant(ctx, () => commands.create({ deviceId: 'away-1', name: 'ping', payload: {}, ttlMs: 60_000 })).finally(() =>
      commands.setDeliverer(route),
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toEqual([]);
    // Redis drops every subscriber connection, as when it restarts; they reconnect by themselves.
    const admin = new Redis(redis.url);
    try {
      expect(Number(await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub'))).toBeGreaterThan(0);
    } finally {
      admin.disconnect();
    }
    const topic = `tenants/${TENANT}/devices/away-1/commands/${cmd.id}`;
    await expect.poll(() => received, { timeout: 10_000 }).toEqual([topic]);
    await expect.poll(async () => (await runInTenant(ctx, () => commands.get(cmd.id)))?.status, { timeout: 10_000 }).toBe('delivered');
    // Every node's subscriber came back; only the node holding the device pushed it.
    await new Promise((r) => setTimeout(r, 1000));
    expect(received).toEqual([topic]);
  });

  it('failed MQTT connects spread over three nodes are throttled at the same count as on one (ASVS 2.2.1, ETSI 5.1-5)', async () => {
    const codes: number[] = [];
    for (let i = 0; i <= DEFAULT_AUTH_THROTTLE.maxFailures; i++) {
      const err = await mqtt
        .connectAsync(`mqtt://127.0.0.1:${nodes[i % 3]!.platform.mqttPort}`, {
          clientId: mqttIdentity(TENANT, 'nobody'),
          username: mqttIdentity(TENANT, 'nobody'),
          password: 'wrong',
          reconnectPeriod: 0,
        })
        .then(
          (c) => (c.end(true), null),
          (e: { code?: number }) => e,
        );
      codes.push(err?.code ?? 0);
    }
    // Bad credentials (4) up to the limit, then "server unavailable" (3): one count for the cluster.
    expect(codes).toEqual([...Array<number>(DEFAULT_AUTH_THROTTLE.maxFailures).fill(4), 3]);
  });

  it("a tenant's ingest quota admits as many readings across three nodes as on one", async () => {
    const rate = 10;
    let admitted = 0;
    // 15 single readings per node, as fast as they come, none allowed to wait.
    for (let i = 0; i < 45; i++) {
      if (await nodes[i % 3]!.platform.cluster!.ingest.quota.take('quota-tenant', rate, 1, 0)) admitted++;
    }
    // One window, or two if the loop crossed a second boundary; per node it would be 30.
    expect(admitted).toBeGreaterThanOrEqual(rate);
    expect(admitted).toBeLessThanOrEqual(2 * rate);
  });

  it('the platform operator lists the nodes with their MQTT connections and throughput; /readyz reports the broker', async () => {
    const secret = await register('count-1');
    await connect(2, 'count-1', secret);
    const admin = await new ApiClient(nodes[0]!.url).login('root-admin', TEST_PASSWORD);
    const listed = async () => ((await admin.get('/api/v1/platform/nodes')).body as { nodes: { id: string; mqttConnections: number; readingsPerSecond: number }[] }).nodes;
    await expect.poll(async () => (await listed()).find((n) => n.id === 'node-c')?.mqttConnections ?? 0, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    const all = await listed();
    expect(all.map((n) => n.id)).toEqual(['node-a', 'node-b', 'node-c']);
    for (const n of all) expect(n.readingsPerSecond).toBeGreaterThanOrEqual(0);
    // Tenant roles do not see the platform's nodes.
    const tenantAdmin = await new ApiClient(nodes[0]!.url).login('tenant-a-tenant-admin', TEST_PASSWORD);
    expect((await tenantAdmin.get('/api/v1/platform/nodes')).status).toBe(403);
    const ready = await nodes[1]!.anonymous().get('/readyz');
    expect(ready.body.parts).toMatchObject({ broker: true, redis: true, cluster: true });
  });

  it('interval audit checkpoints are signed by the checkpoint lease holder only, on the head other nodes appended, and fenced (ASVS 7.3.3)', async () => {
    await expect.poll(() => nodes.filter((n) => n.platform.cluster!.checkpoints.held() !== null).length, { timeout: 5_000 }).toBe(1);
    const holder = nodes.findIndex((n) => n.platform.cluster!.checkpoints.held() !== null);
    const other = nodes[(holder + 1) % 3]!;
    // Appended on a node that does not hold the lease; the holder signs that head within its interval.
    const entry = (await other.platform.services.audit.record(TENANT, { actor: 'test', action: 'test.checkpoint', target: 'x', outcome: 'success' })) as { seq: number };
    const checkpoints = async () => (await (await nodes[0]!.platform.services.scopes.store(TENANT)).listCheckpoints()).map((c) => c.seq);
    await expect.poll(async () => Math.max(0, ...(await checkpoints())), { timeout: 10_000 }).toBeGreaterThanOrEqual(entry.seq);
    expect((await nodes[0]!.platform.services.audit.admin.verify(TENANT)).ok).toBe(true);
    // A node without the lease signs nothing.
    await other.platform.services.audit.record(TENANT, { actor: 'test', action: 'test.checkpoint', target: 'y', outcome: 'success' });
    expect(await other.platform.cluster!.checkpointJob()!.tick()).toBe(0);
    // A holder whose lease was granted elsewhere behind its back (a paused process) is fenced off.
    const cluster = nodes[holder]!.platform.cluster!;
    const job = cluster.checkpointJob()!;
    job.stop(); // only the passes below run from here
    cluster.checkpoints.stop(); // no renewal: it still believes it holds the lease until its local deadline
    await job.tick();
    const grant = cluster.checkpoints.held()!;
    await cluster.store.release(grant);
    expect(await cluster.store.acquire(grant.name, 'intruder', 60_000)).not.toBeNull();
    await nodes[holder]!.platform.services.audit.record(TENANT, { actor: 'test', action: 'test.checkpoint', target: 'z', outcome: 'success' });
    const before = await checkpoints();
    await expect(job.tick()).rejects.toThrow(/no longer held/);
    expect(await checkpoints()).toEqual(before);
  });
});
