// One cluster node as its own process, for the failure tests and scenarios (kill -9 must kill a
// real process): the platform from the environment like `npm start` (cluster settings included)
// with the probe pilot and the lighting pilot (on a pilot clock the test can move forward, the same
// on every node), shortened cluster timings from CLUSTER_* variables, and a JSON-line
// control channel on stdin so that the test can act on this node's services:
//   {"id":1,"op":"provision","tenantId":"t","devices":300}   → {"reply":1,"devices":[{id,secret}],"user":{username,password}}
//   {"id":2,"op":"raise","tenantId":"t","title":"x","escalateAfterMs":1500} → {"reply":2,"alarmId":"…"}
//   {"id":3,"op":"command","tenantId":"t","deviceId":"d","name":"ping"}      → {"reply":3,"commandId":"…"}
//   {"id":4,"op":"escalations","tenantId":"t"} · "verify" · "holder" · "online" (connected here) · "stored" · "commandStatus"
//   {"id":5,"op":"lightingProvision","tenantId":"l","lamps":6}  → {"reply":5,"lamps":["…"]}
//   {"id":6,"op":"lightingClock","offsetMs":60000}               (pilot clock = wall clock + offset)
//   {"id":7,"op":"lightingSchedule","tenantId":"l","steps":[{"time":"20:00","level":37}]}  (replaces the demo programme)
//   {"id":8,"op":"lightingSwitches","tenantId":"l"}               → {"reply":8,"switches":[{deviceId,level,createdAt}, …]}
// Prints {"ready":true,httpPort,mqttPort,nodeId} once listening.
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { loadConfig } from '../../platform/config.ts';
import { startPlatform } from '../../platform/server.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { createLightingPilot, PILOT_ID as LIGHTING } from '../../pilots/lighting/index.ts';
import { ScheduleBook } from '../../pilots/lighting/schedules.ts';
import { Inventory } from '../../pilots/lighting/inventory.ts';
import { probePilot } from './probe-pilot.ts';
import { asTenantId } from '../../platform/ids.ts';

const timings = z
  .object({
    CLUSTER_LEASE_TTL_MS: z.coerce.number().int().positive().optional(),
    CLUSTER_HEARTBEAT_MS: z.coerce.number().int().positive().optional(),
    CLUSTER_TICK_MS: z.coerce.number().int().positive().optional(),
  })
  .parse(process.env);

/** Moved by `lightingClock` on every node alike, so that a schedule step falls due when the test wants. */
let lightingOffsetMs = 0;
const lighting = createLightingPilot({ now: () => Date.now() + lightingOffsetMs, tickMs: 200, commsLossIntervals: 0, clusterRescanMs: 300 });

const config = loadConfig();
const platform = await startPlatform(config, {
  pilots: [probePilot, lighting],
  cluster: {
    ...(timings.CLUSTER_LEASE_TTL_MS ? { leaseTtlMs: timings.CLUSTER_LEASE_TTL_MS } : {}),
    ...(timings.CLUSTER_HEARTBEAT_MS ? { heartbeatMs: timings.CLUSTER_HEARTBEAT_MS } : {}),
    ...(timings.CLUSTER_TICK_MS ? { tickMs: timings.CLUSTER_TICK_MS } : {}),
  },
  // The failure tests drive many API calls from one principal; the limit is tested elsewhere.
  apiRateLimitPerMinute: 0,
});
const s = platform.services;

const op = z.discriminatedUnion('op', [
  z.object({ id: z.number(), op: z.literal('provision'), tenantId: z.string(), devices: z.number().int().min(1).max(10_000) }),
  z.object({ id: z.number(), op: z.literal('raise'), tenantId: z.string(), title: z.string(), escalateAfterMs: z.number().int().positive() }),
  z.object({ id: z.number(), op: z.literal('command'), tenantId: z.string(), deviceId: z.string(), name: z.string() }),
  z.object({ id: z.number(), op: z.literal('commandStatus'), tenantId: z.string(), commandIds: z.array(z.string()) }),
  z.object({ id: z.number(), op: z.literal('escalations'), tenantId: z.string() }),
  z.object({ id: z.number(), op: z.literal('verify'), tenantIds: z.array(z.string()) }),
  z.object({ id: z.number(), op: z.literal('holder') }),
  z.object({ id: z.number(), op: z.literal('online'), tenantId: z.string(), deviceIds: z.array(z.string()) }),
  z.object({ id: z.number(), op: z.literal('stored'), tenantId: z.string(), deviceIds: z.array(z.string()) }),
  z.object({ id: z.number(), op: z.literal('lightingProvision'), tenantId: z.string(), lamps: z.number().int().min(1).max(1000) }),
  z.object({ id: z.number(), op: z.literal('lightingClock'), offsetMs: z.number().int() }),
  z.object({ id: z.number(), op: z.literal('lightingSchedule'), tenantId: z.string(), steps: z.array(z.object({ time: z.string(), level: z.number() })).min(1) }),
  z.object({ id: z.number(), op: z.literal('lightingSwitches'), tenantId: z.string() }),
]);
type Op = z.infer<typeof op>;

const inTenant = <T>(tenantId: string, fn: () => Promise<T>) => runInTenant(systemContext('cluster-test', asTenantId(tenantId)), fn);

