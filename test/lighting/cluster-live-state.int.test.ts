// Lighting live state across cluster nodes, with real parts: two platform nodes in this process on
// one PostgreSQL database and one redis-server, sharing a hand-driven pilot clock. A lamp's
// readings reach only the node it is connected to (node B here); node A must still show the lamp's
// state and the failure node B detected, and node A, holding the scheduler and with it the
// comms-loss sweep, must not call the lamp silent because it never heard it itself.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zonedTimeToUtc } from '../../pilots/lighting/domain/index.ts';
import { createLightingPilot } from '../../pilots/lighting/index.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, testPostgresDatabase, type Harness } from '../../validation/support/harness.ts';
import { PG_SKIP_NOTICE, findPostgres, type TestDatabase } from '../../validation/support/postgres.ts';
import { REDIS_SKIP_NOTICE, hasRedisServer, startRedis, type TestRedis } from '../../validation/support/redis.ts';
import { API, connectDevice, lampReading, manualClock, provision, type Fleet, type TestDevice } from './support.ts';

const pgReachable = (await findPostgres()) !== null;
const redisInstalled = hasRedisServer();
const skip = !pgReachable ? PG_SKIP_NOTICE : !redisInstalled ? REDIS_SKIP_NOTICE : '';
if (skip) console.warn(skip);

const MIN = 60_000;
// Dark, and the demo programme has the lamps at 100 %.
const clock = manualClock(zonedTimeToUtc('2026-01-15', 21 * 60, 'Europe/Madrid').ms);
const settle = () => new Promise((r) => setTimeout(r, 600)); // a few re-reads of the store (every 200 ms)

(skip ? describe.skip : describe)(`lighting live state on two cluster nodes${skip ? ` — ${skip}` : ''}`, () => {
  let redis: TestRedis;
  let db: TestDatabase;
  const nodes: Harness[] = [];
  let fleet: Fleet;
  let onA: ApiClient;
  let lamp: TestDevice | undefined;
  const masterKey = randomBytes(32).toString('hex');

  const boot = (id: string, first: boolean) =>
    bootHarness({
      store: 'postgres',
      provision: first,
      pilots: [createLightingPilot({ now: clock, tickMs: 50, reportIntervalMs: MIN, commsLossIntervals: 3, clusterRescanMs: 200 })],
      tenantPilots: ['lighting'],
      config: { storeUrl: db.url, masterKeyHex: masterKey, cluster: { redisUrl: redis.url, nodeId: id } },
      cluster: { leaseTtlMs: 1500, heartbeatMs: 300, tickMs: 100 },
    });
  const job = (n: Harness) => n.platform.pilotContext('lighting').singleton('scheduler');
  const activeAlarms = async (source: string) =>
    ((await onA.get('/api/v1/alarms?state=active')).body.items as { source: string; type: string }[]).filter((a) => a.source === source).map((a) => a.type);

  beforeAll(async () => {
    redis = await startRedis();
    db = await testPostgresDatabase();
    nodes.push(await boot('node-a', true));
    fleet = await provision(await nodes[0]!.as(nodes[0]!.tenants.a.users['tenant-admin']), { lamps: 12, seed: 5 });
    onA = await nodes[0]!.as(nodes[0]!.tenants.a.users.operator);
    nodes.push(await boot('node-b', false));
  }, 60_000);

  afterAll(async () => {
    await lamp?.close().catch(() => undefined);
    for (const n of nodes) await n.close().catch(() => undefined);
    await db?.drop();
    await redis?.stop();
  });

  it('a lamp reporting to node B shows its state and its detected failure on node A; node A does not call it silent', async () => {
    const [a, b] = nodes as [Harness, Harness];
    // Node A started first and holds the scheduler, so the comms-loss sweep is its verdict.
    await expect.poll(() => job(a).held() && !job(b).held(), { timeout: 10_000, interval: 100 }).toBe(true);
    const id = fleet.extra.lamps[0]!.id;
    const l = fleet.extra.lamps[0]!;
    const model = fleet.extra.models.find((m) => m.id === l.modelId)!;
    lamp = await connectDevice(b, fleet.devices.find((d) => d.id === id)!);
    const report = async (watts?: number) => {
      await lamp!.publishTelemetry(lampReading(clock(), model, 100, watts));
      await settle();
    };

    // Lit, then dark at full level for two readings: a lamp failure, detected on node B.
    await report();
    clock.advance(MIN);
    await report(2.5);
    clock.advance(MIN);
    await report(2.1);
    await expect.poll(() => activeAlarms(`lamp:${id}`), { timeout: 5000 }).toEqual(['lamp-failure']);

    // Node A shows what node B heard and decided.
    await expect
      .poll(async () => (await onA.get(`${API}/lamps/${id}`)).body, { timeout: 5000, interval: 200 })
      .toMatchObject({ powerState: 'on', dimLevel: 100, activePower: 2.1, status: 'defectiveLamp', activeAlarm: { type: 'lamp-failure' } });
    const listed = ((await onA.get(`${API}/lamps`)).body.items as { id: string; activePower: number | null; status: string }[]).find((x) => x.id === id);
    expect(listed).toMatchObject({ activePower: 2.1, status: 'defectiveLamp' });

    // Two more minutes with the lamp reporting to node B every minute, the others silent since the
    // start: node A's sweep finds the silent ones, never the lamp node B hears.
    for (let i = 0; i < 2; i++) {
      clock.advance(MIN);
      await report(2.1);
    }
    const silent = `lamp:${fleet.extra.lamps[1]!.id}`;
    const silentCabinet = `cabinet:${fleet.extra.cabinets[0]!.id}`;
    await expect
      .poll(async () => [...(await activeAlarms(silent)), ...(await activeAlarms(silentCabinet))].includes('comms-loss'), { timeout: 5000, interval: 200 })
      .toBe(true);
    await settle();
    expect(await activeAlarms(`lamp:${id}`)).toEqual(['lamp-failure']);
  });
});
