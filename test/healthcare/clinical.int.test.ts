// The clinical loop on the real platform: vitals over MQTT → NEWS2 → alarms on socket.io (tenant
// a only) → acknowledgement or escalation → recovery; events, device presence and messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthcarePilot } from '../../pilots/healthcare/index.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { connectAll, Device, enrol, eventually, HC, HIGH, listen, NORMAL, sendSet, sleep, type EnrolledPatient, type Listener, type Vitals } from '../../validation/support/healthcare-steps.ts';

const ESCALATE_MS = 1200;

let h: Harness;
let op: ApiClient;
let a: Listener;
let b: Listener;
let acked: EnrolledPatient;
let ignored: EnrolledPatient;
const devices: Record<string, Record<string, Device>> = {};

const alarmsOf = (l: Listener, patientId: string) =>
  l.events.filter((e) => e.type === 'alarm' && e.payload.subject === patientId).map((e) => e.payload);

beforeAll(async () => {
  h = await bootHarness({
    pilots: [createHealthcarePilot({ escalateAfterMs: ESCALATE_MS, offlineGraceMs: 150 })],
    tenantPilots: ['healthcare'],
  });
  op = await h.as(h.tenants.a.users.operator);
  acked = await enrol(op);
  ignored = await enrol(op);
  devices[acked.id] = await connectAll(h, 'tenant-a', acked);
  devices[ignored.id] = await connectAll(h, 'tenant-a', ignored);
  a = await listen(h, h.tenants.a.users.operator);
  b = await listen(h, h.tenants.b.users.operator);
});

afterAll(async () => {
  a?.close();
  b?.close();
  for (const set of Object.values(devices)) for (const d of Object.values(set)) await d.close().catch(() => undefined);
  await h?.close();
});

