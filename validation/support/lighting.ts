// Lighting steps shared by the pilot scenarios: a demo town provisioned through the pilot's API
// (POST …/demo/provision returns the devices' one-time secrets and the lamp models), lamps that
// speak MQTT like the lamp nodes of the simulator, and the lamp power model written out by hand
// from the models' datasheet figures (input power = driver loss + rated power × level / 100,
// standby when off; the same first-order LED driver model the pilot documents in
// pilots/lighting/domain/power.ts, re-stated here so the check does not reuse the code it checks).
import type { MqttClient } from 'mqtt';
import type { ApiClient } from './api-client.ts';
import { connectDevice } from './mqtt-probe.ts';

export const LT = '/api/v1/pilots/lighting';

export interface LampModelInfo {
  id: string;
  powerRating: number;
  driverLoss: number;
  standbyPower: number;
  minDimLevel: number;
}

export interface Town {
  tenantId: string;
  devices: { id: string; kind: string; secret: string }[];
  extra: {
    installation: { id: string; latitude: number; longitude: number; timeZone: string };
    models: LampModelInfo[];
    lamps: { id: string; groupId: string; cabinetId: string; modelId: string }[];
  };
}

export async function provisionTown(admin: ApiClient, lamps: number, seed = 7): Promise<Town> {
  const res = await admin.post(`${LT}/demo/provision`, { lamps, seed });
  if (res.status !== 201) throw new Error(`lighting provisioning failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Town;
}

export function modelOf(town: Town, lampId: string): LampModelInfo {
  const lamp = town.extra.lamps.find((l) => l.id === lampId)!;
  return town.extra.models.find((m) => m.id === lamp.modelId)!;
}

/** Input power (W) of a healthy lamp at a level, from the datasheet figures. */
export function handPower(m: LampModelInfo, level: number): number {
  if (level <= 0) return m.standbyPower;
  return m.driverLoss + (m.powerRating * Math.min(100, Math.max(level, m.minDimLevel))) / 100;
}

export interface LampReading {
  ts: number;
  powerState: 'on' | 'off' | 'low';
  dimLevel: number;
  activePower: number;
  voltage: number;
  current: number;
  powerFactor: number;
  driverTemperature: number;
  burningHours: number;
}

export function lampReading(ts: number, level: number, watts: number): LampReading {
  return {
    ts,
    powerState: level <= 0 ? 'off' : level >= 100 ? 'on' : 'low',
    dimLevel: level,
    activePower: Math.round(watts * 100) / 100,
    voltage: 230,
    current: Math.round((watts / 230 / 0.95) * 1000) / 1000,
    powerFactor: 0.95,
    driverTemperature: 45,
    burningHours: 1000,
  };
}

export interface LampNode {
  id: string;
  client: MqttClient;
  /** Commands received, with the time (of the given clock) they arrived. */
  commands: { at: number; id: string; name: string; params: Record<string, unknown> }[];
  report(r: LampReading): Promise<void>;
  close(): Promise<void>;
}

/** A lamp node: subscribes to its commands and acknowledges each as done, like the simulator's. */
export async function connectLamp(port: number, tenantId: string, d: { id: string; secret: string }, clock: () => number = Date.now): Promise<LampNode> {
  const client = await connectDevice(port, { ...d, tenantId });
  const prefix = `tenants/${tenantId}/devices/${d.id}`;
  const node: LampNode = {
    id: d.id,
    client,
    commands: [],
    report: async (r) => {
      await client.publishAsync(`${prefix}/telemetry`, JSON.stringify(r), { qos: 1 });
    },
    close: () => client.endAsync(true),
  };
  client.on('message', (topic, payload) => {
    if (!topic.startsWith(`${prefix}/commands/`) || topic.endsWith('/ack')) return;
    const c = JSON.parse(payload.toString('utf8')) as { id: string; name: string; params?: Record<string, unknown> };
    node.commands.push({ at: clock(), id: c.id, name: c.name, params: c.params ?? {} });
    void client.publishAsync(`${topic}/ack`, JSON.stringify({ status: 'done' }), { qos: 1 }).catch(() => undefined);
  });
  await client.subscribeAsync(`${prefix}/commands/+`, { qos: 1 });
  return node;
}
