// The load generator: a separate process holding a slice of the devices as real mqtt.js
// clients (MQTT 3.1.1, clean sessions, no automatic reconnect), driven phase by phase by the
// orchestrator over stdin/stdout JSON lines:
//
//   argv[2]  spec   {port, credsFile, from, to, window, ...}   → prints {type:'connected'}
//   stdin    {cmd:'phase', mode:'rate'|'saturate', ...}         → prints {type:'phase', ...}
//   stdin    {cmd:'finish', ackedFile?}                         → prints {type:'done'}, exits
//
// Every publish is QoS 1 and carries the probe pilot's telemetry `{ts, value, note}`: `note` is
// the device's own sequence number, so the orchestrator can find each acknowledged reading in
// the store afterwards; `value` stays below the probe's alarm threshold (100), so no pilot rule
// fires and the figures are those of the ingest path itself.
// Latency is publish call → PUBACK callback, in microseconds, recorded only for messages
// published inside the measured window (hdr-histogram, 3 significant digits).
//
// `rate` is open loop: device i sends its k-th message at startAt + (k - 1 + i/n) / (rate/n) s,
// whatever the server does, bounded only by `window` messages awaiting PUBACK per device; a
// message held back by a full window counts in `behind`, and the time between its due time and
// its publish is recorded in `lag`. `saturate` keeps `window` messages in flight on every
// device until the window closes: what the server sustains when offered more than it can take.
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import mqtt, { type MqttClient } from 'mqtt';
import { z } from 'zod';
import { mqttIdentity, telemetryTopic } from '../platform/broker/topics.ts';
import type { Credentials } from './credentials.ts';

const specSchema = z.object({
  label: z.string(),
  host: z.string().default('127.0.0.1'),
  port: z.number().int().positive(),
  credsFile: z.string().min(1),
  from: z.number().int().min(0),
  to: z.number().int().positive(),
  window: z.number().int().positive(),
  connectConcurrency: z.number().int().positive().default(50),
  /** Only one load process reports the edges of the measured window (for server CPU sampling). */
  reportEdges: z.boolean().default(false),
  /** Hard bound on this process' life, whatever happens to the orchestrator. */
  maxLifetimeMs: z.number().int().positive(),
});

const phaseSchema = z.object({
  cmd: z.literal('phase'),
  name: z.string(),
  mode: z.enum(['rate', 'saturate']),
  /** This process' share of the offered rate (readings per second); rate mode only. */
  rate: z.number().positive().optional(),
  /** Epoch ms at which every load process starts the phase together. */
  startAt: z.number(),
  warmupMs: z.number().int().min(0),
  measureMs: z.number().int().positive(),
  drainMs: z.number().int().positive(),
});
const finishSchema = z.object({ cmd: z.literal('finish'), ackedFile: z.string().optional() });
const commandSchema = z.discriminatedUnion('cmd', [phaseSchema, finishSchema]);
type PhaseCommand = z.infer<typeof phaseSchema>;

const spec = specSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
setTimeout(() => {
  process.stderr.write(`[${spec.label}] lifetime of ${spec.maxLifetimeMs} ms exceeded, exiting\n`);
  process.exit(2);
}, spec.maxLifetimeMs).unref();

const say = (msg: Record<string, unknown>) => process.stdout.write(JSON.stringify(msg) + '\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Device {
  index: number;
  id: string;
  topic: string;
  client: MqttClient;
  seq: number;
  /** Messages of the current rate phase already published (or counted as published). */
  scheduled: number;
  inFlight: number;
  acked: number[];
}

const QOS1 = { qos: 1 } as const;
// Latencies up to one minute in microseconds; anything slower is clamped (and is a failure anyway).
const MAX_US = 60_000_000;
const newHistogram = (): Histogram => build({ lowestDiscernibleValue: 1, highestTrackableValue: MAX_US, numberOfSignificantValueDigits: 3 });
const record = (h: Histogram, us: number) => h.recordValue(Math.min(MAX_US, Math.max(1, Math.round(us))));

