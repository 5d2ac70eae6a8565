// The device-connectivity layer: an embedded aedes broker on TCP (and TLS, and WebSocket on the
// platform's HTTP server) that authenticates devices with their own credentials, confines each
// to its topic prefix, validates what it publishes, and acknowledges a reading only once it is
// durably committed (DESIGN.md "Data path of one reading"). Pending commands are pushed to a
// device when it subscribes to its commands topic.
//
// Extension points of aedes used here, all set in `startBroker`:
//   preConnect / authenticate   → credentials, client id, throttling
//   authorizeSubscribe          → topic ACL (./topics.ts), refused as SUBACK 0x80
//   authorizePublish            → topic ACL, then one handler per topic family; the callback is
//                                 held until the group commit, which is what delays the PUBACK
//   authorizeForward            → last check before anything reaches a subscriber
import { uuidv7 } from '../ids.ts';
import type { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AedesOptions, type Client, type PublishPacket } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { PLATFORM_SCOPE } from '../storage/port.ts';
import { createGroupCommitter } from './group-commit.ts';
import { checkCommandAck, checkReading, checkStatus, readingTime, type RejectReason } from './ingest.ts';
import { createBrokerMetrics } from './metrics.ts';
import { createFailureThrottle } from './throttle.ts';
import {
  authorizePublishTopic,
  authorizeSubscribeTopic,
  authorizeToolSubscribe,
  commandTopic,
  commandsFilter,
  errorsTopic,
  isTopicLevel,
  mayForward,
  parseDeviceTopic,
  type BrokerPrincipal,
  type TopicFamily,
} from './topics.ts';
import type {
  AcceptedMessage,
  BrokerDeps,
  BrokerStats,
  DeviceIdentity,
  OfflineReason,
  OutgoingCommand,
  ReadingFamily,
  ToolIdentity,
} from './types.ts';

/** Username with which an operator tool presents a scoped token instead of device credentials. */
export const TOKEN_USERNAME = 'token';

export interface Broker {
  aedes: Aedes;
  /** Bound TCP port (useful with port 0). */
  port: number;
  /** Bound TLS port, or null when TLS is not configured. */
  tlsPort: number | null;
  /** Serves MQTT over WebSocket on `path` of an HTTP server; returns a detach function. */
  attachWebSocket(server: HttpServer, path?: string): () => void;
  /** Publishes a command to the device when it is online and subscribed; false otherwise. */
  deliver(tenantId: string, deviceId: string, command: OutgoingCommand): Promise<boolean>;
  isOnline(tenantId: string, deviceId: string): boolean;
  /** Tells a device on its `…/errors` topic why something it sent was refused (QoS 0). */
  tellDevice(tenantId: string, deviceId: string, notice: { topic: string; reason: string; detail: string }): void;
  stats(): BrokerStats;
  stop(): Promise<void>;
}

// CONNACK return codes, MQTT 3.1.1 section 3.2.2.3 (table 3.1).
const RC = { identifierRejected: 2, serverUnavailable: 3, badCredentials: 4, notAuthorized: 5 } as const;

type AuthenticateHandler = NonNullable<AedesOptions['authenticate']>;
type AuthError = NonNullable<Parameters<Parameters<AuthenticateHandler>[3]>[0]>;
type PublishCallback = (error?: Error | null) => void;

interface DeviceSession {
  client: Client;
  identity: DeviceIdentity;
  /** QoS granted on the device's `commands/+` filter; null while not subscribed. */
  commandsQos: 0 | 1 | null;
  online: boolean;
  /** CONNACK sent and queued messages flushed: publishes may go to the device. */
  ready: boolean;
  offlineReason: OfflineReason | null;
  /** Packet ids of QoS 1 commands sent on this connection and not yet acknowledged by PUBACK. */
  awaitingPuback: Map<number, string>;
  nextMessageId: number;
  /** Command ids already pushed on this connection (a re-subscribe does not resend them). */
  sentHere: Set<string>;
  delivering: boolean;
  deliverAgain: boolean;
}

const keyOf = (tenantId: string, deviceId: string) => `${tenantId}/${deviceId}`;
const noop = () => {};

function pem(value: string): string {
  return value.includes('-----BEGIN') ? value : readFileSync(value, 'utf8');
}

