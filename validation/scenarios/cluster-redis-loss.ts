// docs/scaling.md: Redis holds nothing the cluster cannot lose. Three nodes behind HAProxy, a
// device fleet publishing QoS 1 readings; redis-server is killed under load and started again
// (empty: it runs without persistence). No acknowledged reading may be lost, and realtime (an
// alarm raised on one node reaching a dashboard socket on another) and cross-node commands must
// resume by themselves, without restarting a node.
import { clusterSkipReason, devicesByNode, lostReadings, spawnClusterFleet, startClusterRig, watchNode } from '../support/cluster-rig.ts';
import type { Scenario } from '../types.ts';

const TENANT = 'cluster-r';
const RESUME_LIMIT_MS = 30_000;

export const clusterRedisLoss: Scenario = {
  id: 'cluster.redis-loss',
  title: 'Redis restarted under load: nothing acknowledged lost, realtime and commands resume',
  requirement: 'docs/architecture.md promise 3 (nothing acknowledged is lost); docs/scaling.md (Redis holds no durable state)',
  indicator: 'acknowledged readings missing from the store; time until realtime and a cross-node command work again',
  criterion: `0 lost, realtime and a cross-node command each work again within ${RESUME_LIMIT_MS / 1000} s of Redis returning`,
  profile: 'full',
  timeoutMs: 240_000,
  unavailable: async () => (await clusterSkipReason()) || null,
  async run(ctx) {
    const devicesN = ctx.profile === 'full' ? 150 : 60;
    const rate = devicesN * 2;
    const rig = await startClusterRig({ nodes: 3, leaseTtlMs: 3000 });
    ctx.defer(() => rig.close());
    const { devices, user } = await rig.nodes[0]!.call<{ devices: { id: string; secret: string }[]; user: { username: string; password: string } }>(
      'provision',
      { tenantId: TENANT, devices: devicesN },
      120_000,
    );
    const fleet = spawnClusterFleet({ url: `mqtt://127.0.0.1:${rig.haproxy.mqttPort}`, tenantId: TENANT, devices, rate, window: 20 });
    ctx.defer(() => fleet.kill());
    await fleet.ready;
    const [a, b, c] = rig.nodes as [(typeof rig.nodes)[0], (typeof rig.nodes)[0], (typeof rig.nodes)[0]];
    const watcher = await watchNode(b, user, []);
    ctx.defer(() => watcher.sock.close());
    await fleet.until((p) => p.acked >= rate * 2, 60_000);

    await rig.redis.kill();
    ctx.log('redis-server killed');
    await new Promise((r) => setTimeout(r, 2000));
    const ackedDuringOutage = fleet.progress().acked;
    await rig.redis.start();
    const back = Date.now();
    ctx.log('redis-server started again (empty)');

    // Realtime: an alarm raised on node C reaches the socket on node B again.
    let realtimeMs: number | null = null;
    for (let n = 1; Date.now() - back < RESUME_LIMIT_MS && realtimeMs === null; n++) {
      await c.call('raise', { tenantId: TENANT, title: `after-redis-${n}`, escalateAfterMs: 600_000 }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 500));
      if (watcher.alarms.some((t) => t.startsWith('after-redis-'))) realtimeMs = Date.now() - back;
    }

    // A command issued on node A reaches a device connected to node C.
    const where = await devicesByNode(rig.nodes, TENANT, devices.map((d) => d.id));
    const target = devices.find((d) => where.get(d.id) === c)?.id;
    let commandMs: number | null = null;
    let commandId = '';
    if (target) {
      const issuedAt = Date.now();
      commandId = (await a.call<{ commandId: string }>('command', { tenantId: TENANT, deviceId: target, name: 'after-redis' })).commandId;
      const before = fleet.progress().commandsReceived;
      commandMs = await fleet.until((p) => p.commandsReceived > before, RESUME_LIMIT_MS).then(
        () => Date.now() - issuedAt,
        () => null,
      );
    }
    const report = await fleet.finish();
    const { acked, lost } = await lostReadings(a, TENANT, report);
    const deliveries = target ? (report.commands[target] ?? []).filter((x) => x === commandId).length : 0;
    return {
      measured: lost.length,
      unit: 'readings',
      pass: lost.length === 0 && acked > 0 && realtimeMs !== null && commandMs !== null && deliveries === 1 && !watcher.disconnected(),
      evidence: {
        devices: devicesN,
        acknowledged: acked,
        acknowledgedBeforeRedisReturned: ackedDuringOutage,
        lost: lost.length,
        lostSample: lost.slice(0, 20),
        realtimeResumedMs: realtimeMs,
        crossNodeCommandMs: commandMs,
        crossNodeCommandDeliveries: deliveries,
        socketStayedConnected: !watcher.disconnected(),
        nodesAlive: rig.nodes.filter((n) => n.alive).length,
      },
    };
  },
};
