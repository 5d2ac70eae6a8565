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
import {
  commandAckTopic,
  commandsFilter,
  errorsTopic,
  eventsTopic,
  mqttIdentity,
  statusTopic,
  telemetryTopic,
} from '../../platform/broker/topics.ts';
import type { Logger } from '../../platform/logger.ts';
import { commandIdOf, readCommand, readErrorNotice, RecentIds, type DeviceCommand } from './device-messages.ts';
import { DroppedError, Outbox, type Publish } from './outbox.ts';

export type { DeviceCommand } from './device-messages.ts';
export { DroppedError } from './outbox.ts';

export type AckStatus = 'accepted' | 'done' | 'failed';

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

const RECENT_COMMANDS = 256;
const noop = () => {};

/** Reconnect back-off: doubles from minMs up to maxMs after n failed attempts, with ±20 % jitter. */
export function backoffDelay(backoff: { minMs: number; maxMs: number }, n: number, random: () => number = Math.random): number {
  const base = Math.min(backoff.maxMs, backoff.minMs * 2 ** Math.min(n, 20));
  return Math.max(1, Math.round(base * (0.8 + 0.4 * random())));
}

/** A message offered after close(): rejected, and safe to ignore for fire-and-forget callers. */
function refusedClosed(): Promise<void> {
  const refused = Promise.reject(new DroppedError('closed'));
  refused.catch(noop);
  return refused;
}

/** Waits until `done()` holds, checking every 20 ms, for at most timeoutMs. */
async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** Ends a client, forcibly after timeoutMs at the latest. */
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

/** Publishes `offline` (retained) and waits for its PUBACK, at most a second: a clean DISCONNECT
 *  suppresses the will, so a device that leaves says so first (MQTT-3.14.4-3). */
const announceOffline = (c: MqttClient, topic: string) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1_000);
    c.publish(topic, 'offline', { qos: 1, retain: true }, () => {
      clearTimeout(timer);
      resolve();
    });
  });

const deviceTopics = (tenantId: string, deviceId: string) => ({
  telemetry: telemetryTopic(tenantId, deviceId),
  events: eventsTopic(tenantId, deviceId),
  status: statusTopic(tenantId, deviceId),
  errors: errorsTopic(tenantId, deviceId),
  commands: commandsFilter(tenantId, deviceId),
});

function clientOptions(options: DeviceOptions, statusTopic: string, reconnectPeriod: number): IClientOptions {
  return {
    // The platform knows a device only by `<tenant>/<device>` (docs/security.md "Client ids").
    clientId: mqttIdentity(options.tenantId, options.deviceId),
    username: mqttIdentity(options.tenantId, options.deviceId),
    password: options.secret,
    clean: false,
    keepalive: options.keepalive ?? 30,
    protocolVersion: 4, // aedes speaks MQTT 3.1.1 (docs/architecture.md "MQTT broker")
    reconnectPeriod,
    reconnectOnConnackError: true, // "server unavailable" (throttled) is worth retrying
    connectTimeout: 10_000,
    resubscribe: true,
    will: { topic: statusTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
  };
}

/** Subscribes to the device's commands and error notices, reporting a failure or a refusal. */
function subscribeInbox(c: MqttClient, topics: { commands: string; errors: string }, problem: (message: string) => void): void {
  c.subscribe({ [topics.commands]: { qos: 1 }, [topics.errors]: { qos: 1 } }, (err, granted) => {
    if (err) return problem(`subscribe failed: ${err.message}`);
    if (granted?.some((g) => g.qos === 128)) problem('a subscription was refused by the broker');
  });
}

/** Hands a command to the device's handler; no handler, or a throw, acknowledges it `failed`. */
function runCommand(device: SimDevice, command: DeviceCommand, onCommand: DeviceOptions['onCommand'], problem: (message: string) => void): void {
  if (!onCommand) return void device.ack(command.id, 'failed', `unsupported command: ${command.name}`);
  Promise.resolve()
    .then(() => onCommand(command, device))
    .catch((err: unknown) => {
      problem(`command ${command.name.slice(0, 40)} failed: ${(err as Error).message}`);
      void device.ack(command.id, 'failed', String((err as Error).message ?? err).slice(0, 200));
    });
}

/** Resolvers waiting for the next connection (true) or for the device's end (false). */
class ConnectWaiters {
  private readonly waiting = new Set<(ok: boolean) => void>();

  wait(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = (ok: boolean) => {
        clearTimeout(timer);
        resolve(ok);
      };
      const timer = setTimeout(() => {
        this.waiting.delete(wake);
        resolve(false);
      }, timeoutMs);
      this.waiting.add(wake);
    });
  }

  wake(ok: boolean): void {
    for (const wake of this.waiting) wake(ok);
    this.waiting.clear();
  }
}