// ---- connect, a slice at a time (a thousand simultaneous CONNECTs would be a test of its own)
const creds = JSON.parse(readFileSync(spec.credsFile, 'utf8')) as Credentials;
const slice = creds.devices.slice(spec.from, spec.to);
const devices: Device[] = [];
let disconnects = 0;
let clientErrors = 0;
const connectStarted = performance.now();
const connectFailures: string[] = [];

function connectOne(index: number, id: string, secret: string): Promise<Device | null> {
  return new Promise((resolve) => {
    const client = mqtt.connect({
      host: spec.host,
      port: spec.port,
      protocol: 'mqtt',
      protocolVersion: 4,
      clientId: mqttIdentity(creds.tenantId, id),
      username: mqttIdentity(creds.tenantId, id),
      password: secret,
      clean: true,
      keepalive: 60,
      reconnectPeriod: 0,
      connectTimeout: 20_000,
    });
    const onError = (err: Error) => fail(err.message);
    const onClose = () => fail('closed before CONNACK');
    const fail = (why: string) => {
      client.off('error', onError);
      client.off('close', onClose);
      connectFailures.push(`${id}: ${why}`);
      client.end(true);
      resolve(null);
    };
    client.once('connect', () => {
      client.off('error', onError);
      client.off('close', onClose);
      client.on('error', () => clientErrors++);
      client.on('close', () => disconnects++);
      resolve({ index, id, topic: telemetryTopic(creds.tenantId, id), client, seq: 0, scheduled: 0, inFlight: 0, acked: [] });
    });
    client.on('error', onError);
    client.on('close', onClose);
  });
}

{
  let next = 0;
  const worker = async () => {
    while (next < slice.length) {
      const i = next++;
      const d = slice[i]!;
      const dev = await connectOne(spec.from + i, d.id, d.secret);
      if (dev) devices.push(dev);
    }
  };
  await Promise.all(Array.from({ length: Math.min(spec.connectConcurrency, slice.length) }, worker));
}
devices.sort((a, b) => a.index - b.index);
say({
  type: 'connected',
  clients: devices.length,
  failures: connectFailures.length,
  firstFailures: connectFailures.slice(0, 3),
  ms: Math.round(performance.now() - connectStarted),
});

// ---- one phase ----------------------------------------------------------------------------
interface PhaseState {
  measuring: boolean;
  closed: boolean;
  inFlight: number;
  sentInWindow: number;
  ackedInWindow: number;
  acked: number;
  errors: number;
  maxBehind: number;
  latency: Histogram;
  lag: Histogram;
}

