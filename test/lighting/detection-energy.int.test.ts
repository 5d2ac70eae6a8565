// Failure detection and energy end to end: readings published over MQTT by lamp and cabinet
// devices, on a hand-driven pilot clock with one-minute reporting. A dark lamp raises a lamp
// failure within two reporting intervals and clears when it recovers; silent lamps raise comms
// loss, which a cabinet's mains loss then explains away; the energy route matches a hand
// computation over a small synthetic series.
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zonedTimeToUtc } from '../../pilots/lighting/domain/index.ts';
import { createLightingPilot } from '../../pilots/lighting/index.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { API, connectDevice, lampReading, manualClock, provision, type Fleet, type TestDevice } from './support.ts';

const TZ = 'Europe/Madrid';
const local = (date: string, hhmm: string) => {
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  return zonedTimeToUtc(date, hh * 60 + mm, TZ).ms;
};
const MIN = 60_000;
const clock = manualClock(local('2026-01-15', '21:00')); // dark, and the demo programme has lamps at 100 %
let h: Harness;
let operator: ApiClient;
let fleet: Fleet;
const open: TestDevice[] = [];

const modelOf = (lampId: string) => {
  const l = fleet.extra.lamps.find((x) => x.id === lampId)!;
  return fleet.extra.models.find((m) => m.id === l.modelId)!;
};
const device = (id: string) => fleet.devices.find((d) => d.id === id)!;
const alarmsOf = async (source: string) =>
  ((await operator.get(`/api/v1/alarms?state=active`)).body.items as { source: string; type: string; severity: string; detail: Record<string, unknown> }[]).filter(
    (a) => a.source === source,
  );

beforeAll(async () => {
  h = await bootHarness({
    pilots: [createLightingPilot({ now: clock, tickMs: 50, reportIntervalMs: MIN, commsLossIntervals: 3 })],
    tenantPilots: ['lighting'],
  });
  operator = await h.as(h.tenants.a.users.operator);
  fleet = await provision(await h.as(h.tenants.a.users['tenant-admin']), { lamps: 12, seed: 5 });
});

afterAll(async () => {
  await Promise.all(open.map((d) => d.close().catch(() => undefined)));
  await h?.close();
});

describe('lamp failure', () => {
  it('a lit lamp drawing a few watts raises lamp-failure within two reporting intervals, and clears on recovery', async () => {
    const id = fleet.extra.lamps[0]!.id;
    const model = modelOf(id);
    const lamp = await connectDevice(h, device(id));
    open.push(lamp);
    const socket = io(h.url, { auth: { token: operator.token }, transports: ['websocket'], reconnection: false });
    const live: { id: string; status: string; activePower: number }[] = [];
    socket.on('lt.lamp', (batch: typeof live) => live.push(...batch));
    await new Promise((resolve) => socket.once('hello', resolve));
    await lamp.publishTelemetry(lampReading(clock(), model, 100));
    clock.advance(MIN);
    const onset = clock();
    await lamp.publishTelemetry(lampReading(onset, model, 100, 2.5));
    await new Promise((r) => setTimeout(r, 200));
    expect(await alarmsOf(`lamp:${id}`)).toEqual([]); // one dark reading is not yet a failure

    clock.advance(MIN);
    await lamp.publishTelemetry(lampReading(clock(), model, 100, 2.1));
    await expect.poll(async () => (await alarmsOf(`lamp:${id}`)).map((a) => a.type), { timeout: 3000 }).toEqual(['lamp-failure']);
    const [alarm] = await alarmsOf(`lamp:${id}`);
    expect((alarm!.detail.at as number) - onset).toBeLessThanOrEqual(2 * MIN);
    expect(alarm!.severity).toBe('major');
    const view = (await operator.get(`${API}/lamps/${id}`)).body;
    expect(view).toMatchObject({ status: 'defectiveLamp', powerState: 'on', activePower: 2.1, activeAlarm: { type: 'lamp-failure' } });
    // Live state reaches the dashboard in batches.
    await expect.poll(() => live.some((l) => l.id === id && l.status === 'defectiveLamp' && l.activePower === 2.1), { timeout: 3000 }).toBe(true);
    socket.close();

    clock.advance(MIN);
    await lamp.publishTelemetry(lampReading(clock(), model, 100));
    await expect.poll(async () => (await alarmsOf(`lamp:${id}`)).length, { timeout: 3000 }).toBe(0);
    expect((await operator.get(`${API}/lamps/${id}`)).body.status).toBe('ok');
  });
});

