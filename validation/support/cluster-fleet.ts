// A fleet of probe devices for the cluster failure tests, run as its own process: every device
// connects through the front (HAProxy), publishes QoS 1 readings carrying a sequence number,
// listens for its commands, and reconnects on its own when its node dies, like a real device.
// It keeps the evidence a device can have: the readings acknowledged (PUBACK), the commands
// received (each receipt, so a duplicate shows), and how long each reconnection took.
//
// Protocol: one JSON line on stdin (the config, secrets included); then `stop` ends issuing.
// Stdout: {"type":"ready"}, {"type":"progress",…} every progressMs, {"type":"done",…} at the end.
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { z } from 'zod';
import { mqttIdentity } from '../../platform/broker/topics.ts';
import { readPlan } from './child-plan.ts';

export const clusterFleetConfigSchema = z
  .object({
    url: z.string().regex(/^mqtts?:\/\//),
    tenantId: z.string().min(2),
    devices: z.array(z.object({ id: z.string().min(3), secret: z.string().min(8) }).strict()).min(1),
    /** Readings per second for the whole fleet. */
    rate: z.number().min(1).max(100_000),
    /** Most unacknowledged readings per device. */
    window: z.number().int().min(1).max(1000).default(20),
    progressMs: z.number().int().min(50).default(250),
    /** Wait between reconnection attempts. */
    reconnectMs: z.number().int().min(50).max(10_000).default(250),
    /** First sequence number of each device: a second fleet on the same devices continues. */
    firstSeq: z.number().int().min(1).default(1),
    /** How long to wait for PUBACKs still in flight after `stop`. */
    drainMs: z.number().int().min(0).default(15_000),
  })
  .strict();
export type ClusterFleetConfig = z.input<typeof clusterFleetConfigSchema>;

export interface ClusterFleetProgress {
  type: 'progress';
  issued: number;
  acked: number;
  connected: number;
  disconnects: number;
  commandsReceived: number;
}

export interface ClusterFleetReport {
  type: 'done';
  issued: number;
  acked: number;
  /** Sequence numbers acknowledged, per device. */
  ackedSeqs: Record<string, number[]>;
  /** Command ids received, per device, one entry per receipt. */
  commands: Record<string, string[]>;
  /** Loss of the connection → CONNACK of the next one, per reconnection, in ms. */
  reconnectMs: number[];
  /** Devices still disconnected when the report was made. */
  disconnectedAtEnd: number;
  unresolved: number;
  /** Publish → PUBACK, in ms, over the whole run. */
  latencyP99Ms: number;
}

// One child process's whole life (connect the fleet, publish, report on request) in one closure,
// so the counters it reports are the ones the handlers update.
async function main(): Promise<void> {
  const { cfg, stopAsked, close } = await readPlan(clusterFleetConfigSchema);
  const out = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');

  interface Dev {
    id: string;
    topic: string;
    client: MqttClient;
    inFlight: number;
    nextSeq: number;
    acked: number[];
    commands: string[];
    lostAt: number | null;
  }
  const devices: Dev[] = [];
  const reconnectMs: number[] = [];
  const latencies: number[] = [];
  let issued = 0;
  let acked = 0;
  let disconnects = 0;
  let commandsReceived = 0;

  const connectOne = (d: { id: string; secret: string }) =>
    new Promise<Dev>((resolve, reject) => {
      const prefix = `tenants/${cfg.tenantId}/devices/${d.id}`;
      const client = mqtt.connect(cfg.url, {
        clientId: mqttIdentity(cfg.tenantId, d.id),
        username: mqttIdentity(cfg.tenantId, d.id),
        password: d.secret,
        clean: true,
        reconnectPeriod: cfg.reconnectMs,
        connectTimeout: 5_000,
        keepalive: 30,
        // Unacknowledged QoS 1 readings are sent again on the next connection (MQTT 3.1.1 §4.4).
        queueQoSZero: false,
      });
      const dev: Dev = { id: d.id, topic: `${prefix}/telemetry`, client, inFlight: 0, nextSeq: cfg.firstSeq, acked: [], commands: [], lostAt: null };
      client.on('error', () => undefined);
      client.on('close', () => {
        if (dev.lostAt === null && devices.includes(dev)) {
          dev.lostAt = performance.now();
          disconnects++;
        }
      });
      client.on('connect', () => {
        if (dev.lostAt !== null) {
          reconnectMs.push(Math.round(performance.now() - dev.lostAt));
          dev.lostAt = null;
        }
      });
      client.on('message', (topic) => {
        const parts = topic.split('/');
        if (parts[4] === 'commands' && parts.length === 6) {
          dev.commands.push(parts[5]!);
          commandsReceived++;
        }
      });
      // Subscribed once, mqtt.js subscribes again on every reconnection; a first attempt cut
      // short (the connection closed under it) is retried on the next connection.
      let subscribed = false;
      const subscribe = () => {
        if (subscribed) return;
        client.subscribe(`${prefix}/commands/+`, { qos: 1 }, (err) => {
          if (err || subscribed) return;
          subscribed = true;
          clearTimeout(timer);
          resolve(dev);
        });
      };
      client.on('connect', subscribe);
      const timer = setTimeout(() => {
        client.end(true);
        reject(new Error(`device ${d.id} could not connect and subscribe within 60 s`));
      }, 60_000);
    });

  // 25 at a time: a connect storm of hundreds would trip the broker's connect throttle.
  for (let i = 0; i < cfg.devices.length; i += 25) devices.push(...(await Promise.all(cfg.devices.slice(i, i + 25).map(connectOne))));
  out({ type: 'ready' });

  let rr = 0;
  const issueOne = (): boolean => {
    for (let tries = 0; tries < devices.length; tries++) {
      const d = devices[rr++ % devices.length]!;
      if (d.inFlight >= cfg.window || !d.client.connected) continue;
      const seq = d.nextSeq++;
      const started = performance.now();
      d.inFlight++;
      issued++;
      d.client.publish(d.topic, JSON.stringify({ ts: Date.now(), value: seq % 100, note: String(seq) }), { qos: 1 }, (err) => {
        d.inFlight--;
        if (err) return;
        acked++;
        d.acked.push(seq);
        latencies.push(performance.now() - started);
      });
      return true;
    }
    return false;
  };

  const connectedNow = () => devices.filter((d) => d.client.connected).length;
  const progress = setInterval(
    () => out({ type: 'progress', issued, acked, connected: connectedNow(), disconnects, commandsReceived } satisfies ClusterFleetProgress),
    cfg.progressMs,
  );
  const t0 = performance.now();
  let issuedAtStart = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      if (stopAsked()) {
        clearInterval(tick);
        resolve();
        return;
      }
      const due = Math.floor((cfg.rate * (performance.now() - t0)) / 1000);
      // A backlog built up while devices were away is not replayed as a burst.
      if (due - issuedAtStart - issued > cfg.rate) issuedAtStart = due - issued - cfg.rate;
      let budget = due - issuedAtStart - issued;
      while (budget-- > 0 && issueOne());
    }, 10);
  });
  const drainUntil = Date.now() + cfg.drainMs;
  while (devices.some((d) => d.inFlight > 0) && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  clearInterval(progress);
  latencies.sort((a, b) => a - b);
  const report: ClusterFleetReport = {
    type: 'done',
    issued,
    acked,
    ackedSeqs: Object.fromEntries(devices.map((d) => [d.id, d.acked])),
    commands: Object.fromEntries(devices.filter((d) => d.commands.length).map((d) => [d.id, d.commands])),
    reconnectMs,
    disconnectedAtEnd: devices.length - connectedNow(),
    unresolved: devices.reduce((n, d) => n + d.inFlight, 0),
    latencyP99Ms: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0),
  };
  await new Promise<void>((resolve) => process.stdout.write(JSON.stringify(report) + '\n', () => resolve()));
  close();
  for (const d of devices) d.client.end(true);
}

if (process.argv[1] && resolvePath(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stdout.write(JSON.stringify({ type: 'error', message: (err as Error).message }) + '\n');
      process.exit(1);
    },
  );
}
