import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { cabinetTelemetrySchema, lampTelemetrySchema, lightingEventSchema, type LampModel } from '../../pilots/lighting/domain/model.ts';
import { expectedPower } from '../../pilots/lighting/domain/power.ts';
import { buildDemoInventory, fleetExtra } from '../../pilots/lighting/seed.ts';
import { commandAckTopic, eventsTopic, mqttIdentity, parseDeviceTopic, statusTopic, telemetryTopic } from '../../platform/broker/topics.ts';
import { parseFleet } from '../common/fleet.ts';
import { startTestBroker, type TestBroker } from '../common/testing.ts';
import { main } from './cli.ts';
import { lightingFleetSchema, type LightingFleet } from './fleet.ts';
import { createLightingSim, type LightingSim } from './sim.ts';

const T = 'city-test';

/** A small synthetic town from the pilot's own demo generator: one cabinet, four lamps. */
function tinyFleet(): LightingFleet {
  const inv = buildDemoInventory({ tenantId: T, seed: 7, lamps: 4, cabinets: 1 });
  const devices = [
    ...inv.lamps.map((l) => ({ id: l.id, kind: 'lamp', secret: `s-${l.id}`, tenantId: T, attributes: { cabinetId: l.cabinetId }, subject: null })),
    ...inv.cabinets.map((c) => ({ id: c.id, kind: 'cabinet', secret: `s-${c.id}`, tenantId: T, attributes: {}, subject: null })),
  ];
  return parseFleet(lightingFleetSchema, { tenantId: T, pilot: 'lighting', devices, extra: fleetExtra(inv, 60_000) });
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function run(fleet: LightingFleet, extra: Partial<Parameters<typeof createLightingSim>[0]> = {}): Promise<{ broker: TestBroker; sim: LightingSim }> {
  const broker = await startTestBroker({ devices: fleet.devices });
  cleanup.push(() => broker.close());
  const sim = createLightingSim({ fleet, url: broker.url, seed: 7, intervalMs: 150, reconnect: { minMs: 20, maxMs: 100 }, tickMs: 10, ...extra });
  cleanup.push(() => sim.stop());
  await sim.start();
  return { broker, sim };
}

/** Nothing buffered and nothing unacknowledged on any device. */
const allDelivered = (sim: { devices: ReadonlyMap<string, { counters: { buffered: number; inFlight: number } }> }) =>
  [...sim.devices.values()].every((d) => d.counters.buffered === 0 && d.counters.inFlight === 0);

const waitUntil = async (cond: () => boolean, timeoutMs = 5_000) => {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

const lampId = (n: number) => `${T}-lamp-000${n}`;
const cabinetId = `${T}-cab-001`;
const modelOf = (fleet: LightingFleet, id: string): LampModel => {
  const entry = fleet.extra.lamps.find((l) => l.id === id)!;
  const models: LampModel[] = Array.isArray(fleet.extra.models) ? fleet.extra.models : Object.values(fleet.extra.models);
  return models.find((m) => m.id === entry.modelId)!;
};

describe('lighting simulator', () => {
  it('every lamp and the cabinet report readings that pass the pilot\'s schemas', async () => {
    const fleet = tinyFleet();
    const { broker } = await run(fleet);
    await waitUntil(() => new Set(broker.received.filter((m) => m.topic.endsWith('/telemetry')).map((m) => m.clientId)).size === 5);
    for (const m of broker.received.filter((x) => x.topic.endsWith('/telemetry'))) {
      const schema = m.clientId === mqttIdentity(T, cabinetId) ? cabinetTelemetrySchema : lampTelemetrySchema;
      const parsed = schema.safeParse(JSON.parse(m.payload));
      expect(parsed.success, m.payload).toBe(true);
    }
  });

  it('a dim command is acked and the next report draws the model\'s power at that level (within noise)', async () => {
    const fleet = tinyFleet();
    const { broker } = await run(fleet);
    await waitUntil(() => broker.received.some((m) => m.topic === telemetryTopic(T, lampId(1))));
    await broker.sendCommand(T, lampId(1), { id: 'cmd-dim', name: 'switch', params: { action: 'dim', level: 50 } });
    const done = await broker.waitFor((m) => m.topic === commandAckTopic(T, lampId(1), 'cmd-dim') && m.payload.includes('done'));
    const acks = broker.received.filter((m) => m.topic === commandAckTopic(T, lampId(1), 'cmd-dim')).map((m) => JSON.parse(m.payload).status);
    expect(acks).toEqual(['accepted', 'done']);
    const next = await broker.waitFor((m) => m.topic === telemetryTopic(T, lampId(1)), 2_000, broker.received.indexOf(done));
    const reading = lampTelemetrySchema.parse(JSON.parse(next.payload));
    const expected = expectedPower(modelOf(fleet, lampId(1)), 50);
    expect(reading).toMatchObject({ dimLevel: 50, powerState: 'on' });
    expect(Math.abs(reading.activePower - expected)).toBeLessThanOrEqual(expected * 0.02 + 0.05);
    // The cabinet meter sees the lamp's new draw on its next report.
    const from = broker.received.length;
    const cab = await broker.waitFor((m) => m.topic === telemetryTopic(T, cabinetId), 2_000, from);
    expect(cabinetTelemetrySchema.parse(JSON.parse(cab.payload)).activePower).toBeGreaterThan(expected);
  });

  it('a failed lamp refuses to light: the switch command ends failed and the lamp draws a few watts', async () => {
    const fleet = tinyFleet();
    const { broker } = await run(fleet);
    await waitUntil(() => broker.received.some((m) => m.topic === telemetryTopic(T, lampId(2))));
    await broker.sendCommand(T, lampId(2), { id: 'cmd-fail', name: 'simulate', params: { scenario: 'lamp-failure' } });
    await broker.waitFor((m) => m.topic === commandAckTopic(T, lampId(2), 'cmd-fail') && m.payload.includes('done'));
    await broker.sendCommand(T, lampId(2), { id: 'cmd-on', name: 'switch', params: { action: 'on' } });
    const failed = await broker.waitFor((m) => m.topic === commandAckTopic(T, lampId(2), 'cmd-on') && !m.payload.includes('accepted'));
    expect(JSON.parse(failed.payload)).toMatchObject({ status: 'failed' });
    const next = await broker.waitFor((m) => m.topic === telemetryTopic(T, lampId(2)), 2_000, broker.received.indexOf(failed));
    expect(JSON.parse(next.payload).activePower).toBeLessThan(3.1);
    await broker.sendCommand(T, lampId(2), { id: 'cmd-bad', name: 'switch', params: { action: 'dim' } });
    const bad = await broker.waitFor((m) => m.topic === commandAckTopic(T, lampId(2), 'cmd-bad'));
    expect(JSON.parse(bad.payload)).toMatchObject({ status: 'failed', detail: expect.stringContaining('dim needs a level') });
  });

  it('mains loss darkens and silences the cabinet\'s lamps; restore brings them back', async () => {
    const fleet = tinyFleet();
    const { broker, sim } = await run(fleet);
    await waitUntil(() => sim.status().online === 5);
    expect(await sim.command(['on', '0'])).toMatch(/unknown command on/);
    expect(await sim.command(['mains-loss', cabinetId])).toMatch(/mains lost, 4 lamps dark/);
    const event = await broker.waitFor((m) => m.topic === eventsTopic(T, cabinetId));
    expect(lightingEventSchema.parse(JSON.parse(event.payload)).type).toBe('mains-lost');
    for (let n = 1; n <= 4; n++) await broker.waitFor((m) => m.topic === statusTopic(T, lampId(n)) && m.payload === 'offline');
    const from = broker.received.length;
    const cab = await broker.waitFor((m) => m.topic === telemetryTopic(T, cabinetId), 2_000, from);
    expect(JSON.parse(cab.payload)).toMatchObject({ mainsPresent: false, activePower: 0 });
    await new Promise((r) => setTimeout(r, 300));
    expect(broker.received.slice(from).filter((m) => parseDeviceTopic(m.topic)?.family === 'telemetry' && m.clientId !== mqttIdentity(T, cabinetId))).toEqual([]);
    expect(await sim.command(['restore', cabinetId])).toMatch(/restored/);
    await broker.waitFor((m) => m.topic === eventsTopic(T, cabinetId) && m.payload.includes('mains-restored'));
    await waitUntil(() => sim.status().online === 5);
    await broker.waitFor((m) => m.topic === telemetryTopic(T, lampId(3)), 2_000, broker.received.length);
  });

  it('comms loss from a simulate command: acked done, the node goes silent, and comes back by itself', async () => {
    const fleet = tinyFleet();
    const { broker, sim } = await run(fleet, { commsLossMs: 400 });
    await waitUntil(() => sim.status().online === 5);
    await broker.sendCommand(T, lampId(4), { id: 'cmd-silent', name: 'simulate', params: { scenario: 'comms-loss' } });
    await broker.waitFor((m) => m.topic === commandAckTopic(T, lampId(4), 'cmd-silent') && m.payload.includes('done'));
    const will = await broker.waitFor((m) => m.topic === statusTopic(T, lampId(4)) && m.payload === 'offline');
    const silentFrom = broker.received.indexOf(will);
    await broker.waitFor((m) => m.topic === statusTopic(T, lampId(4)) && m.payload === 'online', 3_000, silentFrom);
    const back = broker.received.findIndex((m, i) => i > silentFrom && m.topic === statusTopic(T, lampId(4)) && m.payload === 'online');
    const readingsWhileSilent = broker.received.slice(silentFrom, back).filter((m) => m.topic === telemetryTopic(T, lampId(4)));
    expect(readingsWhileSilent).toEqual([]);
    await broker.waitFor((m) => m.topic === telemetryTopic(T, lampId(4)), 2_000, back);
  });

  it('buffers lamp and cabinet readings while the broker is down and delivers them after it returns', async () => {
    const fleet = tinyFleet();
    const { broker, sim } = await run(fleet);
    await waitUntil(() => sim.status().online === 5);
    const downAt = Date.now();
    await broker.stop();
    // Every device measures at least once while the broker is away (waiting, not sleeping: CI may be slow).
    await waitUntil(() => [...sim.devices.values()].every((d) => d.counters.buffered > 0));
    const upAt = Date.now();
    await broker.restart();
    await waitUntil(() => sim.status().online === 5 && allDelivered(sim));
    const during = broker.received.filter((m) => m.topic.endsWith('/telemetry') && JSON.parse(m.payload).ts > downAt && JSON.parse(m.payload).ts < upAt);
    expect(new Set(during.map((m) => m.clientId)).size).toBe(5);
  });

  it('the CLI refuses inconsistent flags with one line and exit code 2', async () => {
    let err = '';
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) }, stdin: null, env: {}, signals: new EventEmitter() };
    expect(await main(['--api', 'http://127.0.0.1:1', '--user', 'u', '--cabinets', '9', '--lamps', '3'], io)).toBe(2);
    expect(err).toBe('sim:lighting: --cabinets: cannot exceed --lamps (every cabinet feeds at least one lamp) (see --help)\n');
    err = '';
    expect(await main(['--fleet', 'f.json', '--scenario', 'mains-loss'], io)).toBe(2);
    expect(err).toMatch(/--scenario: mains-loss needs a target/);
  });
});
