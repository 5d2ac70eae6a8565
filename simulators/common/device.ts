// One simulated device: an MQTT client with its own credentials, speaking the device side of the
// topic scheme (docs/architecture.md "Topics", platform/broker/topics.ts) the way real hardware does.
//
// Delivery guarantees, and where each comes from:
// - QoS 1 for telemetry, events and command acks; a publish resolves on its PUBACK, which the
//   platform sends only after the reading is committed (docs/architecture.md promise 3).
// - Messages produced while disconnected wait in a bounded offline buffer (oldest dropped and
//   counted when full, like a sensor's ring buffer) and leave in order after reconnecting.
//   Messages already handed to mqtt.js when a connection drops are resent by mqtt.js itself
//   before its `connect` event, so they stay ahead of the buffer and order is kept.
// - clean session false: the broker keeps the session, so QoS 1 commands queued while the
//   device was away are delivered when it comes back (MQTT 3.1.1 section 3.1.2.4).
// - A last will of `offline` (retained) on …/status tells everyone when the link dies
//   unannounced; `online` (retained) is published on every connect.
//
// The factory is synchronous on purpose: a device exists, measures and buffers whether or not
// the broker is reachable, and connects in the background (see `waitConnected`).
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { z } from 'zod';
import {
  commandAckTopic,
  commandsFilter,
  errorsTopic,
  eventsTopic,
  mqttIdentity,
  parseDeviceTopic,
  statusTopic,
  telemetryTopic,
} from '../../platform/broker/topics.ts';
import type { Logger } from '../../platform/logger.ts';
import { Deque } from './deque.ts';

export type AckStatus = 'accepted' | 'done' | 'failed';

/** A command received on …/commands/{id}; `payload` is what the platform calls `params`. */
export interface DeviceCommand {
  id: string;
  name: string;
  payload: Record<string, unknown>;
  expiresAt: number | null;
}

/** The wire shape the broker publishes (platform/broker/types.ts CommandWire):
 *  `{ id, name, params?, issuedAt, expiresAt? }`. */
const commandMessage = z.object({
  name: z.string().min(1).max(64),
  params: z.record(z.string(), z.unknown()).optional(),
  issuedAt: z.number().finite().optional(),
  expiresAt: z.number().finite().nullable().optional(),
});

export interface DeviceCounters {
  /** Messages handed to the network (resends by mqtt.js not counted again). */
  sent: number;
  /** Messages the broker acknowledged (PUBACK). */
  acked: number;
  /** Messages waiting in the offline buffer now. */
  buffered: number;
  /** Messages handed to the network and not yet acknowledged. */
  inFlight: number;
  /** Oldest messages dropped because the offline buffer was full. */
  dropped: number;
  /** Notices received on …/errors (a message the platform refused). */
  errorsReceived: number;
  commandsReceived: number;
  /** Successful connections after the first one. */
  reconnects: number;
}

export interface DeviceOptions {
  /** mqtt://host:port (or mqtts://, ws://). */
  url: string;
  tenantId: string;
  deviceId: string;
  secret: string;
  /** Called once per command id; acknowledge with `device.ack`. A throw acks `failed`. */
  onCommand?: (command: DeviceCommand, device: SimDevice) => void | Promise<void>;
  /** Called with each notice the platform sends on …/errors. */
  onErrorNotice?: (notice: unknown, device: SimDevice) => void;
  /** Connection trouble and refusals, one short line each; a fleet passes one shared reporter
   *  (fleet.ts problemReporter) so a broker outage is not a thousand log lines. Default: debug log. */
  onProblem?: (message: string, deviceId: string) => void;
  logger?: Logger;
  /** Offline buffer bound in messages (default 10,000). */
  bufferLimit?: number;
  /** Most unacknowledged messages on the wire at once (default 100). */
  maxInFlight?: number;
  /** Reconnect back-off: doubles from minMs up to maxMs, with ±20 % jitter (default 1 s → 30 s). */
  reconnect?: { minMs: number; maxMs: number };
  /** MQTT keepalive in seconds (default 30). */
  keepalive?: number;
  /** Connect at once (default true); false: call goOnline() when ready (gradual fleet start). */
  autoConnect?: boolean;
  /** How long close() waits for buffered messages to be acknowledged (default 2 s). */
  drainTimeoutMs?: number;
}

