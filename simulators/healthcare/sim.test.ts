import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { news2, observationSet } from '../../pilots/healthcare/domain/news2.ts';
import {
  DEVICE_KINDS,
  eventPayload,
  implausibleFields,
  parseTelemetry,
  readingsFromTelemetry,
  type DeviceKind,
  type TelemetryPayload,
  type VitalReading,
} from '../../pilots/healthcare/domain/vitals.ts';
import { commandAckTopic, eventsTopic, mqttIdentity, parseDeviceTopic } from '../../platform/broker/topics.ts';
import { loadFleet, writeFleet } from '../common/fleet.ts';
import { startTestBroker, type Received, type TestBroker } from '../common/testing.ts';
import { main } from './cli.ts';
import { healthcareFleetSchema, type HealthcareFleet } from './fleet.ts';
import { createHealthcareSim, type HealthcareSim } from './sim.ts';

const T = 'care-test';
const ALL_KINDS = [...DEVICE_KINDS];

/** A tiny synthetic fleet: patient 0 (COPD) has every kind of device, patient 1 a hub and an oximeter. */
function tinyFleet(): HealthcareFleet {
  const dev = (p: number, kind: DeviceKind) => ({
    id: `hc-p${p}-${kind}`,
    kind,
    secret: `secret-${p}-${kind}`,
    tenantId: T,
    attributes: { pilot: 'healthcare' },
    subject: `patient-${p}`,
  });
  const p0 = ALL_KINDS.map((k) => dev(0, k));
  const p1 = (['home-hub', 'pulse-oximeter'] as const).map((k) => dev(1, k));
  return {
    tenantId: T,
    pilot: 'healthcare',
    devices: [...p0, ...p1],
    extra: {
      patients: [
        { id: 'patient-0', condition: 'copd', scale: 2, hubDeviceId: 'hc-p0-home-hub', deviceIds: p0.map((d) => d.id) },
        { id: 'patient-1', condition: 'healthy', scale: 1, hubDeviceId: 'hc-p1-home-hub', deviceIds: ['hc-p1-pulse-oximeter'] },
      ],
    },
  };
}

const kindOf = (fleet: HealthcareFleet, deviceId: string) => fleet.devices.find((d) => d.id === deviceId)!.kind as DeviceKind;

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function run(fleet: HealthcareFleet, extra: Partial<Parameters<typeof createHealthcareSim>[0]> = {}): Promise<{ broker: TestBroker; sim: HealthcareSim }> {
  const broker = await startTestBroker({ devices: fleet.devices });
  cleanup.push(() => broker.close());
  const intervalsMs = Object.fromEntries(ALL_KINDS.map((k) => [k, 120]));
  const sim = createHealthcareSim({ fleet, url: broker.url, seed: 42, intervalsMs, reconnect: { minMs: 20, maxMs: 100 }, tickMs: 10, ...extra });
  cleanup.push(() => sim.stop());
  await sim.start();
  return { broker, sim };
}

