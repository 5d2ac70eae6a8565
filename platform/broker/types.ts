// The broker's injected dependencies. The broker knows nothing of identity, storage, keys, audit
// or services: the composition root (platform/server.ts) adapts the real services to these small
// interfaces, and the tests use in-memory fakes (./testing.ts).
import type { Registry } from 'prom-client';
import type { ZodType } from 'zod';
import type { AuditEvent } from '../audit/log.ts';
import type { DeviceIdentity } from '../identity/devices.ts';
import type { Logger } from '../logger.ts';

// The one device identity (platform/identity/devices.ts); a type only, the broker stays free of the registry.
export type { DeviceIdentity } from '../identity/devices.ts';

/** An operator tool authenticated with a scoped token: read-only, within one tenant. */
export interface ToolIdentity {
  tenantId: string;
  /** Non-personal handle for audit entries. */
  label: string;
  /** The user the token acts for: their tools are disconnected when they are disabled. */
  owner?: string;
  /** Which token it connected with: revoking the token disconnects it. */
  tokenId?: string;
  /** Topic filters the token allows subscribing to, each under `tenants/{tenantId}/`. */
  topics: string[];
}

export type ReadingFamily = 'telemetry' | 'events';

/** A validated reading, handed to `commit` and then to `accepted`. */
export interface AcceptedMessage {
  /** Unique id of the reading (a time-ordered UUIDv7): a QoS 1 retry after a lost PUBACK gets a new one. */
  id: string;
  tenantId: string;
  deviceId: string;
  kind: string;
  family: ReadingFamily;
  /** When the reading was taken (epoch ms): the payload's `ts` when present and believable (see
   *  `BrokerConfig.clock`), else `receivedAt`. */
  ts: number;
  receivedAt: number;
  /** The payload as parsed by the pilot's schema. */
  data: Record<string, unknown>;
}

/** The wire shape of a command, sent as JSON on `tenants/{t}/devices/{d}/commands/{id}`
 *  (platform/ingest.ts `toCommandWire` maps the command service's `OutgoingCommand` to it). */
export interface CommandWire {
  /** Must be a valid topic level (no `/`, `+`, `#`); a UUID in practice. */
  id: string;
  name: string;
  params?: Record<string, unknown>;
  issuedAt: number;
  expiresAt?: number;
}

export type CommandAckStatus = 'accepted' | 'done' | 'failed';

// The one audit event shape (platform/audit/log.ts); a type only, the broker stays free of the log.
export type { AuditEvent } from '../audit/log.ts';

export type OfflineReason =
  | 'disconnect'
  | 'connection-lost'
  | 'keepalive-timeout'
  | 'error'
  | 'takeover'
  | 'shutdown'
  /** Credentials revoked or rotated, tenant suspended: closed by the platform (./broker.ts `disconnect`). */
  | 'revoked';

/** How far the platform trusts a device's clock (docs/security.md "Device clocks"). */
export interface ClockBounds {
  /** A device time more than this ahead of the receive time is not believed. */
  maxSkewMs: number;
  /** A device time more than this before the receive time is not believed either. */
  maxAgeMs: number;
}

export interface BrokerConfig {
  host: string;
  /** 0 picks a free port; the bound port is on the returned broker. */
  port: number;
  /** Largest telemetry/event payload in bytes. */
  maxPayload: number;
  /** `cert`/`key` are PEM text or paths to PEM files. */
  tls?: { cert: string; key: string; port: number };
  /** Group commit: flush after this many readings or this many milliseconds. */
  batchSize: number;
  batchMs: number;
  /** Device times outside these bounds are replaced by the receive time, flagged, counted, audited
   *  and explained to the device. Absent: every device time is believed (broker unit tests). */
  clock?: ClockBounds;
  /** Failed CONNECTs per client address before that address's further failures are answered
   *  with CONNACK 3 after a growing delay; valid credentials are never refused (./throttle.ts). */
  authThrottle?: { maxFailures: number; windowMs: number; maxDelayMs?: number };
  /** Disconnect a subscriber whose socket does not drain within this time (default 30 s). */
  drainTimeoutMs?: number;
  /** Close connections that send no CONNECT within this time (default 10 s). */
  connectTimeoutMs?: number;
  /** Messages in flight in the broker's emitter (default 1000, sized for ~1000 clients). */
  concurrency?: number;
}