async function handle(o: Op): Promise<Record<string, unknown>> {
  switch (o.op) {
    case 'provision': {
      await s.tenants.create({ id: o.tenantId, name: 'Cluster test', pilots: [probePilot.id], quotas: { maxDevices: 10_000, ingestPerSecond: 1_000_000 } });
      const devices: { id: string; secret: string }[] = [];
      await inTenant(o.tenantId, async () => {
        for (let i = 0; i < o.devices; i++) {
          const id = `probe-${String(i).padStart(4, '0')}`;
          const { secret } = await s.devices.register({ id, tenantId: asTenantId(o.tenantId), kind: 'probe-sensor' });
          devices.push({ id, secret });
        }
      });
      const user = { username: `${o.tenantId}-watcher`, password: randomBytes(18).toString('base64url') };
      await s.users.create({ ...user, role: 'operator', tenantId: asTenantId(o.tenantId) });
      return { devices, user };
    }
    case 'raise': {
      const { alarm } = await inTenant(o.tenantId, () =>
        s.alarms.raise({ source: `device:${o.title}`, type: o.title, severity: 'major', title: o.title, escalateAfterMs: o.escalateAfterMs }),
      );
      return { alarmId: alarm.id };
    }
    case 'command': {
      const cmd = await inTenant(o.tenantId, () => s.commands.create({ deviceId: o.deviceId, name: o.name, payload: {}, ttlMs: 120_000 }));
      return { commandId: cmd.id };
    }
    case 'commandStatus': {
      const statuses: Record<string, string | null> = {};
      await inTenant(o.tenantId, async () => {
        for (const id of o.commandIds) statuses[id] = (await s.commands.get(id))?.status ?? null;
      });
      return { statuses };
    }
    case 'escalations': {
      const page = await inTenant(o.tenantId, () => s.audit.list({ action: 'alarm.escalation', limit: 1000 }));
      return { targets: page.entries.map((e) => e.target) };
    }
    case 'verify': {
      const verdicts: Record<string, boolean> = {};
      for (const t of o.tenantIds) verdicts[t] = (await s.audit.admin.verify(t)).ok;
      return { verdicts };
    }
    case 'holder':
      return { holder: platform.cluster?.deadlines.held() != null, scheduler: platform.pilotContext(LIGHTING).singleton('scheduler').held() };
    case 'lightingProvision': {
      await s.tenants.create({ id: o.tenantId, name: 'Cluster lighting', pilots: [LIGHTING], quotas: { maxDevices: 10_000, ingestPerSecond: 100_000 } });
      const seeded = await inTenant(o.tenantId, () => platform.pilotInstance(LIGHTING).seedDemo!({ seed: 7, size: o.lamps }));
      return { lamps: seeded.devices.filter((d) => d.kind === 'lamp').map((d) => d.id) };
    }
    case 'lightingClock':
      lightingOffsetMs = o.offsetMs;
      return {};
    case 'lightingSchedule': {
      // Written to the store as the schedule route would; the scheduler's holder applies it at its next re-read.
      await inTenant(o.tenantId, async () => {
        const records = await platform.pilotContext(LIGHTING).records();
        const book = await ScheduleBook.load(records);
        const inventory = await Inventory.load(records);
        const [demo] = book.schedules.values();
        if (!demo) throw new Error(`${o.tenantId} has no schedule to replace`);
        const steps = o.steps.map((st) => ({ at: { kind: 'fixed' as const, time: st.time }, level: st.level }));
        await book.saveSchedule(records, { ...demo, steps, exceptions: [] }, new Set(inventory.groups.keys()));
      });
      return {};
    }
    case 'lightingSwitches': {
      const list = await inTenant(o.tenantId, () => s.commands.list({ limit: 10_000 }));
      return { switches: list.filter((c) => c.name === 'switch').map((c) => ({ deviceId: c.deviceId, level: (c.payload as { level?: number }).level, createdAt: c.createdAt })) };
    }
    case 'online':
      // Connected to this node's broker: the platform's isOnline is cluster-wide presence, true on
      // every node for a device connected anywhere.
      return { online: o.deviceIds.filter((d) => platform.ingest.broker.isOnline(o.tenantId, d)) };
    case 'stored': {
      // The sequence number of every stored reading, per device (the fleet puts it in `note`).
      const stored: Record<string, number[]> = {};
      await inTenant(o.tenantId, async () => {
        for (const d of o.deviceIds) {
          const points = await s.series.range<{ note?: string }>(d, { limit: 1_000_000 });
          stored[d] = points.map((p) => Number(p.data.note));
        }
      });
      return { stored };
    }
  }
}

const out = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');
out({ ready: true, httpPort: platform.httpPort, mqttPort: platform.mqttPort, nodeId: config.cluster?.nodeId ?? null });

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let parsed: Op;
  try {
    parsed = op.parse(JSON.parse(line));
  } catch (err) {
    out({ reply: -1, error: (err as Error).message.slice(0, 300) });
    return;
  }
  handle(parsed).then(
    (r) => out({ reply: parsed.id, ...r }),
    (err: unknown) => out({ reply: parsed.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
// Orphaned (the test runner died): stdin closes, and the node goes.
rl.on('close', () => void platform.stop().then(() => process.exit(0)));
process.once('SIGTERM', () => void platform.stop().then(() => process.exit(0)));
