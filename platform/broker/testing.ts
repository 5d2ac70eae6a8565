// In-memory fakes of the broker's dependencies, for the broker's own tests and for anyone who
// needs a real broker without the rest of the platform. Synthetic ids only.
import { Registry } from 'prom-client';
import { z, type ZodType } from 'zod';
import { createLogger } from '../logger.ts';
import type {
  AcceptedMessage,
  AuditEvent,
  BrokerConfig,
  BrokerDeps,
  CommandAckStatus,
  DeviceIdentity,
  OfflineReason,
  CommandWire,
  ToolIdentity,
} from './types.ts';
import { mqttIdentity } from './topics.ts';

export interface FakeDevice extends DeviceIdentity {
  secret: string;
  revoked?: boolean;
}

/** Schemas of two made-up device kinds; any other kind has none (`unknown-kind`). */
export const FAKE_SCHEMAS: Record<string, { telemetry: ZodType; events: ZodType }> = {
  lamp: {
    telemetry: z.object({
      ts: z.number().int().optional(),
      powerState: z.enum(['on', 'off']),
      dimLevel: z.number().min(0).max(100),
    }),
    events: z.object({ type: z.enum(['fault', 'tamper']) }),
  },
  oximeter: {
    telemetry: z.object({ ts: z.number().int().optional(), spo2: z.number().min(50).max(100), pulse: z.number().min(20).max(250) }),
    events: z.object({ type: z.enum(['low-battery']) }),
  },
};

export interface FakeWorld {
  deps: BrokerDeps;
  registry: Registry;
  /** The "store": every committed reading, in commit order. */
  stored: AcceptedMessage[];
  commits: { tenantId: string; size: number; startedAt: number; endedAt: number; ok: boolean }[];
  accepted: AcceptedMessage[];
  audits: { scope: string; event: AuditEvent; limitKey?: string }[];
  presence: { kind: 'online' | 'offline'; deviceId: string; reason?: OfflineReason }[];
  commandEvents: { step: 'sent' | 'delivered' | 'acked'; commandId: string; status?: CommandAckStatus; detail?: string }[];
  /** Commands waiting per `tenant/device`, returned by `pendingFor` until acknowledged. */
  pending: Map<string, CommandWire[]>;
  /** Tunable commit behaviour. */
  commit: { delayMs: number; fail: boolean };
}

export function createFakeWorld(opts: {
  devices: FakeDevice[];
  tokens?: Record<string, ToolIdentity>;
  config?: Partial<BrokerConfig>;
}): FakeWorld {
  const registry = new Registry();
  // Devices are named `<tenant>/<device>` on MQTT, as on the platform.
  const byName = new Map(opts.devices.map((d) => [mqttIdentity(d.tenantId, d.deviceId), d]));
  const world: Omit<FakeWorld, 'deps'> = {
    registry,
    stored: [],
    commits: [],
    accepted: [],
    audits: [],
    presence: [],
    commandEvents: [],
    pending: new Map(),
    commit: { delayMs: 0, fail: false },
  };
  const deps: BrokerDeps = {
    config: {
      host: '127.0.0.1',
      port: 0,
      maxPayload: 1024,
      batchSize: 200,
      batchMs: 5,
      authThrottle: { maxFailures: 1000, windowMs: 60_000 },
      ...opts.config,
    },
    logger: createLogger('silent'),
    async authenticateDevice(name, secret) {
      const d = byName.get(name);
      if (!d || d.secret !== secret) return null;
      if (d.revoked) return 'revoked';
      return { tenantId: d.tenantId, deviceId: d.deviceId, kind: d.kind };
    },
    async authenticateToken(token) {
      return opts.tokens?.[token] ?? null;
    },
    isDeviceId: (clientId) => /^([a-z0-9][a-z0-9-]{0,63}\/)?[a-z0-9][a-z0-9-]{2,63}$/.test(clientId),
    schemas: {
      telemetry: (kind) => FAKE_SCHEMAS[kind]?.telemetry,
      events: (kind) => FAKE_SCHEMAS[kind]?.events,
    },
    async commit(tenantId, readings) {
      const startedAt = Date.now();
      if (world.commit.delayMs > 0) await new Promise((r) => setTimeout(r, world.commit.delayMs));
      const ok = !world.commit.fail;
      world.commits.push({ tenantId, size: readings.length, startedAt, endedAt: Date.now(), ok });
      if (!ok) throw new Error('store unavailable');
      world.stored.push(...readings);
    },
    accepted(readings) {
      world.accepted.push(...readings);
    },
    audit(scope, event, limitKey) {
      world.audits.push(limitKey === undefined ? { scope, event } : { scope, event, limitKey });
    },
    presence: {
      online: (id) => world.presence.push({ kind: 'online', deviceId: id.deviceId }),
      offline: (id, _at, reason) => world.presence.push({ kind: 'offline', deviceId: id.deviceId, reason }),
    },
    commands: {
      async pendingFor(id) {
        return [...(world.pending.get(`${id.tenantId}/${id.deviceId}`) ?? [])];
      },
      sent: (_t, commandId) => world.commandEvents.push({ step: 'sent', commandId }),
      delivered: (_t, commandId) => world.commandEvents.push({ step: 'delivered', commandId }),
      acked(id, commandId, status, detail) {
        world.commandEvents.push(detail === undefined ? { step: 'acked', commandId, status } : { step: 'acked', commandId, status, detail });
        const key = `${id.tenantId}/${id.deviceId}`;
        world.pending.set(key, (world.pending.get(key) ?? []).filter((c) => c.id !== commandId));
      },
    },
    metrics: registry,
  };
  return { ...world, deps };
}

/** Polls until `check` holds (or fails the test with `what` after `timeoutMs`). */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Current value of a labelled counter in a registry (0 when never incremented). */
export async function counterValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  const hit = values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return hit?.value ?? 0;
}