function telemetry(broker: TestBroker, fleet: HealthcareFleet, from = 0) {
  return broker.received.slice(from).flatMap((m) => {
    const t = parseDeviceTopic(m.topic);
    return t?.family === 'telemetry' ? [{ kind: kindOf(fleet, t.deviceId), deviceId: t.deviceId, payload: JSON.parse(m.payload) as unknown, m }] : [];
  });
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

/** NEWS2 of patient 0 from what its devices published, over everything received from `from` on. */
function news2Of(broker: TestBroker, fleet: HealthcareFleet, from: number) {
  const readings: VitalReading[] = telemetry(broker, fleet, from)
    .filter((r) => r.deviceId.startsWith('hc-p0-'))
    .flatMap((r) => readingsFromTelemetry(r.payload as TelemetryPayload, r.deviceId));
  return news2(observationSet(readings, { at: Date.now(), windowMs: 60 * 60_000 }), 2);
}

describe('healthcare simulator', () => {
  it('every device publishes its kind\'s telemetry, and every payload passes the pilot\'s schema', async () => {
    const fleet = tinyFleet();
    const { broker } = await run(fleet);
    await waitUntil(() => new Set(telemetry(broker, fleet).map((r) => r.deviceId)).size === fleet.devices.length);
    await new Promise((r) => setTimeout(r, 300));
    const all = telemetry(broker, fleet);
    for (const r of all) {
      const parsed = parseTelemetry(r.kind, r.payload);
      expect(parsed.success, `${r.kind}: ${JSON.stringify(r.payload)}`).toBe(true);
      expect(r.m.qos).toBe(1);
    }
    const hub = all.find((r) => r.kind === 'home-hub')!.payload as Record<string, unknown>;
    expect(hub).toMatchObject({ consciousness: 'A', onOxygen: expect.any(Boolean) });
    // Stable physiology: a complete NEWS2 set, and a COPD patient on scale 2 scores low.
    const score = news2Of(broker, fleet, 0);
    expect(score.partial).toBe(false);
    expect(score.total).toBeLessThanOrEqual(4);
  });

  it('a deterioration drives the published vitals to a NEWS2 of 7 or more', async () => {
    const fleet = tinyFleet();
    const { broker, sim } = await run(fleet, { deteriorationMs: 300 });
    await waitUntil(() => telemetry(broker, fleet).length > 20);
    expect(await sim.command(['deteriorate', '0'])).toMatch(/patient #0 deteriorating/);
    await new Promise((r) => setTimeout(r, 400)); // the ramp is complete after 300 ms
    const from = broker.received.length;
    await waitUntil(() => !news2Of(broker, fleet, from).partial);
    const score = news2Of(broker, fleet, from);
    expect(score.total).toBeGreaterThanOrEqual(7);
    expect(score.band).toBe('high');
  });

  it('answers the platform\'s simulate and message commands with acks, and a fall arrives as a valid event', async () => {
    const fleet = tinyFleet();
    const { broker } = await run(fleet, { messageDoneMs: 50 });
    await waitUntil(() => telemetry(broker, fleet).some((r) => r.deviceId === 'hc-p0-home-hub'));
    await broker.sendCommand(T, 'hc-p0-home-hub', { id: 'cmd-fall', name: 'simulate', params: { scenario: 'fall' } });
    await broker.sendCommand(T, 'hc-p0-home-hub', { id: 'cmd-msg', name: 'message', params: { kind: 'message', text: 'Please take a reading' } });
    await broker.sendCommand(T, 'hc-p0-home-hub', { id: 'cmd-bad', name: 'simulate', params: { scenario: 'meteor' } });
    const acks = async (id: string, last: string) => {
      await broker.waitFor((m) => m.topic === commandAckTopic(T, 'hc-p0-home-hub', id) && m.payload.includes(last));
      return broker.received.filter((m) => m.topic === commandAckTopic(T, 'hc-p0-home-hub', id)).map((m) => JSON.parse(m.payload).status);
    };
    expect(await acks('cmd-fall', 'done')).toEqual(['accepted', 'done']);
    expect(await acks('cmd-msg', 'done')).toEqual(['accepted', 'done']);
    expect(await acks('cmd-bad', 'failed')).toEqual(['failed']);
    const fall = await broker.waitFor((m) => m.topic === eventsTopic(T, 'hc-p0-wearable'));
    const event = eventPayload.safeParse(JSON.parse(fall.payload));
    expect(event.success).toBe(true);
    expect(event.data?.type).toBe('fall');
  });

  it('the offline scenario cuts the home\'s links (wills published) and they return by themselves with what they measured', async () => {
    const fleet = tinyFleet();
    const { broker, sim } = await run(fleet, { offlineMs: 300 });
    await waitUntil(() => sim.status().online === fleet.devices.length);
    await broker.sendCommand(T, 'hc-p1-home-hub', { id: 'cmd-off', name: 'simulate', params: { scenario: 'offline' } });
    await broker.waitFor((m) => m.topic === commandAckTopic(T, 'hc-p1-home-hub', 'cmd-off') && m.payload.includes('done'));
    const offAt = Date.now();
    for (const id of ['hc-p1-home-hub', 'hc-p1-pulse-oximeter']) {
      await broker.waitFor((m) => m.clientId === mqttIdentity(T, id) && m.topic.endsWith('/status') && m.payload === 'offline');
    }
    expect(sim.status().online).toBe(fleet.devices.length - 2);
    await waitUntil(() => sim.status().online === fleet.devices.length && allDelivered(sim));
    const measuredAway = telemetry(broker, fleet).filter((r) => r.deviceId.startsWith('hc-p1-') && (r.payload as { ts: number }).ts > offAt + 50);
    expect(measuredAway.length).toBeGreaterThan(0);
  });

  it('an implausible scenario publishes a schema-valid reading that the pilot flags as implausible', async () => {
    const fleet = tinyFleet();
    const { broker, sim } = await run(fleet);
    await waitUntil(() => telemetry(broker, fleet).length > 5);
    const from = broker.received.length;
    expect(await sim.apply('implausible', 0)).toMatch(/implausible reading from/);
    await waitUntil(() => telemetry(broker, fleet, from).some((r) => implausibleFields(r.payload as TelemetryPayload).length > 0));
    for (const r of telemetry(broker, fleet, from)) expect(parseTelemetry(r.kind, r.payload).success).toBe(true);
  });

  it('keeps measuring while the broker is down and delivers the buffered readings after it returns', async () => {
    const fleet = tinyFleet();
    const { broker, sim } = await run(fleet);
    await waitUntil(() => sim.status().online === fleet.devices.length);
    const downAt = Date.now();
    await broker.stop();
    // Every device measures at least once while the broker is away (waiting, not sleeping: CI may be slow).
    await waitUntil(() => [...sim.devices.values()].every((d) => d.counters.buffered > 0));
    const upAt = Date.now();
    await broker.restart();
    await waitUntil(() => sim.status().online === fleet.devices.length && allDelivered(sim));
    const during = telemetry(broker, fleet).filter((r) => {
      const ts = (r.payload as { ts: number }).ts;
      return ts > downAt && ts < upAt;
    });
    expect(new Set(during.map((r) => r.deviceId)).size).toBe(fleet.devices.length);
    expect(sim.status().dropped).toBe(0);
  });

  it('runs from a fleet file through the CLI, takes stdin commands and stops cleanly on SIGTERM', async () => {
    const fleet = tinyFleet();
    const dir = mkdtempSync(join(tmpdir(), 'sim-hc-'));
    const file = join(dir, 'fleet.json');
    await writeFleet(file, fleet);
    expect((await loadFleet(file, healthcareFleetSchema)).warning).toBeNull();
    const broker = await startTestBroker({ devices: fleet.devices });
    cleanup.push(() => broker.close());
    const stdin = new PassThrough();
    const signals = new EventEmitter();
    let out = '';
    const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (out += s) }, stdin, env: {}, signals, statusEveryMs: 100 };
    const exit = main(['--fleet', file, '--mqtt', broker.url, '--speed', '600', '--scenario', 'battery-low:1'], io);
    await broker.waitFor((m) => m.topic === eventsTopic(T, 'hc-p1-home-hub'));
    stdin.write('fall 0\n');
    await broker.waitFor((m) => m.topic === eventsTopic(T, 'hc-p0-wearable'));
    await new Promise((r) => setTimeout(r, 150));
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await exit).toBe(0);
    expect(out).toMatch(/patient #1's hub battery at \d+ %/);
    expect(out).toMatch(/patient #0 fell/);
    expect(out).toMatch(/devices 9 · online \d+ · sent \d+/);
    expect(out).not.toMatch(/secret-/);
  });
});
