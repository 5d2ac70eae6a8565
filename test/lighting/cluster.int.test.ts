// The lighting scheduler in cluster mode with real parts: two platform nodes in this process on
// one PostgreSQL database and one redis-server, sharing a hand-driven pilot clock. Only the node
// holding the pilot's scheduler job (a lease with a fencing token, PilotContext.singleton) issues
// steps: a step fires exactly once with two nodes, and exactly once when the holder stops before
// the next one falls due (the other node takes the job over and catches up from the stored mark).
// Without the job both nodes would switch every lamp at dusk, and the second node would issue the
// 23:00 step while the first is still the holder.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sunEvents, zonedTimeToUtc } from '../../pilots/lighting/domain/index.ts';
import { createLightingPilot } from '../../pilots/lighting/index.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import { bootHarness, testPostgresDatabase, type Harness } from '../../validation/support/harness.ts';
import { PG_SKIP_NOTICE, findPostgres, type TestDatabase } from '../../validation/support/postgres.ts';
import { REDIS_SKIP_NOTICE, hasRedisServer, startRedis, type TestRedis } from '../../validation/support/redis.ts';
import { manualClock, provision, type Fleet } from './support.ts';

const pgReachable = (await findPostgres()) !== null;
const redisInstalled = hasRedisServer();
const skip = !pgReachable ? PG_SKIP_NOTICE : !redisInstalled ? REDIS_SKIP_NOTICE : '';
if (skip) console.warn(skip);

const TENANT = 'tenant-a';
const DAY = '2026-01-15';
const local = (hhmm: string) => {
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  return zonedTimeToUtc(DAY, hh * 60 + mm, 'Europe/Madrid').ms;
};
const sunset = sunEvents(DAY, 41.39, 2.17, 'Europe/Madrid').sunset!;
const clock = manualClock(local('13:00'));
const settle = () => new Promise((r) => setTimeout(r, 1000)); // twenty pilot ticks, two rescans

(skip ? describe.skip : describe)(`lighting scheduler on two cluster nodes${skip ? ` — ${skip}` : ''}`, () => {
  let redis: TestRedis;
  let db: TestDatabase;
  let nodes: Harness[] = [];
  let fleet: Fleet;
  const masterKey = randomBytes(32).toString('hex');

  const boot = (id: string, first: boolean) =>
    bootHarness({
      store: 'postgres',
      provision: first,
      pilots: [createLightingPilot({ now: clock, tickMs: 50, commsLossIntervals: 0, clusterRescanMs: 200 })],
      tenantPilots: ['lighting'],
      config: { storeUrl: db.url, masterKeyHex: masterKey, cluster: { redisUrl: redis.url, nodeId: id } },
      cluster: { leaseTtlMs: 1500, heartbeatMs: 300, tickMs: 100 },
    });
  const job = (n: Harness) => n.platform.pilotContext('lighting').singleton('scheduler');
  const holders = () => nodes.filter((n) => job(n).held());

  /** Switch commands in the shared store, as "lamp@level" (one entry per command). */
  const switches = async () => {
    const items = await runInTenant(systemContext('test', asTenantId(TENANT)), () =>
      nodes[0]!.platform.services.commands.list({ limit: 10_000 }),
    );
    return items.filter((c) => c.name === 'switch').map((c) => `${c.deviceId}@${(c.payload as { level: number }).level}`);
  };
  const perLamp = (level: number) => fleet.extra.lamps.map((l) => `${l.id}@${level}`).sort();
  const sentAt = async (level: number) => (await switches()).filter((s) => s.endsWith(`@${level}`)).sort();

  beforeAll(async () => {
    redis = await startRedis();
    db = await testPostgresDatabase();
    // The town exists before the second node starts, so both nodes know every lamp and schedule.
    nodes.push(await boot('node-a', true));
    fleet = await provision(await nodes[0]!.as(nodes[0]!.tenants.a.users['tenant-admin']), { lamps: 12, seed: 5 });
    nodes.push(await boot('node-b', false));
  }, 60_000);

  afterAll(async () => {
    for (const n of nodes) await n.close().catch(() => undefined);
    await db?.drop();
    await redis?.stop();
  });

  it('one node holds the scheduler, and the new town is put at the level in force once', async () => {
    await expect.poll(() => holders().length, { timeout: 10_000, interval: 100 }).toBe(1);
    expect(nodes.every((n) => job(n).shared)).toBe(true);
    await expect.poll(() => sentAt(0), { timeout: 10_000, interval: 100 }).toEqual(perLamp(0));
    await settle();
    expect((await switches()).sort()).toEqual(perLamp(0));
  });

  it('a scheduled step fires exactly once with two nodes', async () => {
    clock.set(sunset + 60_000);
    await expect.poll(() => sentAt(100), { timeout: 10_000, interval: 100 }).toEqual(perLamp(100));
    await settle();
    expect(await sentAt(100)).toEqual(perLamp(100));
    expect((await switches()).length).toBe(2 * fleet.extra.lamps.length);
  });

  it('a step due while the holder is gone fires exactly once, on the node that takes over', async () => {
    const [holder] = holders();
    expect(holder).toBeDefined();
    const survivor = nodes.find((n) => n !== holder)!;
    // The holder's scheduler stops, then the 23:00 step falls due, then the holder leaves.
    await holder!.platform.pilotInstance('lighting').stop?.();
    clock.set(local('23:05'));
    await settle();
    expect(await sentAt(50)).toEqual([]);
    await holder!.close();
    nodes = [survivor];
    await expect.poll(() => job(survivor).held(), { timeout: 10_000, interval: 100 }).toBe(true);
    await expect.poll(() => sentAt(50), { timeout: 10_000, interval: 100 }).toEqual(perLamp(50));
    await settle();
    // Nothing the first holder issued is issued again: one command per lamp per step.
    expect(await sentAt(0)).toEqual(perLamp(0));
    expect(await sentAt(100)).toEqual(perLamp(100));
    expect(await sentAt(50)).toEqual(perLamp(50));
    expect((await switches()).length).toBe(3 * fleet.extra.lamps.length);
  });
});