async function runPhase(cmd: PhaseCommand) {
  const st: PhaseState = {
    measuring: false,
    closed: false,
    inFlight: 0,
    sentInWindow: 0,
    ackedInWindow: 0,
    acked: 0,
    errors: 0,
    maxBehind: 0,
    latency: newHistogram(),
    lag: newHistogram(),
  };
  const n = devices.length;
  const perDevicePerMs = cmd.mode === 'rate' ? (cmd.rate ?? 0) / n / 1000 : 0;
  // performance.now() at the shared epoch start: every load process uses the same clock origin.
  const t0 = performance.now() + (cmd.startAt - Date.now());
  const windowOpen = t0 + cmd.warmupMs;
  const windowClose = windowOpen + cmd.measureMs;
  let measuredFrom = 0;
  let measuredTo = 0;
  let cpuFrom = process.cpuUsage();
  let cpu = { user: 0, system: 0 };
  const disconnectsBefore = disconnects;

  const publish = (d: Device, dueAt: number) => {
    const seq = ++d.seq;
    const sentAt = performance.now();
    const inWindow = st.measuring;
    d.inFlight++;
    st.inFlight++;
    if (inWindow) {
      st.sentInWindow++;
      record(st.lag, (sentAt - dueAt) * 1000);
    }
    const payload = Buffer.from(`{"ts":${Date.now()},"value":${20 + (seq % 50) / 10},"note":"${seq}"}`);
    d.client.publish(d.topic, payload, QOS1, (err) => {
      d.inFlight--;
      st.inFlight--;
      if (err) {
        st.errors++;
        return;
      }
      d.acked.push(seq);
      st.acked++;
      if (st.measuring) st.ackedInWindow++;
      if (inWindow) record(st.latency, (performance.now() - sentAt) * 1000);
      if (cmd.mode === 'saturate' && !st.closed && d.inFlight < spec.window) publish(d, performance.now());
    });
  };

  // Window edges and the rate schedule run on one 1 ms ticker.
  const tick = () => {
    const now = performance.now();
    if (!st.measuring && !st.closed && now >= windowOpen) {
      st.measuring = true;
      measuredFrom = now;
      cpuFrom = process.cpuUsage();
      if (spec.reportEdges) say({ type: 'edge', edge: 'open', phase: cmd.name });
    }
    if (!st.closed && now >= windowClose) {
      st.closed = true;
      st.measuring = false;
      measuredTo = now;
      cpu = process.cpuUsage(cpuFrom);
      if (spec.reportEdges) say({ type: 'edge', edge: 'close', phase: cmd.name });
      return;
    }
    if (cmd.mode !== 'rate' || now < t0) return;
    let behind = 0;
    const elapsed = now - t0;
    for (let i = 0; i < n; i++) {
      const d = devices[i]!;
      const offset = i / n;
      const due = Math.floor(elapsed * perDevicePerMs - offset) + 1;
      while (d.scheduled < due && d.inFlight < spec.window) {
        d.scheduled++;
        publish(d, t0 + (d.scheduled - 1 + offset) / perDevicePerMs);
      }
      if (d.scheduled < due) behind += due - d.scheduled;
    }
    if (behind > st.maxBehind) st.maxBehind = behind;
  };

  for (const d of devices) d.scheduled = 0;
  await sleep(Math.max(0, t0 - performance.now()));
  if (cmd.mode === 'saturate') {
    for (const d of devices) for (let k = 0; k < spec.window; k++) publish(d, performance.now());
  }
  const ticker = setInterval(tick, 1);
  tick();
  while (!st.closed) await sleep(5);
  clearInterval(ticker);

  // Drain: acknowledgements of messages still in flight, bounded in time.
  const drainUntil = performance.now() + cmd.drainMs;
  while (st.inFlight > 0 && performance.now() < drainUntil) await sleep(5);

  const seconds = (measuredTo - measuredFrom) / 1000;
  say({
    type: 'phase',
    name: cmd.name,
    mode: cmd.mode,
    clients: n,
    offeredPerS: cmd.mode === 'rate' ? (cmd.rate ?? null) : null,
    seconds,
    sentInWindow: st.sentInWindow,
    ackedInWindow: st.ackedInWindow,
    ackedTotal: st.acked,
    unacked: st.inFlight,
    errors: st.errors,
    maxBehind: st.maxBehind,
    disconnects: disconnects - disconnectsBefore,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    latency: encodeIntoCompressedBase64(st.latency),
    lag: encodeIntoCompressedBase64(st.lag),
  });
}

async function finish(ackedFile?: string) {
  if (ackedFile) {
    const out: Record<string, number[]> = {};
    for (const d of devices) out[d.id] = d.acked;
    writeFileSync(ackedFile, JSON.stringify(out));
  }
  const acked = devices.reduce((sum, d) => sum + d.acked.length, 0);
  const published = devices.reduce((sum, d) => sum + d.seq, 0);
  await Promise.race([Promise.all(devices.map((d) => d.client.endAsync(false).catch(() => undefined))), sleep(5000)]);
  say({ type: 'done', acked, published, clientErrors });
  process.exit(0);
}

// ---- commands, one at a time --------------------------------------------------------------
const queue: Promise<void>[] = [];
createInterface({ input: process.stdin })
  .on('line', (line) => {
    const parsed = commandSchema.safeParse(JSON.parse(line));
    if (!parsed.success) {
      say({ type: 'error', message: `bad command: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
      return;
    }
    const cmd = parsed.data;
    const previous = queue.at(-1) ?? Promise.resolve();
    queue.push(previous.then(() => (cmd.cmd === 'phase' ? runPhase(cmd) : finish(cmd.ackedFile))));
  })
  .on('close', () => {
    // The orchestrator is gone: nobody will read the results.
    void Promise.allSettled(queue).then(() => process.exit(0));
  });
