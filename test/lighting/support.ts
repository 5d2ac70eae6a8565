// Helpers for the lighting integration tests: a hand-driven clock, provisioning through the API,
// and minimal lamp/cabinet devices speaking MQTT over TCP (subscribe to their commands, ack them,
// publish telemetry) the way the simulator does.
import mqtt, { type MqttClient } from 'mqtt';
import { expect } from 'vitest';
import type { ApiClient } from '../../validation/support/api-client.ts';
import type { Harness } from '../../validation/support/harness.ts';
import { mqttIdentity } from '../../platform/broker/topics.ts';

export const API = '/api/v1/pilots/lighting';

export interface ManualClock {
  (): number;
  set(ms: number): void;
  advance(ms: number): void;
}

/** A clock the test moves by hand (the pilot reads it; the platform keeps real time). */
export function manualClock(start: number): ManualClock {
  let t = start;
  const clock = (() => t) as ManualClock;
  clock.set = (ms) => void (t = ms);
  clock.advance = (ms) => void (t += ms);
  return clock;
}

export interface FleetDevice {
  id: string;
  kind: string;
  secret: string;
  tenantId: string;
}

export interface Fleet {
  tenantId: string;
  devices: FleetDevice[];
  extra: {
    lamps: { id: string; cabinetId: string; groupId: string; modelId: string }[];
    cabinets: { id: string }[];
    models: { id: string; powerRating: number; driverLoss: number }[];
  };
}

export async function provision(admin: ApiClient, body: Record<string, unknown>): Promise<Fleet> {
  const res = await admin.post(`${API}/demo/provision`, body);
  if (res.status !== 201) throw new Error(`provision failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Fleet;
}

export interface ReceivedCommand {
  id: string;
  name: string;
  params: Record<string, unknown>;
}

export interface TestDevice {
  id: string;
  client: MqttClient;
  commands: ReceivedCommand[];
  publishTelemetry(data: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/** Connects a device with its own credentials, subscribes to its commands and acks each one `done`. */
export async function connectDevice(h: Harness, d: FleetDevice, opts: { ack?: boolean } = {}): Promise<TestDevice> {
  const prefix = `tenants/${d.tenantId}/devices/${d.id}`;
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.platform.mqttPort}`, {
    clientId: mqttIdentity(d.tenantId, d.id),
    username: mqttIdentity(d.tenantId, d.id),
    password: d.secret,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
  const commands: ReceivedCommand[] = [];
  client.on('message', (topic, payload) => {
    if (!topic.startsWith(`${prefix}/commands/`) || topic.endsWith('/ack')) return;
    const cmd = JSON.parse(payload.toString()) as ReceivedCommand;
    commands.push(cmd);
    if (opts.ack !== false) void client.publishAsync(`${topic}/ack`, JSON.stringify({ status: 'done' }), { qos: 1 }).catch(() => undefined);
  });
  await client.subscribeAsync(`${prefix}/commands/+`, { qos: 1 });
  return {
    id: d.id,
    client,
    commands,
    publishTelemetry: async (data) => void (await client.publishAsync(`${prefix}/telemetry`, JSON.stringify(data), { qos: 1 })),
    close: async () => void (await client.endAsync()),
  };
}

/** A lamp's telemetry at `level` % as the browser tests send it (ts now, nominal electricals). */
export const lampTelemetry = (level: number) => ({ ts: Date.now(), powerState: level > 0 ? 'on' : 'off', dimLevel: level, activePower: level / 2, voltage: 231, current: level / 462, powerFactor: 0.96, driverTemperature: 38, burningHours: 4200 });

/** A lamp on line reporting `level` % that does not carry out what it receives until told to,
 *  returned once `viewer` sees that level through the API. */
export async function heldLampAt(h: Harness, d: FleetDevice, level: number, viewer: ApiClient): Promise<TestDevice> {
  const lamp = await connectDevice(h, d, { ack: false });
  try {
    await lamp.publishTelemetry(lampTelemetry(level));
    await expect.poll(async () => (await viewer.get(`${API}/lamps/${d.id}`)).body.dimLevel, { timeout: 5000 }).toBe(level);
  } catch (err) {
    await lamp.close().catch(() => undefined);
    throw err;
  }
  return lamp;
}

/** Waits until `check` holds (for hooks, where expect.poll is not available). */
export async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs `fn` over `items` with at most `limit` in flight (bounded fan-out of connections). */
export async function inBatches<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += limit) out.push(...(await Promise.all(items.slice(i, i + limit).map(fn))));
  return out;
}

/** A healthy lamp's reading at `level` percent for a model (power per domain/power.ts). */
export function lampReading(ts: number, model: { powerRating: number; driverLoss: number }, level: number, activePower?: number) {
  const watts = activePower ?? (level > 0 ? model.driverLoss + (model.powerRating * level) / 100 : 0.5);
  return {
    ts,
    powerState: level <= 0 ? 'off' : level < 50 ? 'low' : 'on',
    dimLevel: level,
    activePower: watts,
    voltage: 230,
    current: Math.round((watts / (230 * 0.95)) * 1000) / 1000,
    powerFactor: 0.95,
    driverTemperature: 40,
    burningHours: 1200,
  };
}
