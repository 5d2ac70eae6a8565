// The per-broker state every module works on, created once by `startBroker` (./broker.ts) and
// passed explicitly: no module-level singletons, so two brokers in one process share nothing.
import type { Aedes, Client } from 'aedes';
import type { Logger } from '../logger.ts';
import type { DisconnectMatch } from './disconnect.ts';
import { createBrokerMetrics, type BrokerMetrics } from './metrics.ts';
import { mqttIdentity, type BrokerPrincipal } from './topics.ts';
import type { BrokerConfig, BrokerDeps, BrokerStats, DeviceIdentity, OfflineReason } from './types.ts';

/** What aedes hands back to an `authorizePublish` hook: null/undefined lets the packet through. */
export type PublishCallback = (error?: Error | null) => void;

/** One authenticated device connection. Created by ./authenticate.ts, moved online and offline
 *  by ./presence.ts, used by ./commands.ts for delivery. */
export interface DeviceSession {
  client: Client;
  identity: DeviceIdentity;
  /** QoS granted on the device's `commands/+` filter; null while not subscribed. */
  commandsQos: 0 | 1 | null;
  online: boolean;
  /** CONNACK sent and queued messages flushed: publishes may go to the device. */
  ready: boolean;
  offlineReason: OfflineReason | null;
  /** Set when a newer connection of the same device registered on another node (cluster mode). */
  replacedOn?: string;
  /** Packet ids of QoS 1 commands sent on this connection and not yet acknowledged by PUBACK;
   *  null until the first one (most connections never get a command: see `commandsOf`). */
  awaitingPuback: Map<number, string> | null;
  nextMessageId: number;
  /** Command ids already pushed on this connection (a re-subscribe does not resend them); null
   *  until the first one. */
  sentHere: Set<string> | null;
  delivering: boolean;
  deliverAgain: boolean;
}

export type BrokerCounts = Omit<BrokerStats, 'connected' | 'devicesOnline' | 'ingestPending'>;

export interface BrokerState {
  deps: BrokerDeps;
  cfg: BrokerConfig;
  log: Logger;
  metrics: BrokerMetrics;
  counts: BrokerCounts;
  /** Who each connection authenticated as (./authenticate.ts); absent means nothing is allowed. */
  principals: WeakMap<Client, BrokerPrincipal>;
  sessions: WeakMap<Client, DeviceSession>;
  /** Online devices by `keyOf(tenantId, deviceId)`. */
  online: Map<string, DeviceSession>;
  /** Payloads of refused messages: acknowledged, but never forwarded nor retained. */
  refusedPayloads: WeakSet<object>;
  /** Recent revocations, numbered (./disconnect.ts), and the number that was current when each
   *  client's authentication started: one revoked while it authenticated is closed once it is in. */
  revocations: { seq: number; recent: { seq: number; match: DisconnectMatch }[] };
  authStartedAt: WeakMap<Client, number>;
  stopping: boolean;
  /** Set by `startBroker` right after construction, before any hook can run. */
  aedes: Aedes | null;
  /** Runs a dependency's callback; a throw is logged, never allowed to take the broker down. */
  safe(what: string, fn: () => void): void;
  audit(...args: Parameters<BrokerDeps['audit']>): void;
}

/** A device's key in `online`: its MQTT identity, which is also its client id (./authenticate.ts
 *  admits a device only under that client id), so a session is filed under the client's own id
 *  string (`sessionKey`) and no copy of it is kept per connected device. */
export const keyOf = (tenantId: string, deviceId: string) => mqttIdentity(tenantId, deviceId);
export const sessionKey = (s: DeviceSession): string => s.client.id;

/** A session's command bookkeeping, made when its first command is sent: an empty Map and Set
 *  on every connection would cost a few hundred bytes per connected device for nothing. */
export function commandsOf(s: DeviceSession): { awaitingPuback: Map<number, string>; sentHere: Set<string> } {
  s.awaitingPuback ??= new Map();
  s.sentHere ??= new Set();
  return { awaitingPuback: s.awaitingPuback, sentHere: s.sentHere };
}

export function createBrokerState(deps: BrokerDeps): BrokerState {
  const log = deps.logger.child({ component: 'broker' });
  const safe = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      log.error({ err, what }, 'broker dependency threw');
    }
  };
  return {
    deps,
    cfg: deps.config,
    log,
    metrics: createBrokerMetrics(deps.metrics),
    counts: { accepted: 0, rejected: 0, denied: 0, authFailures: 0, commits: 0, commitFailures: 0 },
    principals: new WeakMap(),
    sessions: new WeakMap(),
    online: new Map(),
    refusedPayloads: new WeakSet(),
    revocations: { seq: 0, recent: [] },
    authStartedAt: new WeakMap(),
    stopping: false,
    aedes: null,
    safe,
    audit: (...args) => safe('audit', () => deps.audit(...args)),
  };
}

export function aedesOf(state: BrokerState): Aedes {
  if (!state.aedes) throw new Error('broker not started');
  return state.aedes;
}