function listen(server: NetServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startBroker(deps: BrokerDeps): Promise<Broker> {
  const cfg = deps.config;
  const log = deps.logger.child({ component: 'broker' });
  const metrics = createBrokerMetrics(deps.metrics);
  const throttle = createFailureThrottle(cfg.authThrottle ?? { maxFailures: 5, windowMs: 60_000 });
  const counts = { accepted: 0, rejected: 0, denied: 0, authFailures: 0, commits: 0, commitFailures: 0 };

  const principals = new WeakMap<Client, BrokerPrincipal>();
  const sessions = new WeakMap<Client, DeviceSession>();
  const online = new Map<string, DeviceSession>();
  /** Payloads of refused messages: acknowledged, but never forwarded nor retained. */
  const refusedPayloads = new WeakSet<object>();
  const connections = new Set<Duplex>();
  let stopping = false;

  const safe = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      log.error({ err, what }, 'broker dependency threw');
    }
  };
  const audit = (...args: Parameters<BrokerDeps['audit']>) => safe('audit', () => deps.audit(...args));

  // ---- group commit: PUBACK only after the batch holding the reading is durable (promise 3)
  const committer = createGroupCommitter<AcceptedMessage>({
    batchSize: cfg.batchSize,
    batchMs: cfg.batchMs,
    commit: (tenantId, readings) => deps.commit(tenantId, readings),
    onBatch: ({ key, size, durationMs, ok }) => {
      counts.commits++;
      metrics.batchSize.observe(size);
      metrics.commitSeconds.observe(durationMs / 1000);
      if (!ok) {
        counts.commitFailures++;
        metrics.commitFailures.inc({ tenant: key });
      }
    },
  });

  // `accepted` runs after the PUBACKs were written: they are written synchronously by the
  // publish callbacks, and this flush waits for the next turn of the event loop.
  let acceptedQueue: AcceptedMessage[] = [];
  let acceptedTimer: NodeJS.Immediate | null = null;
  const flushAccepted = () => {
    if (acceptedTimer) clearImmediate(acceptedTimer);
    acceptedTimer = null;
    const all = acceptedQueue;
    acceptedQueue = [];
    const byTenant = new Map<string, AcceptedMessage[]>();
    for (const m of all) {
      const list = byTenant.get(m.tenantId);
      if (list) list.push(m);
      else byTenant.set(m.tenantId, [m]);
    }
    for (const list of byTenant.values()) safe('accepted', () => deps.accepted(list));
  };
  const queueAccepted = (m: AcceptedMessage) => {
    acceptedQueue.push(m);
    acceptedTimer ??= setImmediate(flushAccepted);
  };

  // ---- authentication -------------------------------------------------------------------------
  const remoteAddress = (client: Client): string =>
    client.req?.socket.remoteAddress ?? (client.conn as { remoteAddress?: string }).remoteAddress ?? 'unknown';

  const clientsById = () => (aedes as unknown as { clients: Record<string, Client | undefined> }).clients;

  /** A client id may be taken over (MQTT-3.1.4-2) only by the same principal reconnecting. */
  const takeoverAllowed = (clientId: string, next: BrokerPrincipal): boolean => {
    const existing = clientsById()[clientId];
    const prev = existing ? principals.get(existing) : undefined;
    if (!existing || !prev) return true;
    if (prev.kind === 'device' && next.kind === 'device') {
      return prev.identity.tenantId === next.identity.tenantId && prev.identity.deviceId === next.identity.deviceId;
    }
    if (prev.kind === 'tool' && next.kind === 'tool') {
      return prev.tool.tenantId === next.tool.tenantId && prev.tool.label === next.tool.label;
    }
    return false;
  };

  const refuse = (
    reason: string,
    code: number,
    claimed: string,
    address: string,
    countKeys: string[],
  ): AuthError => {
    counts.authFailures++;
    metrics.authFailures.inc({ reason });
    const now = Date.now();
    for (const k of countKeys) throttle.fail(k, now);
    audit(
      PLATFORM_SCOPE,
      {
        actor: claimed ? `mqtt:${claimed}` : 'mqtt:anonymous',
        action: 'mqtt.connect',
        target: 'mqtt',
        outcome: 'failure',
        details: { reason, address, returnCode: code },
      },
      `mqtt-auth:${address}`,
    );
    const err = new Error(`connection refused: ${reason}`) as Error & { returnCode: number };
    err.returnCode = code;
    return err as unknown as AuthError;
  };

  async function checkCredentials(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<true | AuthError> {
    const now = Date.now();
    const address = remoteAddress(client);
    const claimed = (username ?? '').slice(0, 128);
    const addrKey = `addr:${address}`;
    const idKey = `id:${claimed}`;
    const isTool = claimed === TOKEN_USERNAME;
    // Throttled keys are refused before any secret is checked. MQTT 3.1.1 has no "too many
    // attempts" code; 3 (server unavailable) is the closest and tells a device to back off.
    if (throttle.isBlocked(addrKey, now) || (!isTool && claimed && throttle.isBlocked(idKey, now))) {
      return refuse('throttled', RC.serverUnavailable, claimed, address, []);
    }
    const failKeys = isTool || !claimed ? [addrKey] : [addrKey, idKey];
    if (!claimed || !password || password.length === 0) {
      return refuse('missing-credentials', RC.badCredentials, claimed, address, failKeys);
    }
    const secret = password.toString('utf8');

    if (isTool) {
      const tool: ToolIdentity | null = deps.authenticateToken ? await deps.authenticateToken(secret) : null;
      if (!tool || !isTopicLevel(tool.tenantId)) {
        return refuse('bad-token', RC.badCredentials, claimed, address, failKeys);
      }
      const principal: BrokerPrincipal = { kind: 'tool', tool };
      if (!takeoverAllowed(client.id, principal)) {
        return refuse('client-id-in-use', RC.identifierRejected, claimed, address, []);
      }
      principals.set(client, principal);
      audit(tool.tenantId, {
        actor: tool.label,
        action: 'mqtt.connect',
        target: 'mqtt',
        outcome: 'success',
        details: { address, clientId: client.id },
      });
      return true;
    }

    // The client id is the device id: one session per device, and a device cannot take over
    // another's session by reusing its client id. Checked before the secret (no oracle).
    if (client.id !== claimed) return refuse('client-id-mismatch', RC.identifierRejected, claimed, address, []);
    const result = await deps.authenticateDevice(claimed, secret);
    if (result === null) return refuse('bad-credentials', RC.badCredentials, claimed, address, failKeys);
    if (result === 'revoked') return refuse('revoked', RC.notAuthorized, claimed, address, failKeys);
    if (result.deviceId !== claimed || !isTopicLevel(result.tenantId) || !isTopicLevel(result.deviceId)) {
      log.error({ deviceId: claimed }, 'identity service returned an unusable device identity');
      return refuse('invalid-identity', RC.notAuthorized, claimed, address, []);
    }
    const principal: BrokerPrincipal = { kind: 'device', identity: result };
    if (!takeoverAllowed(client.id, principal)) {
      return refuse('client-id-in-use', RC.identifierRejected, claimed, address, []);
    }
    const previous = online.get(keyOf(result.tenantId, result.deviceId));
    if (previous && previous.client !== client) previous.offlineReason ??= 'takeover';
    principals.set(client, principal);
    sessions.set(client, {
      client,
      identity: result,
      commandsQos: null,
      online: false,
      ready: false,
      offlineReason: null,
      awaitingPuback: new Map(),
      nextMessageId: 1 + Math.floor(Math.random() * 65535),
      sentHere: new Set(),
      delivering: false,
      deliverAgain: false,
    });
    throttle.reset(idKey);
    return true;
  }

  const authenticate: AuthenticateHandler = (client, username, password, done) => {
    checkCredentials(client, username, password).then(
      (r) => (r === true ? done(null, true) : done(r, false)),
      (err: unknown) => {
        log.error({ err }, 'authentication failed with an error');
        done(refuse('error', RC.serverUnavailable, '', remoteAddress(client), []), false);
      },
    );
  };

  // ---- topic ACL ------------------------------------------------------------------------------
  const deny = (
    action: 'publish' | 'subscribe',
    principal: BrokerPrincipal | undefined,
    topic: string,
    reason: string,
  ) => {
    counts.denied++;
    metrics.denied.inc({ action });
    const scope = !principal
      ? PLATFORM_SCOPE
      : principal.kind === 'device'
        ? principal.identity.tenantId
        : principal.tool.tenantId;
    const actor = !principal
      ? 'mqtt:unauthenticated'
      : principal.kind === 'device'
        ? `device:${principal.identity.deviceId}`
        : principal.tool.label;
    audit(
      scope,
      { actor, action: `mqtt.${action}`, target: topic.slice(0, 256), outcome: 'denied', details: { reason } },
      `mqtt-acl:${scope}:${actor}`,
    );
  };

  const authorizeSubscribe: NonNullable<AedesOptions['authorizeSubscribe']> = (client, sub, callback) => {
    const principal = principals.get(client);
    if (principal?.kind === 'device') {
      const d = authorizeSubscribeTopic(principal.identity, sub.topic);
      if (!d.allow) {
        deny('subscribe', principal, sub.topic, d.reason);
        return callback(null, null); // SUBACK 0x80 (MQTT 3.1.1 section 3.9.3)
      }
      const session = sessions.get(client);
      // Commands go at most at QoS 1: its PUBACK is the delivery receipt.
      if (d.kind === 'commands' && session) session.commandsQos = sub.qos >= 1 ? 1 : 0;
      return callback(null, sub);
    }
    if (principal?.kind === 'tool') {
      const d = authorizeToolSubscribe(principal.tool, sub.topic);
      if (!d.allow) {
        deny('subscribe', principal, sub.topic, d.reason);
        return callback(null, null);
      }
      return callback(null, sub);
    }
    deny('subscribe', undefined, sub.topic, 'unauthenticated');
    callback(null, null);
  };

  const authorizeForward: NonNullable<AedesOptions['authorizeForward']> = (client, packet) => {
    const principal = principals.get(client);
    if (!principal || refusedPayloads.has(packet.payload as object)) return null;
    if (!mayForward(principal, packet.topic)) return null;
    // A QoS 1 command gets its packet id here, so that its PUBACK can be matched to the command
    // (aedes reports PUBACKs of clean sessions without the original packet). Devices receive no
    // other QoS 1 traffic, so these ids cannot collide with ids aedes allocates.
    if (principal.kind === 'device' && packet.qos > 0 && packet.messageId === undefined) {
      const session = sessions.get(client);
      const commandId = parseDeviceTopic(packet.topic)?.commandId;
      const id = session && commandId ? allocateMessageId(session) : undefined;
      if (session && commandId && id !== undefined) {
        packet.messageId = id;
        session.awaitingPuback.set(id, commandId);
      }
    }
    return packet;
  };

  /** Next packet id (1..65535, MQTT-2.3.1-1) not awaiting a PUBACK; undefined when all are, and
   *  aedes then numbers the packet itself (its delivery is just not reported). */
  const allocateMessageId = (s: DeviceSession): number | undefined => {
    for (let i = 0; i < 65535; i++) {
      const id = s.nextMessageId;
      s.nextMessageId = id >= 65535 ? 1 : id + 1;
      if (!s.awaitingPuback.has(id)) return id;
    }
    return undefined;
  };

  // ---- publishes: ACL, then one handler per topic family -------------------------------------
  const authorizePublish: NonNullable<AedesOptions['authorizePublish']> = (client, packet, callback) => {
    try {
      routePublish(client, packet, callback);
    } catch (err) {
      // A throwing dependency (a pilot's schema lookup) must not take the broker down.
      log.error({ err, topic: packet.topic }, 'publish handling failed');
      callback(new Error('publish could not be handled'));
    }
  };

  const routePublish = (client: Client | null, packet: PublishPacket, callback: PublishCallback) => {
    const principal = client ? principals.get(client) : undefined;
    // No client: a stale will replayed from persistence; with no principal nothing is allowed.
    if (!client || !principal) return callback(new Error('not authenticated'));
    if (principal.kind === 'tool') {
      deny('publish', principal, packet.topic, 'read-only-token');
      return callback(new Error('operator tools do not publish'));
    }
    const { identity } = principal;
    const d = authorizePublishTopic(identity, packet.topic);
    if (!d.allow) {
      // Real abuse: the error closes the connection (aedes: no negative PUBACK in MQTT 3.1.1).
      deny('publish', principal, packet.topic, d.reason);
      return callback(new Error('publish not allowed'));
    }
    if (!Buffer.isBuffer(packet.payload)) packet.payload = Buffer.from(packet.payload ?? '');
    const family = d.topic.family;
    switch (family) {
      case 'telemetry':
      case 'events':
        return onReading(identity, family, packet, callback);
      case 'status':
        return onStatus(identity, packet, callback);
      case 'command-ack':
        return onCommandAck(identity, d.topic.commandId!, packet, callback);
      default:
        return callback(new Error('publish not allowed'));
    }
  };

  const tellDevice: Broker['tellDevice'] = (tenantId, deviceId, notice) => {
    if (!isTopicLevel(tenantId) || !isTopicLevel(deviceId)) return;
    const body = { topic: notice.topic, reason: notice.reason, detail: notice.detail, at: Date.now() };
    aedes.publish(
      {
        cmd: 'publish',
        topic: errorsTopic(tenantId, deviceId),
        payload: Buffer.from(JSON.stringify(body)),
        qos: 0,
        retain: false,
        dup: false,
      },
      noop,
    );
  };

  const refuseMessage = (
    identity: DeviceIdentity,
    packet: PublishPacket,
    family: TopicFamily,
    reason: RejectReason,
    detail: string,
    callback: PublishCallback,
  ) => {
    const { tenantId, deviceId } = identity;
    counts.rejected++;
    metrics.rejected.inc({ tenant: tenantId, reason });
    audit(
      tenantId,
      {
        actor: `device:${deviceId}`,
        action: 'mqtt.message.rejected',
        target: packet.topic,
        outcome: 'failure',
        details: { reason, family },
      },
      `mqtt-reject:${tenantId}:${deviceId}`,
    );
    tellDevice(tenantId, deviceId, { topic: packet.topic, reason, detail });
    packet.retain = false;
    refusedPayloads.add(packet.payload as Buffer);
    callback(null); // acknowledged: a bad message is not a reason to drop the device
  };

  const onReading = (
    identity: DeviceIdentity,
    family: ReadingFamily,
    packet: PublishPacket,
    callback: PublishCallback,
  ) => {
    // Readings are never retained: the store is their record, and they stay out of broker memory.
    packet.retain = false;
    if (stopping) return callback(new Error('broker is stopping'));
    const payload = packet.payload as Buffer;
    const schema = deps.schemas[family](identity.kind);
    const checked = checkReading(payload, cfg.maxPayload, schema);
    if (!checked.ok) return refuseMessage(identity, packet, family, checked.reason, checked.detail, callback);
    const receivedAt = Date.now();
    const reading: AcceptedMessage = {
      id: uuidv7(receivedAt),
      tenantId: identity.tenantId,
      deviceId: identity.deviceId,
      kind: identity.kind,
      family,
      ts: readingTime(checked.value, receivedAt),
      receivedAt,
      data: checked.value,
    };
    committer.add(identity.tenantId, reading).then(
      () => {
        counts.accepted++;
        metrics.accepted.inc({ tenant: identity.tenantId, family });
        safe('puback', () => callback(null)); // → PUBACK
        queueAccepted(reading);
      },
      (err: unknown) => {
        log.warn({ err, tenantId: identity.tenantId, deviceId: identity.deviceId }, 'reading not committed');
        // No PUBACK: the error closes the connection and the device resends on reconnect.
        safe('puback', () => callback(new Error('reading could not be stored')));
      },
    );
  };

  const onStatus = (identity: DeviceIdentity, packet: PublishPacket, callback: PublishCallback) => {
    const checked = checkStatus(packet.payload as Buffer);
    if (!checked.ok) return refuseMessage(identity, packet, 'status', checked.reason, checked.detail, callback);
    callback(null); // kept retained for operator tools; presence itself follows the connection
  };

  const onCommandAck = (
    identity: DeviceIdentity,
    commandId: string,
    packet: PublishPacket,
    callback: PublishCallback,
  ) => {
    packet.retain = false;
    const checked = checkCommandAck(packet.payload as Buffer, cfg.maxPayload);
    if (!checked.ok) return refuseMessage(identity, packet, 'command-ack', checked.reason, checked.detail, callback);
    metrics.commands.inc({ step: 'acked' });
    safe('commands.acked', () =>
      deps.commands.acked(identity, commandId, checked.value.status, checked.value.detail),
    );
    callback(null);
  };

  // ---- the broker ----------------------------------------------------------------------------
  const aedes = new Aedes({
    concurrency: cfg.concurrency ?? 1000,
    drainTimeout: cfg.drainTimeoutMs ?? 30_000,
    connectTimeout: cfg.connectTimeoutMs ?? 10_000,
    maxClientsIdLength: 128,
    maxTopicLevels: 16, // the device scheme has at most 7 levels
    preConnect: (_client, _packet, callback) => callback(null, !stopping),
    authenticate,
    authorizePublish,
    authorizeSubscribe,
    authorizeForward,
  });
  await aedes.listen();

  // PUBACKs from devices: aedes hands every PUBACK to its persistence's outgoingClearMessageId
  // (the documented persistence contract); it is the one place that sees the packet id.
  const persistence = (aedes as unknown as {
    persistence: { outgoingClearMessageId(client: Client, packet: { messageId?: number }): Promise<unknown> };
  }).persistence;
  const clearMessageId = persistence.outgoingClearMessageId.bind(persistence);
  persistence.outgoingClearMessageId = (client, packet) => {
    onPuback(client, packet?.messageId);
    return clearMessageId(client, packet);
  };

  const onPuback = (client: Client, messageId: number | undefined) => {
    const s = sessions.get(client);
    if (!s || messageId === undefined) return;
    const commandId = s.awaitingPuback.get(messageId);
    if (commandId === undefined) return;
    s.awaitingPuback.delete(messageId);
    metrics.commands.inc({ step: 'delivered' });
    safe('commands.delivered', () => deps.commands.delivered(s.identity.tenantId, commandId));
  };

  // aedes emits 'error' when its persistence fails; an unlistened 'error' would crash the process.
  (aedes as EventEmitter).on('error', (err: Error) => log.error({ err }, 'broker error'));
  aedes.on('connectionError', (_client, err) => log.debug({ err: err.message }, 'connection error'));
  aedes.on('clientError', (client, err) => {
    const s = sessions.get(client);
    if (s) s.offlineReason ??= 'error';
    log.debug({ clientId: client.id, err: err.message }, 'client error');
  });
  aedes.on('keepaliveTimeout', (client) => {
    const s = sessions.get(client);
    if (s) s.offlineReason ??= 'keepalive-timeout';
  });

  // Online from registration (just before the CONNACK is written), so that a device that has
  // its CONNACK is already seen online; ready (may receive publishes) once aedes says so.
  aedes.on('client', (client) => {
    metrics.connected.set(aedes.connectedClients);
    const s = sessions.get(client);
    if (!s) return;
    s.online = true;
    online.set(keyOf(s.identity.tenantId, s.identity.deviceId), s);
    safe('presence.online', () => deps.presence.online(s.identity, Date.now()));
  });

  aedes.on('clientReady', (client) => {
    const s = sessions.get(client);
    if (!s) return;
    s.ready = true;
    // A persistent session restored its subscription without a SUBSCRIBE: deliver now.
    if (s.commandsQos !== null) void deliverPending(s);
  });

  aedes.on('clientDisconnect', (client) => {
    metrics.connected.set(aedes.connectedClients);
    const s = sessions.get(client);
    if (!s || !s.online) return;
    s.online = false;
    s.ready = false;
    const key = keyOf(s.identity.tenantId, s.identity.deviceId);
    if (online.get(key) === s) online.delete(key);
    const cleanly = (client as unknown as { _disconnected?: boolean })._disconnected === true;
    const reason: OfflineReason = stopping
      ? 'shutdown'
      : (s.offlineReason ?? (cleanly ? 'disconnect' : 'connection-lost'));
    safe('presence.offline', () => deps.presence.offline(s.identity, Date.now(), reason));
  });

  aedes.on('subscribe', (subs, client) => {
    const s = sessions.get(client);
    if (!s) return;
    const filter = commandsFilter(s.identity.tenantId, s.identity.deviceId);
    // Refused subscriptions are reported with QoS 128 (MQTT 3.1.1 section 3.9.3).
    if (subs.some((sub) => sub.topic === filter && (sub.qos as number) !== 128)) void deliverPending(s);
  });

  aedes.on('unsubscribe', (topics, client) => {
    const s = sessions.get(client);
    if (s && topics.includes(commandsFilter(s.identity.tenantId, s.identity.deviceId))) s.commandsQos = null;
  });

  // ---- commands ------------------------------------------------------------------------------
  const sendCommand = (s: DeviceSession, command: OutgoingCommand): Promise<boolean> => {
    const { tenantId, deviceId } = s.identity;
    const qos = s.commandsQos;
    if (!s.online || !s.ready || qos === null || s.client.closed) return Promise.resolve(false);
    s.sentHere.add(command.id);
    metrics.commands.inc({ step: 'sent' });
    // Reported before the write: the PUBACK may be read before the write callback runs.
    safe('commands.sent', () => deps.commands.sent(tenantId, command.id));
    return new Promise((resolve) => {
      s.client.publish(
        {
          cmd: 'publish',
          topic: commandTopic(tenantId, deviceId, command.id),
          payload: Buffer.from(JSON.stringify(command)),
          qos,
          retain: false,
          dup: false,
        },
        () => resolve(true),
      );
    });
  };

  async function deliverPending(s: DeviceSession): Promise<void> {
    if (s.delivering) {
      s.deliverAgain = true;
      return;
    }
    s.delivering = true;
    try {
      do {
        s.deliverAgain = false;
        const pending = await deps.commands.pendingFor(s.identity);
        for (const command of pending) {
          if (!s.online || s.commandsQos === null) return;
          if (s.sentHere.has(command.id) || !isTopicLevel(command.id)) continue;
          await sendCommand(s, command);
        }
      } while (s.deliverAgain);
    } catch (err) {
      log.warn({ err, deviceId: s.identity.deviceId }, 'could not deliver pending commands');
    } finally {
      s.delivering = false;
    }
  }

  // ---- listeners -----------------------------------------------------------------------------
  const track = (conn: Duplex) => {
    connections.add(conn);
    conn.once('close', () => connections.delete(conn));
  };
  const servers: NetServer[] = [];

  const tcp = createNetServer((socket) => {
    track(socket);
    aedes.handle(socket);
  });
  tcp.on('error', (err) => log.error({ err }, 'mqtt tcp server error'));
  servers.push(tcp);
  const port = await listen(tcp, cfg.port, cfg.host);

  let tlsPort: number | null = null;
  if (cfg.tls) {
    const tls = createTlsServer({ cert: pem(cfg.tls.cert), key: pem(cfg.tls.key), minVersion: 'TLSv1.2' }, (socket) => {
      track(socket);
      aedes.handle(socket);
    });
    tls.on('error', (err) => log.error({ err }, 'mqtt tls server error'));
    servers.push(tls);
    tlsPort = await listen(tls, cfg.tls.port, cfg.host);
  }

  type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  const webSockets: { server: HttpServer; wss: WebSocketServer; onUpgrade: UpgradeListener }[] = [];

  const attachWebSocket = (server: HttpServer, path = '/mqtt'): (() => void) => {
    // A WebSocket message carries one or more MQTT packets; cap frames near the payload limit.
    const wss = new WebSocketServer({ noServer: true, maxPayload: cfg.maxPayload + 64 * 1024 });
    const onUpgrade: UpgradeListener = (req, socket, head) => {
      let pathname: string;
      try {
        pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
      } catch {
        return;
      }
      if (pathname !== path) {
        // Someone else's upgrade (socket.io) — unless nobody else listens, then it is refused
        // here rather than left hanging.
        if (server.listenerCount('upgrade') === 1) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      if (stopping) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const stream = createWebSocketStream(ws);
        track(stream);
        aedes.handle(stream, req);
      });
    };
    server.on('upgrade', onUpgrade);
    const entry = { server, wss, onUpgrade };
    webSockets.push(entry);
    return () => {
      server.off('upgrade', onUpgrade);
      wss.close();
      webSockets.splice(webSockets.indexOf(entry), 1);
    };
  };

  const deliver = async (tenantId: string, deviceId: string, command: OutgoingCommand): Promise<boolean> => {
    if (!isTopicLevel(command.id)) throw new Error(`invalid command id: ${JSON.stringify(command.id)}`);
    const s = online.get(keyOf(tenantId, deviceId));
    if (stopping || !s) return false;
    return sendCommand(s, command);
  };

  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      stopping = true;
      const closed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      for (const { server, wss, onUpgrade } of [...webSockets]) {
        server.off('upgrade', onUpgrade);
        wss.close();
      }
      // Readings already in the pipeline are committed and acknowledged before clients go.
      await committer.drain();
      flushAccepted();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const c of connections) c.destroy();
      await Promise.all(closed);
      log.info('mqtt broker stopped');
    })();
    return stopped;
  };

  log.info({ port, tlsPort }, 'mqtt broker listening');

  return {
    aedes,
    port,
    tlsPort,
    attachWebSocket,
    deliver,
    isOnline: (tenantId, deviceId) => online.get(keyOf(tenantId, deviceId))?.online === true,
    tellDevice,
    stats: () => ({
      ...counts,
      connected: aedes.connectedClients,
      devicesOnline: online.size,
      ingestPending: committer.pending(),
    }),
    stop,
  };
}

export function stopBroker(broker: Broker): Promise<void> {
  return broker.stop();
}
