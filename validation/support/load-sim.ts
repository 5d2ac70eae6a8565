// A fleet of probe devices run as its own process (like any simulator: own credentials, MQTT over
// TCP, QoS 1), for the load, durability and storm scenarios. It keeps the evidence a device can
// have: which readings the broker acknowledged (PUBACK) and how long each acknowledgement took.
//
// Protocol: one JSON line on stdin (the config below, secrets included, so they stay out of the
// process list); JSON lines on stdout: {"type":"ready"}, {"type":"progress",…} every
// `progressMs`, then one {"type":"done",…} before exiting. It stops issuing when the duration or
// count is reached, or when a connection is lost (the platform was killed), then waits for the
// acknowledgements still in flight. A line `stop` on stdin stops issuing early.
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as hdr from 'hdr-histogram-js';
import mqtt, { type MqttClient } from 'mqtt';
import { z } from 'zod';
import { mqttIdentity } from '../../platform/broker/topics.ts';
import { readPlan } from './child-plan.ts';

export const loadSimConfigSchema = z
  .object({
    url: z.string().regex(/^mqtts?:\/\//),
    devices: z.array(z.object({ id: z.string().min(3), tenantId: z.string().min(2), secret: z.string().min(8) }).strict()).min(1),
    /** valid: probe readings {ts, value: seq}; malformed: a rotation of payloads the platform must refuse. */
    mode: z.enum(['valid', 'malformed']).default('valid'),
    /** Messages per second for the whole fleet; 0 = as fast as the in-flight window allows. */
    rate: z.number().min(0).max(100_000),
    durationMs: z.number().int().positive().optional(),
    count: z.number().int().positive().optional(),
    /** Most unacknowledged messages per device. */
    window: z.number().int().min(1).max(10_000).default(100),
    /** First sequence number (value) of each device: restarts continue where the last run stopped. */
    startSeq: z.number().int().min(1).default(1),
    progressMs: z.number().int().min(50).default(250),
    /** How long to wait for PUBACKs still in flight after issuing stopped. */
    drainMs: z.number().int().min(0).default(5000),
  })
  .strict()
  .refine((c) => c.durationMs !== undefined || c.count !== undefined, 'give durationMs or count');
export type LoadSimConfig = z.input<typeof loadSimConfigSchema>;

export interface LoadSimReport {
  type: 'done';
  issued: number;
  acked: number;
  /** Publishes whose callback reported an error (connection closed before the PUBACK). */
  failed: number;
  /** Issued but neither acknowledged nor failed when the simulator stopped. */
  unresolved: number;
  /** Unacknowledged messages at the moment a connection was lost (0 when none was). */
  inFlightAtLoss: number;
  connectionLost: boolean;
  /** Sequence numbers acknowledged, per device. */
  ackedSeqs: Record<string, number[]>;
  /** Highest sequence number issued, per device. */
  lastSeq: Record<string, number>;
  /** Notices received on the devices' …/errors topics. */
  notices: number;
  noticeReasons: Record<string, number>;
  /** Publish → PUBACK, in milliseconds. */
  latencyMs: { count: number; p50: number; p90: number; p99: number; max: number; mean: number };
  /** Acknowledgements per whole second of the issuing period: [second, count]. */
  perSecond: [number, number][];
  issuingMs: number;
  /** Acknowledged messages per second over the issuing period. */
  achievedRate: number;
  disconnects: number;
}

/** Payloads every one of which the platform must refuse without dropping the device. */
export function malformedPayload(i: number): string | Buffer {
  switch (i % 6) {
    case 0:
      return '{"ts": 17000000'; // malformed JSON
    case 1:
      return JSON.stringify({ ts: Date.now(), value: 'high' }); // wrong type
    case 2:
      return JSON.stringify({ ts: Date.now(), value: 1, injected: '<script>' }); // unknown field (strict schema)
    case 3:
      return Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]); // binary garbage
    case 4:
      return JSON.stringify({ ts: -5, value: 1 }); // negative timestamp
    default:
      return JSON.stringify({ ts: Date.now(), value: 1, note: 'x'.repeat(20_000) }); // over the payload limit
  }
}