export interface SimDevice {
  readonly deviceId: string;
  readonly tenantId: string;
  /** Connected to the broker now. */
  readonly online: boolean;
  readonly counters: Readonly<DeviceCounters>;
  publishTelemetry(payload: object): Promise<void>;
  publishEvent(payload: object): Promise<void>;
  /** Reports a command's progress on …/commands/{id}/ack. */
  ack(commandId: string, status: AckStatus, detail?: string): Promise<void>;
  /** Drops the link abruptly, as a power or radio loss would (the broker then publishes the
   *  will); stays offline, buffering, until goOnline(). */
  goOffline(): Promise<void>;
  /** Connects (again) after goOffline() or with autoConnect false. */
  goOnline(): void;
  /** Resolves true once connected, false after timeoutMs. */
  waitConnected(timeoutMs?: number): Promise<boolean>;
  /** Drains what it can, announces `offline`, disconnects cleanly. */
  close(): Promise<void>;
}

/** Why a buffered message was never sent. */
export class DroppedError extends Error {
  override name = 'DroppedError';
  constructor(reason: 'buffer-full' | 'closed') {
    super(reason === 'buffer-full' ? 'offline buffer full: oldest message dropped' : 'device closed before sending');
  }
}

interface Entry {
  topic: string;
  payload: string;
  resolve: () => void;
  reject: (err: Error) => void;
  settled: boolean;
}

const RECENT_COMMANDS = 256;
const noop = () => {};