export interface BrokerDeps {
  config: BrokerConfig;
  logger: Logger;
  /** Verifies a device's own secret; `name` is its MQTT identity `<tenant>/<device>`.
   *  `'revoked'`: known device whose credentials were revoked. */
  authenticateDevice(name: string, secret: string): Promise<DeviceIdentity | 'revoked' | null>;
  /** Verifies a device's client certificate (DER) presented over TLS instead of a secret; `name`
   *  is its MQTT identity `<tenant>/<device>`. A refusal names why (audited). */
  authenticateCertificate?(name: string, certificate: Buffer): Promise<DeviceIdentity | { refused: string }>;
  /** Operator tools connect with username `token` and a scoped token as password. */
  authenticateToken?(token: string): Promise<ToolIdentity | null>;
  /** Whether a client id is in the devices' namespace (its shape only, no look-up): tools may
   *  not use such ids, so a tool can never hold or squat a device's client id. */
  isDeviceId(clientId: string): boolean;
  /** Keyed hash of a peer address for audit entries: the address itself is personal data. */
  hashAddress?(address: string): string;
  schemas: {
    telemetry(kind: string): ZodType | undefined;
    events(kind: string): ZodType | undefined;
  };
  /** Seals and durably writes one batch of one tenant; resolves only once it is durable. */
  commit(tenantId: string, readings: AcceptedMessage[]): Promise<void>;
  /** Called after the PUBACKs of a committed batch were sent (pilot rules, realtime). */
  accepted(readings: AcceptedMessage[]): void;
  /** Fire-and-forget; entries with a `limitKey` are rate-limited by the audit service. */
  audit(scope: string, event: AuditEvent, limitKey?: string): void;
  presence: {
    online(id: DeviceIdentity, at: number): void;
    offline(id: DeviceIdentity, at: number, reason: OfflineReason): void;
  };
  commands: {
    /** Commands still to deliver to this device, oldest first. */
    pendingFor(id: DeviceIdentity): Promise<CommandWire[]>;
    sent(tenantId: string, commandId: string): void;
    /** The device's PUBACK for the command arrived. */
    delivered(tenantId: string, commandId: string): void;
    acked(id: DeviceIdentity, commandId: string, status: CommandAckStatus, detail?: string): void;
  };
  metrics: Registry;
  /** Cluster mode: the aedes ecosystem's shared emitter (mqemitter-redis) and persistence
   *  (aedes-persistence-redis), made by platform/cluster/shared-broker.ts. Routing, client ids and
   *  persistent sessions then span the nodes; `brokerId` names this node on the emitter. */
  shared?: SharedBrokerParts;
  /** Counts failed CONNECTs per address across the cluster (platform/cluster/redis-limits.ts);
   *  absent, the broker counts them in memory (./throttle.ts). */
  connectFailures?: FailureCounter;
}

/** Failures per key inside a fixed window from the key's first failure. */
export interface FailureCounter {
  /** Records one failure; resolves to the key's failures in its window, this one included. */
  fail(key: string): Promise<number>;
}

export interface SharedBrokerParts {
  brokerId: string;
  /** An mqemitter (aedes' `mq` option); the broker closes it when it stops. */
  mq: unknown;
  /** An aedes persistence with an async `setup` (aedes' `persistence` option). */
  persistence: unknown;
}

export interface BrokerStats {
  connected: number;
  devicesOnline: number;
  accepted: number;
  rejected: number;
  denied: number;
  authFailures: number;
  commits: number;
  commitFailures: number;
  /** Readings waiting for, or inside, a commit. */
  ingestPending: number;
}
