// Glue between the broker (platform/broker, which knows nothing of services) and the platform:
// device authentication from the registry, the pilots' schemas, sealing + group commit through
// the series service, pilot gates (e.g. consent) and rules, presence, and command delivery.
import type { Server as HttpServer } from 'node:http';
import { startBroker, type Broker } from './broker/index.ts';
import { brokerIdentityDeps, closeRevokedConnections } from './broker-identity.ts';
import type { AcceptedMessage, CommandWire, DeviceIdentity, FailureCounter, SharedBrokerParts } from './broker/types.ts';
import type { Config } from './config.ts';
import type { AcceptedReading, Pilot, PilotInstance } from './pilot.ts';
import type { PlatformServices } from './services/index.ts';
import type { OutgoingCommand } from './services/commands.ts';
import type { Reading } from './services/series.ts';
import { storedReadingData } from './reading-data.ts';
import { asTenantId, type TenantId } from './ids.ts';
import { runInTenant, systemPrincipal, type Principal } from './tenancy/context.ts';
import type { ZodType } from 'zod';
import { Counter } from 'prom-client';
import { localIngestQuota, type IngestQuota } from './tenancy/ingest-quota.ts';

/** Longest a batch may wait for its tenant's quota before its readings are refused. */
const MAX_QUOTA_WAIT_MS = 5_000;

export interface Ingest {
  port: number;
  broker: Broker;
  ready(): boolean;
  isOnline(tenantId: string, deviceId: string): boolean;
  lastSeen(tenantId: string, deviceId: string): number | null;
  stop(): Promise<void>;
}

export interface IngestOptions {
  config: Config;
  services: PlatformServices;
  pilots: Pilot[];
  /** The running pilots by id, read at each use (a pilot's hooks are looked up, never cached). */
  instances: Map<string, PilotInstance>;
  http: HttpServer;
  /** Cluster mode (platform/cluster/): the shared broker parts, presence across nodes, and the
   *  connect throttle and ingest quota counted in Redis. */
  cluster?: IngestCluster;
}

export interface IngestCluster {
  shared: SharedBrokerParts;
  presence: {
    online(tenantId: string, deviceId: string, at: number): void;
    offline(tenantId: string, deviceId: string, at: number, lastSeen: number): void;
    isOnline(tenantId: string, deviceId: string): boolean;
    lastSeen(tenantId: string, deviceId: string): number | null;
  };
  connectFailures: FailureCounter;
  quota: IngestQuota;
}

/** The one mapping from a command awaiting delivery to what the device receives. */
export const toCommandWire = (c: OutgoingCommand, issuedAt: number): CommandWire => ({
  id: c.id,
  name: c.name,
  params: c.payload,
  issuedAt,
  expiresAt: c.expiresAt,
});

const devicePrincipal = (deviceId: string) => (tenantId: TenantId): Principal => ({
  kind: 'device',
  id: deviceId,
  tenantId,
  label: `device:${deviceId}`,
});
const system = (component: string) => (tenantId: TenantId) => systemPrincipal(component, tenantId);