// The child process's whole protocol (configuration, issuing, progress, report) in the order it
// speaks it; a later line `stop` ends issuing early.
async function main(): Promise<void> {
  const { cfg, stopAsked, close } = await readPlan(loadSimConfigSchema);
  const out = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });

  interface Dev {
    id: string;
    topic: string;
    client: MqttClient;
    inFlight: number;
    nextSeq: number;
    acked: number[];
  }
  const devices: Dev[] = [];
  let connectionLost = false;
  let inFlightAtLoss = 0;
  let disconnects = 0;
  let notices = 0;
  const noticeReasons: Record<string, number> = {};
  let issued = 0;
  let acked = 0;
  let failed = 0;
  const perSecond = new Map<number, number>();
  let t0 = 0;

  const inFlightTotal = () => devices.reduce((n, d) => n + d.inFlight, 0);
  const onLoss = () => {
    if (connectionLost) return;
    connectionLost = true;
    inFlightAtLoss = inFlightTotal();
  };

  for (const d of cfg.devices) {
    const client = await mqtt.connectAsync(cfg.url, {
      clientId: mqttIdentity(d.tenantId, d.id),
      username: mqttIdentity(d.tenantId, d.id),
      password: d.secret,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      clean: true,
    });
    client.on('error', () => undefined);
    client.on('close', () => {
      disconnects++;
      onLoss();
    });
    const prefix = `tenants/${d.tenantId}/devices/${d.id}`;
    client.on('message', (_topic, payload) => {
      notices++;
      try {
        const reason = String((JSON.parse(payload.toString('utf8')) as { reason?: string }).reason ?? 'unknown');
        noticeReasons[reason] = (noticeReasons[reason] ?? 0) + 1;
      } catch {
        noticeReasons['unparsable'] = (noticeReasons['unparsable'] ?? 0) + 1;
      }
    });
    await client.subscribeAsync(`${prefix}/errors`, { qos: 0 });
    devices.push({ id: d.id, topic: `${prefix}/telemetry`, client, inFlight: 0, nextSeq: cfg.startSeq, acked: [] });
  }
  out({ type: 'ready' });

  let rr = 0;
  const issueOne = (): boolean => {
    for (let tries = 0; tries < devices.length; tries++) {
      const d = devices[rr++ % devices.length]!;
      if (d.inFlight >= cfg.window || !d.client.connected) continue;
      const seq = d.nextSeq++;
      const payload = cfg.mode === 'valid' ? JSON.stringify({ ts: Date.now(), value: seq }) : malformedPayload(seq);
      const started = performance.now();
      d.inFlight++;
      issued++;
      d.client.publish(d.topic, payload, { qos: 1 }, (err) => {
        d.inFlight--;
        if (err) {
          failed++;
          return;
        }
        acked++;
        d.acked.push(seq);
        histogram.recordValue(Math.max(1, Math.round((performance.now() - started) * 1000)));
        const sec = Math.floor((performance.now() - t0) / 1000);
        perSecond.set(sec, (perSecond.get(sec) ?? 0) + 1);
      });
      return true;
    }
    return false;
  };

  t0 = performance.now();
  const progress = setInterval(() => out({ type: 'progress', issued, acked, failed, inFlight: inFlightTotal() }), cfg.progressMs);
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = performance.now() - t0;
      const done = stopAsked() || connectionLost || (cfg.durationMs !== undefined && elapsed >= cfg.durationMs) || (cfg.count !== undefined && issued >= cfg.count);
      if (done) {
        clearInterval(tick);
        resolve();
        return;
      }
      const cap = cfg.count ?? Number.POSITIVE_INFINITY;
      const due = cfg.rate > 0 ? Math.min(cap, Math.floor((cfg.rate * elapsed) / 1000)) : cap;
      // Rate 0: fill every window; otherwise catch up with the schedule, bounded per tick.
      let budget = cfg.rate > 0 ? due - issued : devices.length * cfg.window;
      while (budget-- > 0 && issued < cap && issueOne());
    }, 5);
  });
  const issuingMs = performance.now() - t0;
  const drainUntil = Date.now() + (connectionLost ? 300 : cfg.drainMs);
  while (inFlightTotal() > 0 && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 10));
  clearInterval(progress);

  const ms = (us: number) => Math.round(us / 10) / 100;
  const seconds = [...perSecond.keys()];
  const report: LoadSimReport = {
    type: 'done',
    issued,
    acked,
    failed,
    unresolved: inFlightTotal(),
    inFlightAtLoss,
    connectionLost,
    ackedSeqs: Object.fromEntries(devices.map((d) => [d.id, d.acked])),
    lastSeq: Object.fromEntries(devices.map((d) => [d.id, d.nextSeq - 1])),
    notices,
    noticeReasons,
    latencyMs: {
      count: histogram.totalCount,
      p50: ms(histogram.getValueAtPercentile(50)),
      p90: ms(histogram.getValueAtPercentile(90)),
      p99: ms(histogram.getValueAtPercentile(99)),
      max: ms(histogram.maxValue),
      mean: ms(histogram.mean),
    },
    // Whole seconds of the issuing period only: a last partial second would read as a drop.
    perSecond: seconds.length
      ? Array.from({ length: Math.max(1, Math.min(Math.max(...seconds) + 1, Math.floor(issuingMs / 1000))) }, (_, s): [number, number] => [s, perSecond.get(s) ?? 0])
      : [],
    issuingMs: Math.round(issuingMs),
    achievedRate: Math.round((acked / Math.max(issuingMs, 1)) * 1000 * 10) / 10,
    disconnects,
  };
  // The report can be hundreds of kB (every acknowledged sequence number): wait until the pipe
  // took it all, or process.exit() below would cut it short.
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