export function createDevice(options: DeviceOptions): SimDevice {
  const { tenantId, deviceId } = options;
  const maxInFlight = options.maxInFlight ?? 100;
  const backoff = options.reconnect ?? { minMs: 1_000, maxMs: 30_000 };
  const log = options.logger;
  const problem = options.onProblem ?? ((message: string) => log?.debug({ deviceId }, message));
  const outbox = new Outbox(options.bufferLimit ?? 10_000, maxInFlight, () => pump());

  const topics = deviceTopics(tenantId, deviceId);
  const counters = { errorsReceived: 0, commandsReceived: 0, reconnects: 0 };
  const recentCommands = new RecentIds(RECENT_COMMANDS);
  const waiters = new ConnectWaiters();
  let client: MqttClient | null = null;
  /** Bumped whenever a client is abandoned: callbacks of an older client are ignored. */
  let generation = 0;
  let connected = false;
  let everConnected = false;
  let closing = false;
  let attempts = 0;
  let lastConnectError = '';
  const delayFor = (n: number) => backoffDelay(backoff, n);

  function openClient(): void {
    const gen = ++generation;
    const c = connect(options.url, clientOptions(options, topics.status, delayFor(0)));
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
      waiters.wake(true);
      pump();
    });
    c.once('connect', () => subscribeInbox(c, topics, (message) => problem(message, deviceId)));
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
    const c = client;
    const gen = generation;
    // An abandoned client's acknowledgements are ignored: its messages were requeued.
    const publish: Publish = (entry, done) => c.publish(entry.topic, entry.payload, { qos: 1 }, (err) => gen === generation && done(err));
    outbox.pump(publish);
  }

  function enqueue(topic: string, payload: string): Promise<void> {
    if (closing) return refusedClosed();
    const promise = outbox.add(topic, payload);
    pump();
    return promise;
  }

  function onMessage(topic: string, payload: Buffer): void {
    if (topic === topics.errors) {
      counters.errorsReceived++;
      const { notice, reason } = readErrorNotice(payload);
      problem(`the platform refused a message (${reason.slice(0, 40)})`, deviceId);
      options.onErrorNotice?.(notice, device);
      return;
    }
    const commandId = commandIdOf(topic);
    // QoS 1 is at-least-once: a command redelivered after a reconnect is applied only once.
    if (!commandId || !recentCommands.first(commandId)) return;
    counters.commandsReceived++;
    const read = readCommand(commandId, payload, Date.now());
    if ('refused' in read) return void device.ack(commandId, 'failed', read.refused);
    runCommand(device, read.command, options.onCommand, (message) => problem(message, deviceId));
  }

  /** Abandons the current client: its unacknowledged messages go back to the front, in order. */
  function abandonClient(): MqttClient | null {
    const c = client;
    client = null;
    connected = false;
    generation++;
    outbox.requeueUnacknowledged();
    return c;
  }

  const device: SimDevice = {
    deviceId,
    tenantId,
    get online() {
      return connected;
    },
    get counters() {
      const { sent, acked, dropped } = outbox;
      return { sent, acked, dropped, ...counters, buffered: outbox.buffered, inFlight: outbox.unacknowledged };
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
      return waiters.wait(timeoutMs);
    },
    async close() {
      if (closing) return;
      closing = true;
      await until(() => !connected || outbox.empty, options.drainTimeoutMs ?? 2_000);
      const c = client;
      const wasConnected = connected;
      if (c && wasConnected) await announceOffline(c, topics.status);
      abandonClient();
      if (c) await endClient(c, !wasConnected);
      outbox.dropAll();
      waiters.wake(false);
    },
  };

  if (options.autoConnect !== false) openClient();
  return device;
}