// size: the broker's dependency table, one entry per hook, built in one place so the wiring reads top to bottom; the helpers it calls are inner functions held to the limit
export async function startIngest({ config, services: s, pilots, instances, http, cluster }: IngestOptions): Promise<Ingest> {
  const kinds = new Map<string, { pilot: Pilot; telemetry: ZodType; events?: ZodType }>();
  for (const p of pilots) {
    for (const k of p.deviceKinds) {
      kinds.set(k.kind, { pilot: p, telemetry: k.telemetry, ...(k.events ? { events: k.events } : {}) });
    }
  }
  // Last seen per tenant, then per device id: keyed by the ids themselves, so no joined key
  // string is made per reading nor kept per device.
  const lastSeen = new Map<string, Map<string, number>>();
  const seen = (t: string, d: string, at: number) => {
    let devices = lastSeen.get(t);
    if (!devices) lastSeen.set(t, (devices = new Map()));
    devices.set(d, at);
  };
  const seenAt = (t: string, d: string): number | null => lastSeen.get(t)?.get(d) ?? null;

  let broker: Broker | undefined;
  // Per node, or counted across the cluster in Redis (platform/cluster/redis-limits.ts).
  const quota = cluster?.quota ?? localIngestQuota();
  // The broker's identities were checked by parseMqttIdentity and travel as plain strings through
  // its hooks: branded again here, where each context is made.
  const inTenant = <T>(tenantId: string, principal: (t: TenantId) => Principal, fn: () => Promise<T>) => {
    const t = asTenantId(tenantId);
    return runInTenant({ tenantId: t, principal: principal(t) }, fn);
  };
  // Subjects are looked up per device when a batch commits (the registry caches devices), as the
  // tenant's ingest system principal.
  const subjectOf = (tenantId: string, deviceId: string) =>
    inTenant(tenantId, system('ingest'), async () => (await s.devices.get(deviceId))?.subject ?? null);
  /** The data subject of each device of a batch, looked up once per device, in one tenant
   *  context for the whole batch rather than one per reading. */
  const subjectsOf = (tenantId: string, messages: readonly AcceptedMessage[]) =>
    inTenant(tenantId, system('ingest'), async () => {
      const subjects = new Map<string, string | null>();
      for (const m of messages) if (!subjects.has(m.deviceId)) subjects.set(m.deviceId, (await s.devices.get(m.deviceId))?.subject ?? null);
      return subjects;
    });

  broker = await startBroker({
    config: {
      host: config.mqtt.host,
      port: config.mqtt.port,
      maxPayload: config.mqtt.maxPayload,
      ...(config.mqtt.tls ? { tls: config.mqtt.tls } : {}),
      batchSize: config.ingest.batchSize,
      batchMs: config.ingest.batchMs,
      clock: config.deviceClock,
    },
    ...(cluster ? { shared: cluster.shared, connectFailures: cluster.connectFailures } : {}),
    logger: s.logger, // the broker names itself (component: 'broker')
    authenticateDevice: async (deviceId, secret) => {
      const r = await s.devices.authenticate(deviceId, secret);
      if (!r || r === 'revoked') return r;
      const tenant = await s.tenants.get(r.tenantId);
      if (!tenant || tenant.status !== 'active') return 'revoked';
      return r;
    },
    ...(await brokerIdentityDeps(s)),
    schemas: {
      telemetry: (kind) => kinds.get(kind)?.telemetry,
      events: (kind) => kinds.get(kind)?.events,
    },
    commit: async (tenantId, batch) => {
      const readings: Reading[] = [];
      // Tenant quota: one tenant's fleet cannot starve the others. Over it, the batch waits for
      // its tokens (its PUBACKs come later, which slows QoS1 devices down); only a backlog of
      // more than MAX_QUOTA_WAIT_MS is refused.
      const rate = (await s.tenants.get(tenantId))?.quotas.ingestPerSecond ?? Number.MAX_SAFE_INTEGER;
      if (!(await quota.take(tenantId, rate, batch.length, MAX_QUOTA_WAIT_MS))) {
        for (const m of batch) refused(m, 'quota-exceeded');
        return;
      }
      const subjects = await subjectsOf(tenantId, batch);
      for (const m of batch) {
        const subject = subjects.get(m.deviceId) ?? null;
        const pilot = kinds.get(m.kind)?.pilot;
        const gate = pilot && instances.get(pilot.id)?.gate;
        if (gate) {
          const verdict = await inTenant(tenantId, devicePrincipal(m.deviceId), () =>
            gate({ tenantId, deviceId: m.deviceId, kind: m.kind, family: m.family, subject, ts: m.ts, data: m.data }),
          );
          if (!verdict.allow) {
            refused(m, verdict.reason);
            continue;
          }
        }
        readings.push({
          series: m.family === 'events' ? `${m.deviceId}#events` : m.deviceId,
          id: m.id,
          ts: m.ts,
          subject,
          data: storedReadingData(m.data, { kind: m.kind, receivedAt: m.receivedAt }),
        });
      }
      if (readings.length === 0) return;
      await inTenant(tenantId, system('ingest'), () => s.series.append(readings));
    },
    accepted: (batch) => {
      const byTenant = new Map<string, AcceptedMessage[]>();
      for (const m of batch) {
        if (refusedIds.delete(m.id)) continue;
        seen(m.tenantId, m.deviceId, m.receivedAt);
        let list = byTenant.get(m.tenantId);
        if (!list) byTenant.set(m.tenantId, (list = []));
        list.push(m);
      }
      for (const [tenantId, list] of byTenant) void dispatch(tenantId, list);
    },
    audit: (scope, event, limitKey) => {
      if (limitKey) s.audit.recordLimited(scope, limitKey, event);
      else void s.audit.record(scope, event).catch((err: unknown) => s.logger.error({ err }, 'audit failed'));
    },
    presence: {
      online: (id, at) => {
        seen(id.tenantId, id.deviceId, at);
        cluster?.presence.online(id.tenantId, id.deviceId, at);
        s.bus.publish({ tenantId: id.tenantId, type: 'presence', payload: { deviceId: id.deviceId, online: true, at } });
        void presenceHook(id, true, at);
      },
      offline: (id, at, reason) => {
        cluster?.presence.offline(id.tenantId, id.deviceId, at, seenAt(id.tenantId, id.deviceId) ?? at);
        s.bus.publish({ tenantId: id.tenantId, type: 'presence', payload: { deviceId: id.deviceId, online: false, at, reason } });
        void presenceHook(id, false, at);
      },
    },
    commands: {
      pendingFor: (id) =>
        inTenant(id.tenantId, devicePrincipal(id.deviceId), async () =>
          (await s.commands.pendingFor(id.deviceId)).map((c) => toCommandWire(c, Date.now())),
        ),
      sent: (tenantId, commandId) => void transition(tenantId, system('broker'), commandId, 'sent'),
      delivered: (tenantId, commandId) => void transition(tenantId, system('broker'), commandId, 'delivered'),
      acked: (id, commandId, status, detail) => void transition(id.tenantId, devicePrincipal(id.deviceId), commandId, status, detail),
    },
    metrics: s.metrics,
  });
  broker.attachWebSocket(http, '/mqtt');
  const stopRevoking = closeRevokedConnections(s, broker);

  s.commands.setDeliverer(async (tenantId, deviceId, c) =>
    broker!.deliver(tenantId, deviceId, toCommandWire(c, Date.now())),
  );

  const refusedIds = new Set<string>();
  const refusedCounter = new Counter({
    name: 'custodia_ingest_refused_total',
    help: 'Valid readings acknowledged but not stored: refused by a pilot gate (e.g. no consent) or over the tenant quota',
    labelNames: ['tenant', 'reason'],
    registers: [s.metrics],
  });
  function refused(m: AcceptedMessage, reason: string) {
    refusedIds.add(m.id);
    refusedCounter.inc({ tenant: m.tenantId, reason });
    broker?.tellDevice(m.tenantId, m.deviceId, { topic: m.family, reason: 'refused', detail: reason });
    s.audit.recordLimited(m.tenantId, `refused:${m.deviceId}:${reason}`, {
      actor: `device:${m.deviceId}`,
      action: 'ingest.refused',
      target: `device:${m.deviceId}`,
      outcome: 'denied',
      details: { reason },
    });
  }

  async function transition(tenantId: string, principal: (t: TenantId) => Principal, commandId: string, status: 'sent' | 'delivered' | 'accepted' | 'done' | 'failed', detail?: string) {
    try {
      await inTenant(tenantId, principal, () => s.commands.transition(commandId, status, detail));
    } catch (err) {
      s.logger.warn({ err, commandId, status }, 'command transition refused');
    }
  }

  async function dispatch(tenantId: string, list: AcceptedMessage[]) {
    const subjects = await subjectsOf(tenantId, list);
    const readings = list.map((m) => ({
      tenantId,
      deviceId: m.deviceId,
      kind: m.kind,
      family: m.family,
      subject: subjects.get(m.deviceId) ?? null,
      id: m.id,
      ts: m.ts,
      receivedAt: m.receivedAt,
      data: m.data,
    }) as AcceptedReading);
    for (const r of readings) {
      s.bus.publish({ tenantId, type: 'reading', room: `device:${r.deviceId}`, batch: true, payload: { deviceId: r.deviceId, kind: r.kind, family: r.family, ts: r.ts, data: r.data } });
    }
    for (const p of pilots) {
      const instance = instances.get(p.id);
      if (!instance?.onReadings) continue;
      const mine = readings.filter((r) => kinds.get(r.kind)?.pilot === p);
      if (!mine.length) continue;
      try {
        await inTenant(tenantId, system(p.id), () => instance.onReadings!(mine));
      } catch (err) {
        s.logger.error({ err, pilot: p.id }, 'pilot rules failed');
      }
    }
  }

  async function presenceHook(id: DeviceIdentity, online: boolean, at: number) {
    const pilot = kinds.get(id.kind)?.pilot;
    const instance = pilot && instances.get(pilot.id);
    if (!pilot || !instance?.onPresence) return;
    try {
      const subject = await subjectOf(id.tenantId, id.deviceId);
      await inTenant(id.tenantId, system(pilot.id), () => instance.onPresence!({ ...id, subject }, online, at));
    } catch (err) {
      s.logger.error({ err, pilot: pilot.id }, 'presence hook failed');
    }
  }

  return {
    port: broker.port,
    broker,
    ready: () => Boolean(broker?.accepting()),
    // Cluster mode: a device online on any node is online; otherwise the latest last-seen known.
    isOnline: (t, d) => (broker?.isOnline(t, d) ?? false) || (cluster?.presence.isOnline(t, d) ?? false),
    lastSeen: (t, d) => {
      if (broker?.isOnline(t, d)) return Date.now();
      const here = seenAt(t, d);
      const anywhere = cluster?.presence.lastSeen(t, d) ?? null;
      return here === null ? anywhere : anywhere === null ? here : Math.max(here, anywhere);
    },
    stop: async () => {
      stopRevoking();
      await broker?.stop();
    },
  };
}
