// The cluster under failure, with every part real (docs/scaling.md): three platform nodes as
// separate processes on one PostgreSQL database (through a TCP relay the test can cut) and one
// redis-server, HAProxy in front, 300 devices in a fleet process publishing QoS 1 readings
// through HAProxy. One node is killed with SIGKILL mid-stream, then Redis is restarted under
// load, then PostgreSQL becomes unreachable; after each, the devices' evidence (every PUBACKed
// reading, every command received) is compared with the store. A lighting tenant (no devices
// connected: its switch commands wait in the store) has a schedule step fall due while the node
// holding the lighting scheduler is dead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterFleetReport } from '../../validation/support/cluster-fleet.ts';
import {
  clusterSkipReason,
  devicesByNode,
  lostReadings as lostIn,
  percentile,
  spawnClusterFleet,
  startClusterRig,
  type ClusterRig,
  type NodeProcess,
  watchNode,
} from '../../validation/support/cluster-rig.ts';
import { startTcpRelay, viaRelay, type TcpRelay } from '../support/tcp-relay.ts';
import { DEMO_SITE } from '../../pilots/lighting/seed.ts';

const skip = await clusterSkipReason();
if (skip) console.warn(skip);

const TENANT = 'cluster-t';
const DEVICES = 300;
const RATE = 200;
const LIGHTING_TENANT = 'cluster-l';
const STEP_LEVEL = 37; // no other step or resync of the test uses it

/** "HH:MM" of an instant at the demo town's site, as a fixed schedule step names it. */
const siteTime = (ms: number) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: DEMO_SITE.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);

const t0 = Date.now();
/** Milestones with their time since the file started, so a slow run shows where it spent it. */
const step = (what: string) => console.info(`[cluster-failover +${((Date.now() - t0) / 1000).toFixed(1)} s] ${what}`);

const nextSeqAfter = (r: ClusterFleetReport) => Math.max(0, ...Object.values(r.ackedSeqs).flat()) + 1_000;