describe('comms loss and mains loss', () => {
  it('lamps silent for three intervals raise comms-loss; the cabinet reporting mains lost explains them away', async () => {
    const silent = fleet.extra.lamps[5]!.id;
    clock.advance(4 * MIN);
    await expect.poll(async () => (await alarmsOf(`lamp:${silent}`)).map((a) => a.type), { timeout: 3000 }).toEqual(['comms-loss']);
    const cabinetId = fleet.extra.lamps[5]!.cabinetId;
    expect((await alarmsOf(`cabinet:${cabinetId}`)).map((a) => a.type)).toEqual(['comms-loss']);

    const cabinet = await connectDevice(h, device(cabinetId));
    open.push(cabinet);
    await cabinet.publishTelemetry({
      ts: clock(),
      activeEnergy: 1234.5,
      activePower: 0,
      voltageL1: 0,
      voltageL2: 0,
      voltageL3: 0,
      currentL1: 0,
      currentL2: 0,
      currentL3: 0,
      mainsPresent: false,
      doorOpen: false,
    });
    await expect.poll(async () => (await alarmsOf(`cabinet:${cabinetId}`)).map((a) => [a.type, a.severity]), { timeout: 3000 }).toEqual([['mains-loss', 'critical']]);
    await expect.poll(async () => (await alarmsOf(`lamp:${silent}`)).length, { timeout: 3000 }).toBe(0);
    const cab = (await operator.get(`${API}/cabinets`)).body.items.find((c: { id: string }) => c.id === cabinetId);
    expect(cab).toMatchObject({ mainsPresent: false, online: true, alarms: [{ type: 'mains-loss' }] });
  });
});

describe('energy', () => {
  it('the energy route matches a hand computation for a small synthetic series', async () => {
    const id = fleet.extra.lamps[3]!.id;
    const groupId = fleet.extra.lamps[3]!.groupId;
    const model = modelOf(id);
    const full = model.powerRating + model.driverLoss;
    const half = model.driverLoss + model.powerRating / 2;
    const lamp = await connectDevice(h, device(id));
    open.push(lamp);
    // The evening before, one-minute reports: full, full, 50 %, 50 %.
    const t0 = local('2026-01-14', '20:00');
    for (const [i, level] of [100, 100, 50, 50].entries()) await lamp.publishTelemetry(lampReading(t0 + i * MIN, model, level));
    await expect.poll(async () => (await operator.get(`${API}/lamps/${id}/readings?from=2026-01-14&to=2026-01-14`)).body.items.length, { timeout: 3000 }).toBe(4);
    // A chart asks means per bucket: two 2-minute buckets of two readings each.
    const bucketed = await operator.get(`${API}/lamps/${id}/readings?from=2026-01-14&to=2026-01-14&bucket=120000`);
    expect(bucketed.body.items.map((r: { ts: number; dimLevel: number; readings: number }) => [r.ts - t0, r.dimLevel, r.readings])).toEqual([
      [MIN, 100, 2],
      [3 * MIN, 50, 2],
    ]);
    // A day in minute buckets is 1440, over the default limit of 1000: refused, not cut.
    expect((await operator.get(`${API}/lamps/${id}/readings?from=2026-01-14&to=2026-01-14&bucket=60000`)).status).toBe(400);

    // Each reading holds until the next; the last one is not held past the next report that never came
    // within three intervals of the day's end: 3 one-minute segments at full, full and half power.
    const kWh = ((full + full + half) / 60) / 1000;
    const baseline = ((3 * full) / 60) / 1000;
    const res = await operator.get(`${API}/energy?by=lamp&period=day&from=2026-01-14&to=2026-01-14`);
    expect(res.status).toBe(200);
    const row = res.body.rows.find((r: { key: string }) => r.key === id);
    expect(row.periods).toHaveLength(1);
    expect(row.periods[0].period).toBe('2026-01-14');
    expect(row.periods[0].kWh).toBeCloseTo(kWh, 9);
    expect(row.periods[0].baselineKWh).toBeCloseTo(baseline, 9);
    expect(row.periods[0].savedKWh).toBeCloseTo(baseline - kWh, 9);
    expect(row.periods[0].burningHours).toBeCloseTo(3 / 60, 9);
    expect(res.body.total.kWh).toBeCloseTo(kWh, 9);

    const byGroup = (await operator.get(`${API}/energy?by=group&period=month&from=2026-01-14&to=2026-01-14`)).body;
    // Every group has a row; only the lamp's own has energy that month.
    const withEnergy = byGroup.rows.filter((r: { periods: unknown[] }) => r.periods.length > 0);
    expect(withEnergy.map((r: { key: string; periods: { period: string }[] }) => [r.key, r.periods.map((p) => p.period)])).toEqual([[groupId, ['2026-01']]]);
    expect(byGroup.total.kWh).toBeCloseTo(kWh, 9);
    expect((await operator.get(`${API}/energy?by=street`)).status).toBe(400);
    expect((await operator.get(`${API}/energy?from=2026-01-15&to=2026-01-14`)).status).toBe(400);

    // The same report as a CSV file: the lamp's line carries the figures of the JSON report.
    const csv = await operator.get(`${API}/energy.csv?by=lamp&period=day&from=2026-01-14&to=2026-01-14`);
    expect(csv.status).toBe(200);
    expect(csv.contentType).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain('attachment');
    const lines = (csv.body as string).trim().split('\r\n');
    expect(lines[0]).toBe('lamp,period,kWh,litKWh,baselineKWh,savedKWh,savedPercent,savedCO2kg,burningHours');
    const cells = lines.find((l) => l.startsWith(`${id},2026-01-14,`))!.split(',');
    expect(Number(cells[2])).toBeCloseTo(kWh, 9);
    expect(Number(cells[4])).toBeCloseTo(baseline, 9);
    expect(lines.at(-1)!.startsWith('all,total,')).toBe(true);
    expect((await operator.get(`${API}/energy.csv?by=street`)).status).toBe(400);
  });
});
