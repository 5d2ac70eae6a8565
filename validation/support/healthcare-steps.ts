// Steps against the healthcare pilot, shared by its scenarios and integration tests: enrol over the API, speak MQTT as a device,
// listen on socket.io as a user. Every wait is bounded.
import mqtt, { type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import type { ApiClient } from './api-client.ts';
import { deviceCreds } from './mqtt-probe.ts';
import type { Harness } from './harness.ts';

export const HC = '/api/v1/pilots/healthcare';

export interface EnrolledDevice {
  id: string;
  kind: string;
  secret: string;
}

export interface EnrolledPatient {
  id: string;
  hubDeviceId: string;
  devices: Record<string, EnrolledDevice>;
}

let counter = 0;

/** Enrols a synthetic patient (consent given unless told otherwise) as the given user. */
export async function enrol(client: ApiClient, body: Record<string, unknown> = {}): Promise<EnrolledPatient> {
  counter++;
  const res = await client.post(`${HC}/patients`, {
    identifier: `SYN-${String(500_000 + counter * 37 + Math.floor(Math.random() * 30)).padStart(6, '0')}`,
    givenName: 'Synthia',
    familyName: `Testcase`,
    birthDate: '1947-07-21',
    sex: 'female',
    consent: { status: 'given', note: 'synthetic' },
    ...body,
  });
  if (res.status !== 201) throw new Error(`enrol failed: ${res.status} ${JSON.stringify(res.body)}`);
  const devices: Record<string, EnrolledDevice> = {};
  for (const d of res.body.devices as EnrolledDevice[]) devices[d.kind] = d;
  return { id: res.body.id, hubDeviceId: res.body.hubDeviceId, devices };
}

export class Device {
  readonly errors: unknown[] = [];
  readonly commands: { topic: string; body: Record<string, unknown> }[] = [];
  private constructor(
    readonly client: MqttClient,
    readonly tenantId: string,
    readonly id: string,
  ) {}

  static async connect(h: Harness, tenantId: string, d: EnrolledDevice): Promise<Device> {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.platform.mqttPort}`, {
      ...deviceCreds({ ...d, tenantId }),
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    const dev = new Device(client, tenantId, d.id);
    const prefix = `tenants/${tenantId}/devices/${d.id}`;
    client.on('message', (topic, payload) => {
      const body = JSON.parse(payload.toString('utf8'));
      if (topic === `${prefix}/errors`) dev.errors.push(body);
      else if (topic.startsWith(`${prefix}/commands/`)) dev.commands.push({ topic, body });
    });
    await client.subscribeAsync([`${prefix}/errors`, `${prefix}/commands/+`], { qos: 1 });
    return dev;
  }

  /** QoS 1: resolves on the PUBACK, which the platform sends after the durable commit. */
  async send(family: 'telemetry' | 'events', payload: Record<string, unknown>): Promise<void> {
    await this.client.publishAsync(`tenants/${this.tenantId}/devices/${this.id}/${family}`, JSON.stringify(payload), { qos: 1 });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** Connects every device of a patient. */
export async function connectAll(h: Harness, tenantId: string, p: EnrolledPatient): Promise<Record<string, Device>> {
  const out: Record<string, Device> = {};
  for (const [kind, d] of Object.entries(p.devices)) out[kind] = await Device.connect(h, tenantId, d);
  return out;
}

export interface Vitals {
  rr: number;
  spo2: number;
  sys: number;
  hr: number;
  temp: number;
}

/** One complete observation set from a patient's devices (the hub reports ACVPU and air). */
export async function sendSet(devices: Record<string, Device>, v: Vitals, ts: number): Promise<void> {
  await devices['wearable']!.send('telemetry', { ts, heartRate: v.hr, respiratoryRate: v.rr, movement: 0.1 });
  await devices['pulse-oximeter']!.send('telemetry', { ts, spo2: v.spo2, heartRate: v.hr });
  await devices['bp-cuff']!.send('telemetry', { ts, systolic: v.sys, diastolic: Math.round(v.sys * 0.6), heartRate: v.hr });
  await devices['thermometer']!.send('telemetry', { ts, temperature: v.temp });
  await devices['home-hub']!.send('telemetry', { ts, battery: 90, connectivity: 'wifi', consciousness: 'A', onOxygen: false });
}

export const NORMAL: Vitals = { rr: 16, spo2: 97, sys: 125, hr: 72, temp: 36.8 };
export const HIGH: Vitals = { rr: 26, spo2: 88, sys: 95, hr: 125, temp: 39.5 };

export interface Listener {
  socket: Socket;
  events: { type: string; payload: any }[];
  close(): void;
}

/** A socket.io client of a user, recording every event it hears. */
export async function listen(h: Harness, username: string): Promise<Listener> {
  const { token } = await h.as(username);
  const socket = io(h.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  const events: Listener['events'] = [];
  socket.onAny((type: string, payload: unknown) => events.push({ type, payload }));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`socket of ${username} did not connect`)), 5000);
    socket.once('hello', () => {
      clearTimeout(t);
      resolve();
    });
    socket.once('connect_error', (err) => {
      clearTimeout(t);
      reject(err);
    });
  });
  return { socket, events, close: () => socket.close() };
}

/** Polls until fn returns a value other than undefined/false, or fails after timeoutMs. */
export async function eventually<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 5000, everyMs = 25): Promise<Exclude<T, undefined | false>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as Exclude<T, undefined | false>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