(skip ? describe.skip : describe)(`cluster failover: 3 node processes, HAProxy, Redis, PostgreSQL${skip ? ` — ${skip}` : ''}`, () => {
  let rig: ClusterRig;
  let relay: TcpRelay;
  let devices: { id: string; secret: string }[];
  let user: { username: string; password: string };
  let firstSeq = 1;
  let lamps: string[];
  const fleetConfig = () => ({ url: `mqtt://127.0.0.1:${rig.haproxy.mqttPort}`, tenantId: TENANT, devices, rate: RATE, window: 20, firstSeq });

  const nodeOf = (ids: string[]) => devicesByNode(rig.nodes, TENANT, ids);
  const lostReadings = (node: NodeProcess, report: ClusterFleetReport) => lostIn(node, TENANT, report);

  const watch = (node: NodeProcess, rooms: string[]) => watchNode(node, user, rooms);

  beforeAll(async () => {
    rig = await startClusterRig({
      nodes: 3,
      leaseTtlMs: 3000,
      storeUrl: async (url) => {
        const target = new URL(url);
        relay = await startTcpRelay(target.hostname, Number(target.port || 5432));
        return viaRelay(url, relay);
      },
    });
    step('3 nodes, Redis, PostgreSQL and HAProxy up');
    ({ devices, user } = await rig.nodes[0]!.call<{ devices: typeof devices; user: typeof user }>('provision', { tenantId: TENANT, devices: DEVICES }, 120_000));
    step(`${DEVICES} devices provisioned`);
    ({ lamps } = await rig.nodes[0]!.call<{ lamps: string[] }>('lightingProvision', { tenantId: LIGHTING_TENANT, lamps: 12 }, 60_000));
  }, 240_000);

  afterAll(async () => {
    if (relay && !relay.listening) await relay.restore();
    await rig?.close();
    if (relay?.listening) await relay.cut();
  }, 60_000);

  it('kill -9 of a node mid-stream: devices reconnect within 10 s, no acknowledged reading lost, commands once, escalation once, lighting step once, socket keeps receiving, audit verifies', async () => {
    const fleet = spawnClusterFleet(fleetConfig());
    try {
      await fleet.ready;
      step('fleet connected through HAProxy');
      const ids = devices.map((d) => d.id);
      const where = await nodeOf(ids);
      expect(where.size).toBe(DEVICES);
      // The victim holds the deadlines lease and the lighting scheduler (node-1 started alone and
      // took both), so the escalation and the lighting step below need the takeover.
      // Asked until the answer is settled: a renewal that lags under load leaves a lease unheld for a moment.
      const holderOfBoth = async () => {
        const h = await Promise.all(rig.nodes.map((n) => n.call<{ holder: boolean; scheduler: boolean }>('holder')));
        return h.filter((x) => x.holder).length === 1 && h.filter((x) => x.scheduler).length === 1 ? h.findIndex((x) => x.holder && x.scheduler) : -2;
      };
      await expect.poll(holderOfBoth, { timeout: 15_000, interval: 250 }).toBeGreaterThanOrEqual(0);
      const victim = rig.nodes[await holderOfBoth()]!;
      expect(victim).toBeDefined();
      const [issuer, watcherNode] = rig.nodes.filter((n) => n !== victim) as [NodeProcess, NodeProcess];
      const onVictim = ids.filter((d) => where.get(d) === victim);
      const elsewhere = ids.filter((d) => where.get(d) !== victim);
      expect(onVictim.length).toBeGreaterThan(50);

      const watcher = await watch(watcherNode, [...onVictim.slice(0, 10), ...elsewhere.slice(0, 10)].map((d) => `device:${d}`));
      const command = async (deviceId: string) =>
        ({ deviceId, id: (await issuer.call<{ commandId: string }>('command', { tenantId: TENANT, deviceId, name: 'ping' })).commandId });

      // Before: commands to devices on the victim and elsewhere, delivered and recorded.
      const before = await Promise.all([...onVictim.slice(0, 10), ...elsewhere.slice(0, 10)].map(command));
      await expect
        .poll(async () => Object.values((await issuer.call<{ statuses: Record<string, string> }>('commandStatus', { tenantId: TENANT, commandIds: before.map((c) => c.id) })).statuses), { timeout: 15_000 })
        .toEqual(before.map(() => 'delivered'));
      const start = fleet.progress().acked;
      await fleet.until((p) => p.acked >= start + RATE * 2, 30_000);

      // An escalation that comes due while the lease holder is dead.
      const { alarmId } = await issuer.call<{ alarmId: string }>('raise', { tenantId: TENANT, title: 'due-during-failure', escalateAfterMs: 1500 });
      // A lighting step that falls due 2.5 s from now, on a whole minute of the pilot clock (moved
      // forward alike on every node): a minute before it the level is 20, at it STEP_LEVEL.
      let stepAt = Math.ceil((Date.now() + 120_000) / 60_000) * 60_000;
      if (siteTime(stepAt) === '12:00') stepAt += 60_000; // the programme day starts at 12:00
      const stepDueAt = Date.now() + 2500;
      await Promise.all(rig.nodes.map((n) => n.call('lightingClock', { offsetMs: stepAt - stepDueAt })));
      await issuer.call('lightingSchedule', { tenantId: LIGHTING_TENANT, steps: [{ time: siteTime(stepAt - 60_000), level: 20 }, { time: siteTime(stepAt), level: STEP_LEVEL }] });
      const readingsAtKill = watcher.readings.length;
      const killedAt = Date.now();
      expect(killedAt).toBeLessThan(stepDueAt);
      await victim.kill9();
      step(`${victim.name} killed with ${onVictim.length} devices`);
      // During: commands to the victim's (now disconnected) devices and to others.
      const during = await Promise.all([...onVictim.slice(10, 20), ...elsewhere.slice(10, 15)].map(command));

      await fleet.until((p) => p.connected === DEVICES && p.disconnects >= onVictim.length, 30_000);
      const recoveredMs = Date.now() - killedAt;
      step('every device connected again');
      const ackedAtRecovery = fleet.progress().acked;
      await fleet.until((p) => p.acked >= ackedAtRecovery + RATE * 2, 30_000);
      const report = await fleet.finish();
      firstSeq = nextSeqAfter(report);

      // Reconnection through HAProxy, measured by the devices themselves.
      const r = report.reconnectMs;
      step(
        `node loss: ${onVictim.length} devices moved, reconnect p50 ${percentile(r, 0.5)} ms, p99 ${percentile(r, 0.99)} ms, max ${Math.max(...r)} ms; ` +
          `all connected ${recoveredMs} ms after the kill`,
      );
      expect(report.reconnectMs.length).toBeGreaterThanOrEqual(onVictim.length);
      expect(Math.max(...report.reconnectMs)).toBeLessThanOrEqual(10_000);

      // 0 acknowledged readings lost.
      const { acked, lost } = await lostReadings(issuer, report);
      expect(acked).toBeGreaterThan(RATE * 4);
      expect(lost).toEqual([]);

      // Commands before and during the failure: each received exactly once by its device.
      for (const c of [...before, ...during]) expect({ ...c, received: (report.commands[c.deviceId] ?? []).filter((x) => x === c.id).length }).toEqual({ ...c, received: 1 });

      // The dashboard socket on a surviving node kept receiving, without a disconnect.
      expect(watcher.disconnected()).toBe(false);
      expect(watcher.readings.filter((t) => t > killedAt + 1000).length).toBeGreaterThan(0);
      expect(watcher.readings.length).toBeGreaterThan(readingsAtKill);
      watcher.sock.close();

      // The escalation due during the failure fired exactly once (after the lease takeover).
      const escalated = async () => (await issuer.call<{ targets: string[] }>('escalations', { tenantId: TENANT })).targets.filter((t) => t === `alarm:${alarmId}`).length;
      await expect.poll(escalated, { timeout: 15_000, interval: 200 }).toBe(1);
      // The lighting step due during the failure: one switch command per lamp, not zero, not two.
      type Switch = { deviceId: string; level: number; createdAt: number };
      const stepSwitches = async () =>
        (await issuer.call<{ switches: Switch[] }>('lightingSwitches', { tenantId: LIGHTING_TENANT })).switches.filter((x) => x.level === STEP_LEVEL);
      const switched = async () => (await stepSwitches()).map((x) => x.deviceId).sort();
      await expect.poll(switched, { timeout: 15_000, interval: 200 }).toEqual([...lamps].sort());
      const issuedAt = Math.max(...(await stepSwitches()).map((x) => x.createdAt));
      step(`lighting step due ${stepDueAt - killedAt} ms after the kill, issued to ${lamps.length} lamps by ${issuedAt - killedAt} ms after it`);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await escalated()).toBe(1);
      expect(await switched()).toEqual([...lamps].sort());

      // Every audit chain verifies after appends from three nodes and a kill.
      const { verdicts } = await issuer.call<{ verdicts: Record<string, boolean> }>('verify', { tenantIds: [TENANT, '_platform'] });
      expect(verdicts).toEqual({ [TENANT]: true, _platform: true });
    } finally {
      await fleet.kill();
    }
  }, 240_000);

  // Every Redis client of a node (shared emitter, persistence, presence, adapter) hears its own
  // 'error' events (platform/cluster/shared-broker.ts, node.ts): no node may crash or restart.
  it(
    'Redis restarted under load: no node crashes, no acknowledged reading lost; realtime and cross-node commands resume by themselves',
    async () => {
    const live = rig.nodes.filter((n) => n.alive) as [NodeProcess, NodeProcess];
    expect(live.length).toBeGreaterThanOrEqual(2);
    const pids = live.map((n) => n.pid);
    const fleet = spawnClusterFleet({ ...fleetConfig(), rate: RATE / 2 });
    try {
      await fleet.ready;
      const ids = devices.map((d) => d.id);
      const watcher = await watch(live[0], []);
      await fleet.until((p) => p.acked >= RATE, 30_000);
      await rig.redis.kill();
      await new Promise((r) => setTimeout(r, 2000));
      await rig.redis.start();
      step('redis-server started again after 2 s away');

      // Realtime: an alarm raised on the other node reaches the socket again (adapter resumed).
      let n = 0;
      await expect
        .poll(
          async () => {
            await live[1].call('raise', { tenantId: TENANT, title: `after-redis-${++n}`, escalateAfterMs: 600_000 });
            return watcher.alarms.some((t) => t.startsWith('after-redis-'));
          },
          { timeout: 20_000, interval: 1000 },
        )
        .toBe(true);
      expect(watcher.disconnected()).toBe(false);
      watcher.sock.close();

      // A command issued on one node reaches a device connected to the other.
      const where = await nodeOf(ids);
      const target = ids.find((d) => where.get(d) === live[1])!;
      const { commandId } = await live[0].call<{ commandId: string }>('command', { tenantId: TENANT, deviceId: target, name: 'after-redis' });
      const sent = fleet.progress().commandsReceived;
      await fleet.until((p) => p.commandsReceived > sent, 20_000);

      const report = await fleet.finish();
      firstSeq = nextSeqAfter(report);
      expect((report.commands[target] ?? []).filter((c) => c === commandId)).toHaveLength(1);
      const { acked, lost } = await lostReadings(live[0], report);
      expect(acked).toBeGreaterThan(RATE);
      expect(lost).toEqual([]);
      expect(live.every((n) => n.alive)).toBe(true);
      expect(live.map((n) => n.pid)).toEqual(pids);
    } finally {
      await fleet.kill();
    }
  },
    180_000,
  );

  it('PostgreSQL unreachable: no PUBACK a node cannot make durable; ingest resumes when it returns, without restarting nodes', async () => {
    const live = rig.nodes.filter((n) => n.alive);
    const pids = live.map((n) => n.pid);
    const fleet = spawnClusterFleet({ ...fleetConfig(), devices: devices.slice(0, 60), rate: 200 });
    try {
      await fleet.ready;
      await fleet.until((p) => p.acked >= 400, 30_000);
      await relay.cut();
      // Batches committed just before the cut may still be acknowledged; after that, nothing.
      await new Promise((r) => setTimeout(r, 1000));
      const ackedInOutage = fleet.progress().acked;
      await new Promise((r) => setTimeout(r, 3000));
      expect(fleet.progress().acked).toBe(ackedInOutage);
      step('no PUBACK for 3 s with PostgreSQL unreachable');
      await relay.restore();
      await fleet.until((p) => p.acked >= ackedInOutage + 400, 40_000);
      const report = await fleet.finish();
      firstSeq = nextSeqAfter(report);
      expect(live.every((n) => n.alive)).toBe(true);
      expect(live.map((n) => n.pid)).toEqual(pids);
      const { lost } = await lostReadings(live[0]!, report);
      expect(lost).toEqual([]);
    } finally {
      await fleet.kill();
    }
  }, 180_000);
});