describe('NEWS2 alarms over the real platform', () => {
  it('a deteriorating series drives NEWS2 to high and a critical alarm reaches tenant a, never tenant b', async () => {
    const t0 = Date.now() - 10 * 60_000;
    const steps: Vitals[] = [NORMAL, { rr: 21, spo2: 94, sys: 108, hr: 100, temp: 38.2 }, HIGH];
    for (const [i, v] of steps.entries()) await sendSet(devices[acked.id]!, v, t0 + i * 60_000);
    await sendSet(devices[ignored.id]!, HIGH, t0 + 2 * 60_000);

    const critical = await eventually(() => alarmsOf(a, acked.id).find((x) => x.severity === 'critical'), 'critical alarm on tenant a');
    expect(critical).toMatchObject({ type: 'news2', category: 'clinical', source: `patient:${acked.id}` });
    // Raised by the first result at or above 7, as the devices of the last set report one by one.
    expect(critical.title).toMatch(/^NEWS2 ([7-9]|1\d) \(high\)$/);
    await eventually(() => alarmsOf(a, ignored.id).length > 0, 'second alarm');

    const totals = a.events.filter((e) => e.type === 'hc.news2' && e.payload.patientId === acked.id).map((e) => e.payload.total);
    // One result per accepted reading, rising as the devices report the deterioration.
    expect(totals[0]).toBe(0);
    expect(totals.at(-1)).toBe(12);
    expect([...totals].sort((x, y) => x - y)).toEqual(totals);
    await eventually(() => a.events.some((e) => e.type === 'hc.vitals' && Array.isArray(e.payload)), 'batched vitals');

    // Tenant b heard nothing of tenant a's patients.
    expect(b.events.filter((e) => e.type !== 'hello')).toEqual([]);
  });

  it('the ward board shows the latest score, vitals, consent and alarms', async () => {
    const res = await op.get(`${HC}/patients`);
    expect(res.status).toBe(200);
    const row = res.body.items.find((i: { id: string }) => i.id === acked.id);
    expect(row).toMatchObject({
      displayName: 'Synthia Testcase',
      scale: 1,
      consent: 'given',
      activeAlarms: 1,
      latestNews2: { total: 12, band: 'high', partial: false },
      lastVitals: { spo2: 88, respiratoryRate: 26, temperature: 39.5, systolic: 95, heartRate: 125 },
    });
    expect(row.devices).toHaveLength(5);
    expect(row.devices.find((d: { kind: string }) => d.kind === 'home-hub')).toMatchObject({ online: true, battery: 90 });
    expect(res.body.items[0].latestNews2.total).toBe(12);
  });

  it('an acknowledged alarm does not escalate; an ignored one does, and the ward hears hc.escalation', async () => {
    const alarm = alarmsOf(a, acked.id).find((x) => x.severity === 'critical')!;
    const ack = await op.post(`/api/v1/alarms/${alarm.id}/ack`, { note: 'called the patient' });
    expect(ack.status).toBe(200);
    expect(ack.body.state).toBe('active-acknowledged');

    const other = alarmsOf(a, ignored.id)[0]!;
    const esc = await eventually(
      () => a.events.find((e) => e.type === 'hc.escalation' && e.payload.alarmId === other.id),
      'escalation of the ignored alarm',
      ESCALATE_MS + 3000,
    );
    expect(esc.payload).toMatchObject({ patientId: ignored.id, type: 'news2', severity: 'critical' });
    const stored = await op.get(`/api/v1/alarms/${other.id}`);
    expect(stored.body.escalatedAt).toBeGreaterThanOrEqual(other.raisedAt + ESCALATE_MS);

    // Past the acknowledged alarm's deadline too: still no escalation for it.
    await sleep(Math.max(0, alarm.raisedAt + ESCALATE_MS + 300 - Date.now()));
    expect(a.events.some((e) => e.type === 'hc.escalation' && e.payload.alarmId === alarm.id)).toBe(false);
    expect(b.events.some((e) => e.type === 'hc.escalation')).toBe(false);
  });

  it('history routes give the vitals per parameter and the NEWS2 results in time order', async () => {
    const vitals = await op.get(`${HC}/patients/${acked.id}/vitals?from=${Date.now() - 3_600_000}&param=spo2`);
    expect(vitals.status).toBe(200);
    expect(Object.keys(vitals.body.series)).toEqual(['spo2']);
    expect(vitals.body.series.spo2.map((p: [number, number]) => p[1])).toEqual([97, 94, 88]);
    const all = await op.get(`${HC}/patients/${acked.id}/vitals?from=${Date.now() - 3_600_000}`);
    expect(Object.keys(all.body.series).sort()).toEqual(
      ['consciousness', 'diastolic', 'heartRate', 'onOxygen', 'respiratoryRate', 'spo2', 'systolic', 'temperature'].sort(),
    );
    const news2 = await op.get(`${HC}/patients/${acked.id}/news2?from=${Date.now() - 3_600_000}`);
    expect(news2.status).toBe(200);
    const ats = news2.body.items.map((n: { at: number }) => n.at);
    expect([...ats].sort((x, y) => x - y)).toEqual(ats);
    expect(news2.body.items.at(-1)).toMatchObject({ total: 12, band: 'high', partial: false });
  });

  it('a chart asks the vitals as means per bucket; a bucket the query cannot hold is refused', async () => {
    const from = Date.now() - 3_600_000;
    const hourly = await op.get(`${HC}/patients/${acked.id}/vitals?from=${from}&param=spo2&bucket=3600000`);
    expect(hourly.status).toBe(200);
    expect(hourly.body.bucket).toBe(3_600_000);
    // 97, 94 and 88 sent seconds apart: one mean, or two if an hour boundary fell between them.
    const points: [number, number][] = hourly.body.series.spo2;
    expect(points.length).toBeGreaterThanOrEqual(1);
    expect(points.length).toBeLessThanOrEqual(2);
    if (points.length === 1) expect(points[0]![1]).toBe(93);
    for (const [t] of points) expect(t % 3_600_000).toBe(1_800_000);
    for (const bad of [`from=${from}&bucket=1000`, `from=${from}&bucket=soon`, `from=0&bucket=60000`]) {
      const r = await op.get(`${HC}/patients/${acked.id}/vitals?${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.headers.get('content-type'), bad).toMatch(/application\/problem\+json/);
    }
  });

  it('two complete normal sets clear the alarm (hysteresis), and the ward hears it', async () => {
    const t = Date.now();
    await sendSet(devices[acked.id]!, NORMAL, t);
    await sendSet(devices[acked.id]!, NORMAL, t + 1000);
    const cleared = await eventually(() => alarmsOf(a, acked.id).find((x) => x.state === 'cleared'), 'cleared alarm');
    expect(cleared.type).toBe('news2');
    const list = await op.get(`${HC}/patients/${acked.id}/alarms`);
    expect(list.body.items.filter((x: { state: string }) => x.state !== 'cleared')).toEqual([]);
  });

  it('a fall is a critical alarm at once', async () => {
    await devices[acked.id]!['wearable']!.send('events', { ts: Date.now(), type: 'fall' });
    const fall = await eventually(() => alarmsOf(a, acked.id).find((x) => x.type === 'fall'), 'fall alarm');
    expect(fall).toMatchObject({ severity: 'critical', category: 'clinical', title: 'Fall detected' });
    const ack = await op.post(`/api/v1/alarms/${fall.id}/ack`, {});
    expect(ack.status).toBe(200);
    const resolved = await op.post(`${HC}/patients/${acked.id}/alarms/${fall.id}/resolve`, {});
    expect(resolved.status).toBe(200);
    expect(resolved.body.state).toBe('cleared');
  });

  it('a hub that drops off raises a technical alarm after the grace period, cleared when it is back', async () => {
    const hub = devices[ignored.id]!['home-hub']!;
    await hub.close();
    const off = await eventually(() => alarmsOf(a, ignored.id).find((x) => x.type === 'device-offline'), 'device-offline alarm');
    expect(off).toMatchObject({ category: 'technical', severity: 'minor', source: `device:${ignored.hubDeviceId}` });
    devices[ignored.id]!['home-hub'] = await Device.connect(h, 'tenant-a', ignored.devices['home-hub']!);
    await eventually(
      () => alarmsOf(a, ignored.id).find((x) => x.type === 'device-offline' && x.state === 'cleared'),
      'device-offline cleared',
    );
  });

  it('a message to the patient goes to the hub as a command, and the clinician can list it', async () => {
    const sent = await op.post(`${HC}/patients/${acked.id}/messages`, { kind: 'reminder', text: 'Time for your evening reading' });
    expect(sent.status).toBe(201);
    const hub = devices[acked.id]!['home-hub']!;
    const cmd = await eventually(() => hub.commands.find((c) => c.body.id === sent.body.id), 'command at the hub');
    expect(cmd.body).toMatchObject({ name: 'message', params: { kind: 'reminder', text: 'Time for your evening reading' } });
    const list = await op.get(`${HC}/patients/${acked.id}/messages`);
    expect(list.body.items.map((m: { id: string }) => m.id)).toContain(sent.body.id);
    expect(list.body.items[0]).toMatchObject({ kind: 'reminder', text: 'Time for your evening reading' });
  });

  it('the hub’s command history comes from the server a page at a time, without message text, for the patient’s care team only', async () => {
    const more = await op.post(`${HC}/patients/${acked.id}/messages`, { kind: 'message', text: 'Your nurse will call at ten' });
    expect(more.status).toBe(201);
    const page = await op.get(`${HC}/patients/${acked.id}/commands?limit=1`);
    expect(page.status).toBe(200);
    expect(page.body.items).toEqual([expect.objectContaining({ id: more.body.id, name: 'message', what: 'message', createdBy: expect.any(String) })]);
    expect(JSON.stringify(page.body)).not.toContain('nurse will call');
    expect(page.body.next).toBe(1);
    const rest = await op.get(`${HC}/patients/${acked.id}/commands?limit=100&offset=1`);
    expect(rest.body.items.find((c: { name: string }) => c.name === 'message')).toMatchObject({ what: 'reminder' });
    expect(rest.body.next).toBeNull();
    await eventually(async () => ((await op.get(`${HC}/patients/${acked.id}/commands?limit=1`)).body.items[0].status === 'delivered' ? true : undefined), 'message delivered to the hub');

    expect((await op.get(`${HC}/patients/${acked.id}/commands?limit=0`)).status).toBe(400);
    expect((await op.get(`${HC}/patients/${acked.id}/commands?subject=x`)).status).toBe(400);
    expect((await (await h.as(h.tenants.b.users.operator)).get(`${HC}/patients/${acked.id}/commands`)).status).toBe(404);
    for (const role of ['evaluator', 'tenant-admin'] as const) {
      expect((await (await h.as(h.tenants.a.users[role])).get(`${HC}/patients/${acked.id}/commands`)).status, role).toBe(403);
    }
  });
});