// size: a factory closure: its body is the module's private state and its named inner functions, each held to the limit on its own
export function createDevice(options: DeviceOptions): SimDevice {
  const { tenantId, deviceId } = options;
  const bufferLimit = options.bufferLimit ?? 10_000;
  const maxInFlight = options.maxInFlight ?? 100;
  const backoff = options.reconnect ?? { minMs: 1_000, maxMs: 30_000 };
  const log = options.logger;
  const problem = options.onProblem ?? ((message: string) => log?.debug({ deviceId }, message));
  if (!(bufferLimit >= 1) || !(maxInFlight >= 1)) throw new RangeError('bufferLimit and maxInFlight must be at least 1');

  const topics = {
    telemetry: telemetryTopic(tenantId, deviceId),
    events: eventsTopic(tenantId, deviceId),
    status: statusTopic(tenantId, deviceId),
    errors: errorsTopic(tenantId, deviceId),
    commands: commandsFilter(tenantId, deviceId),
  };

  const counters: Omit<DeviceCounters, 'buffered' | 'inFlight'> = {
    sent: 0,
    acked: 0,
    dropped: 0,
    errorsReceived: 0,
    commandsReceived: 0,
    reconnects: 0,
  };
  const queue = new Deque<Entry>();
  const inFlight = new Set<Entry>();
  const recentCommands = new Set<string>();
  let client: MqttClient | null = null;
  /** Bumped whenever a client is abandoned: callbacks of an older client are ignored. */
  let generation = 0;
  let connected = false;
  let everConnected = false;
  let closing = false;
  let attempts = 0;
  let lastConnectError = '';
  const connectWaiters = new Set<(ok: boolean) => void>();
  const wakeWaiters = (ok: boolean) => {
    for (const wake of connectWaiters) wake(ok);
    connectWaiters.clear();
  };

  const delayFor = (n: number) => {
    const base = Math.min(backoff.maxMs, backoff.minMs * 2 ** Math.min(n, 20));
    return Math.max(1, Math.round(base * (0.8 + 0.4 * Math.random())));
  };

  function openClient(): void {
    const gen = ++generation;
    const opts: IClientOptions = {
      // The platform knows a device only by `<tenant>/<device>` (docs/security.md "Client ids").
      clientId: mqttIdentity(tenantId, deviceId),
      username: mqttIdentity(tenantId, deviceId),
      password: options.secret,
      clean: false,
      keepalive: options.keepalive ?? 30,
      protocolVersion: 4, // aedes speaks MQTT 3.1.1 (docs/architecture.md "MQTT broker")
      reconnectPeriod: delayFor(0),
      reconnectOnConnackError: true, // "server unavailable" (throttled) is worth retrying
      connectTimeout: 10_000,
      resubscribe: true,
      will: { topic: topics.status, payload: Buffer.from('offline'), qos: 1, retain: true },
    };
    const c = connect(options.url, opts);
    client = c;

    // mqtt.js arms its reconnect timer with options.reconnectPeriod when an attempt fails; each
    // new attempt sets the delay that follows it, which gives an exponential back-off.
    c.on('reconnect', () => {
      attempts++;
      c.options.reconnectPeriod = delayFor(attempts);
    });
    c.on('connect', () => {
      if (gen !== generation) return;
      connected = true;
      if (everConnected) counters.reconnects++;
      everConnected = true;
      attempts = 0;
      lastConnectError = '';
      c.options.reconnectPeriod = delayFor(0);
      c.publish(topics.status, 'online', { qos: 1, retain: true }, noop);
      wakeWaiters(true);
      pump();
    });
    c.once('connect', () => {
      c.subscribe({ [topics.commands]: { qos: 1 }, [topics.errors]: { qos: 1 } }, (err, granted) => {
        if (err) return problem(`subscribe failed: ${err.message}`, deviceId);
        if (granted?.some((g) => g.qos === 128)) problem('a subscription was refused by the broker', deviceId);
      });
    });
    c.on('close', () => {
      if (gen === generation) connected = false;
    });
    c.on('error', (err) => {
      // One report per distinct cause, not one per retry.
      if (err.message !== lastConnectError) problem(`mqtt: ${err.message}`, deviceId);
      lastConnectError = err.message;
    });
    c.on('message', (topic, payload) => {
      if (gen === generation) onMessage(topic, payload);
    });
  }

  function pump(): void {
    if (!client || !connected) return;
    while (queue.length > 0 && inFlight.size < maxInFlight) send(queue.shift()!);
  }

  function send(entry: Entry): void {
    const c = client!;
    const gen = generation;
    inFlight.add(entry);
    counters.sent++;
    c.publish(entry.topic, entry.payload, { qos: 1 }, (err) => {
      if (gen !== generation || entry.settled) return; // abandoned client: the entry was requeued
      inFlight.delete(entry);
      entry.settled = true;
      if (err) entry.reject(err);
      else {
        counters.acked++;
        entry.resolve();
      }
      pump();
    });
  }

  function enqueue(topic: string, payload: string): Promise<void> {
    let resolve!: () => void;
    let reject!: (err: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Fire-and-forget callers must not crash the process when a message is dropped.
    promise.catch(noop);
    if (closing) {
      reject(new DroppedError('closed'));
      return promise;
    }
    if (queue.length >= bufferLimit) {
      const oldest = queue.shift()!;
      oldest.settled = true;
      counters.dropped++;
      oldest.reject(new DroppedError('buffer-full'));
    }
    queue.push({ topic, payload, resolve, reject, settled: false });
    pump();
    return promise;
  }

  function onMessage(topic: string, payload: Buffer): void {
    if (topic === topics.errors) {
      counters.errorsReceived++;
      let notice: unknown = null;
      try {
        notice = JSON.parse(payload.toString('utf8'));
      } catch {
        notice = payload.toString('utf8').slice(0, 200);
      }
      const reason = typeof notice === 'object' && notice !== null && typeof (notice as { reason?: unknown }).reason === 'string' ? (notice as { reason: string }).reason : 'unknown';
      problem(`the platform refused a message (${reason.slice(0, 40)})`, deviceId);
      options.onErrorNotice?.(notice, device);
      return;
    }
    const parsed = parseDeviceTopic(topic);
    if (!parsed || parsed.family !== 'commands' || !parsed.commandId) return;
    const commandId = parsed.commandId;
    // QoS 1 is at-least-once: a command redelivered after a reconnect is applied only once.
    if (recentCommands.has(commandId)) return;
    recentCommands.add(commandId);
    if (recentCommands.size > RECENT_COMMANDS) recentCommands.delete(recentCommands.values().next().value!);
    counters.commandsReceived++;
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      void device.ack(commandId, 'failed', 'command payload is not JSON');
      return;
    }
    const checked = commandMessage.safeParse(json);
    if (!checked.success) {
      void device.ack(commandId, 'failed', 'command has no name or malformed params');
      return;
    }
    const command: DeviceCommand = { id: commandId, name: checked.data.name, payload: checked.data.params ?? {}, expiresAt: checked.data.expiresAt ?? null };
    if (command.expiresAt !== null && command.expiresAt < Date.now()) {
      void device.ack(commandId, 'failed', 'command expired before it reached the device');
      return;
    }
    if (!options.onCommand) {
      void device.ack(commandId, 'failed', `unsupported command: ${command.name}`);
      return;
    }
    Promise.resolve()
      .then(() => options.onCommand!(command, device))
      .catch((err: unknown) => {
        problem(`command ${command.name.slice(0, 40)} failed: ${(err as Error).message}`, deviceId);
        void device.ack(commandId, 'failed', String((err as Error).message ?? err).slice(0, 200));
      });
  }

  /** Abandons the current client: its unacknowledged messages go back to the front, in order. */
  function abandonClient(): MqttClient | null {
    const c = client;
    client = null;
    connected = false;
    generation++;
    const unacked = [...inFlight];
    inFlight.clear();
    for (let i = unacked.length - 1; i >= 0; i--) queue.unshift(unacked[i]!);
    return c;
  }

  const endClient = (c: MqttClient, force: boolean, timeoutMs = 2_000) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        c.end(true);
        resolve();
      }, timeoutMs);
      c.end(force, {}, () => {
        clearTimeout(timer);
        resolve();
      });
    });

  const device: SimDevice = {
    deviceId,
    tenantId,
    get online() {
      return connected;
    },
    get counters() {
      return { ...counters, buffered: queue.length, inFlight: inFlight.size };
    },
    publishTelemetry: (payload) => enqueue(topics.telemetry, JSON.stringify(payload)),
    publishEvent: (payload) => enqueue(topics.events, JSON.stringify(payload)),
    ack: (commandId, status, detail) =>
      enqueue(commandAckTopic(tenantId, deviceId, commandId), JSON.stringify(detail === undefined ? { status } : { status, detail })),
    async goOffline() {
      const c = abandonClient();
      // end(true) closes the socket without DISCONNECT, so the broker publishes the will.
      if (c) await endClient(c, true);
    },
    goOnline() {
      if (closing || client) return;
      openClient();
    },
    waitConnected(timeoutMs = 10_000) {
      if (connected) return Promise.resolve(true);
      if (closing) return Promise.resolve(false);
      return new Promise((resolve) => {
        const wake = (ok: boolean) => {
          clearTimeout(timer);
          resolve(ok);
        };
        const timer = setTimeout(() => {
          connectWaiters.delete(wake);
          resolve(false);
        }, timeoutMs);
        connectWaiters.add(wake);
      });
    },
    async close() {
      if (closing) return;
      closing = true;
      const deadline = Date.now() + (options.drainTimeoutMs ?? 2_000);
      while (connected && (queue.length > 0 || inFlight.size > 0) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const c = client;
      const wasConnected = connected;
      if (c && wasConnected) {
        // A clean DISCONNECT suppresses the will, so say `offline` first (MQTT-3.14.4-3).
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1_000);
          c.publish(topics.status, 'offline', { qos: 1, retain: true }, () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      abandonClient();
      if (c) await endClient(c, !wasConnected);
      for (const entry of queue.drain()) {
        entry.settled = true;
        entry.reject(new DroppedError('closed'));
      }
      wakeWaiters(false);
    },
  };

  if (options.autoConnect !== false) openClient();
  return device;
}
