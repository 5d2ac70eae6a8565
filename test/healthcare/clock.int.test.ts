// Device clocks over the real platform (issue #12, docs/security.md "Device clocks"): one reading
// dated in the far future must not blind NEWS2 for its patient, pin the ward board's last vitals,
// nor come back after a restart. The platform stores it with its receive time, flags it, counts
// it, audits it and tells the device why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthcarePilot } from '../../pilots/healthcare/index.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { connectAll, Device, enrol, eventually, HC, listen, NORMAL, sendSet, type EnrolledPatient, type Listener, type Vitals } from '../../validation/support/healthcare-steps.ts';

/** The largest time a JavaScript Date can hold: 13 September 275760. */
const YEAR_275760 = 8.64e15;
const DETERIORATED: Vitals = { rr: 26, spo2: 84, sys: 95, hr: 135, temp: 39.5 };

let h: Harness;
let op: ApiClient;
let listener: Listener | undefined;
let patient: EnrolledPatient;
let devices: Record<string, Device> = {};
let dataDir = '';

const closeDevices = async () => {
  for (const d of Object.values(devices)) await d.close().catch(() => undefined);
  devices = {};
};

const restampedCount = async (harness: Harness, verdict: string) => {
  const metric = harness.platform.services.metrics.getSingleMetric('custodia_mqtt_restamped_total');
  const values = metric ? (await metric.get()).values : [];
  return values.find((v) => v.labels['tenant'] === 'tenant-a' && v.labels['verdict'] === verdict)?.value ?? 0;
};

const boardRow = async (client: ApiClient) => {
  const res = await client.get(`${HC}/patients`);
  expect(res.status).toBe(200);
  return res.body.items.find((i: { id: string }) => i.id === patient.id);
};

beforeAll(async () => {
  h = await bootHarness({ pilots: [createHealthcarePilot({ offlineGraceMs: 60_000 })], tenantPilots: ['healthcare'] });
  dataDir = h.config.dataDir;
  op = await h.as(h.tenants.a.users.operator);
  patient = await enrol(op);
  devices = await connectAll(h, 'tenant-a', patient);
  listener = await listen(h, h.tenants.a.users.operator);
});

afterAll(async () => {
  listener?.close();
  await closeDevices();
  await h?.close();
});

describe('a far-future device time does not blind NEWS2 (issue #12, ETSI 5.13-1)', () => {
  it('after a reading dated year 275760, SpO2 84 and HR 135 still raise the clinical alarm', async () => {
    await sendSet(devices, NORMAL, Date.now() - 60_000);
    const ox = devices['pulse-oximeter']!;
    await ox.send('telemetry', { ts: YEAR_275760, spo2: 97, heartRate: 72 });
    await sendSet(devices, DETERIORATED, Date.now());

    const alarm = await eventually(
      () =>
        listener!.events.find(
          (e) => e.type === 'alarm' && e.payload.subject === patient.id && e.payload.type === 'news2' && e.payload.severity === 'critical',
        ),
      'critical NEWS2 alarm after the far-future reading',
    );
    expect(alarm.payload).toMatchObject({ category: 'clinical', source: `patient:${patient.id}` });
    const scores = listener!.events.filter((e) => e.type === 'hc.news2' && e.payload.patientId === patient.id).map((e) => e.payload);
    expect(scores.at(-1)).toMatchObject({ total: expect.any(Number), band: 'high' });
    expect(Math.max(...scores.map((s) => s.at))).toBeLessThanOrEqual(Date.now() + 300_000);
  });

  it('the reading is stored with the receive time, flagged, counted, audited and explained to the device', async () => {
    const ox = devices['pulse-oximeter']!;
    const notice = (await eventually(() => ox.errors.find((e) => (e as { reason?: string }).reason === 'clock-ahead'), 'clock notice')) as {
      topic: string;
      detail: string;
    };
    expect(notice.topic).toBe(`tenants/tenant-a/devices/${ox.id}/telemetry`);
    expect(notice.detail).toMatch(/ahead of the platform clock; the reading was stored with the receive time/);
    expect(await restampedCount(h, 'ahead')).toBe(1);

    const auditor = await h.as(h.tenants.a.users.auditor);
    const log = (await auditor.get('/api/v1/audit?limit=1000')).body.items as { action: string; actor: string; details: string }[];
    const entries = log.filter((e) => e.action === 'mqtt.reading.restamped');
    expect(entries.map((e) => ({ actor: e.actor, details: JSON.parse(e.details) }))).toEqual([
      { actor: `device:${ox.id}`, details: { verdict: 'ahead', family: 'telemetry' } },
    ]);

    const vitals = await op.get(`${HC}/patients/${patient.id}/vitals?from=${Date.now() - 3_600_000}&param=spo2`);
    const times = (vitals.body.series.spo2 as [number, number][]).map((p) => p[0]);
    expect(times).toHaveLength(3);
    expect(Math.max(...times)).toBeLessThanOrEqual(Date.now());
  });

  it('the ward board shows the real last vitals, not the far-future reading', async () => {
    const row = await boardRow(op);
    expect(row.lastVitals).toMatchObject({ spo2: 84, heartRate: 135 });
    expect(row.lastVitals.at).toBeLessThanOrEqual(Date.now());
  });

  it('after a restart the reloaded window still scores new readings', async () => {
    listener?.close();
    await closeDevices();
    await h.close({ keepData: true });
    h = await bootHarness({
      pilots: [createHealthcarePilot({ offlineGraceMs: 60_000 })],
      tenantPilots: ['healthcare'],
      dataDir,
      provision: false,
    });
    op = await h.as(h.tenants.a.users.operator);
    devices = await connectAll(h, 'tenant-a', patient);
    listener = await listen(h, h.tenants.a.users.operator);

    await devices['pulse-oximeter']!.send('telemetry', { ts: Date.now(), spo2: 83, heartRate: 136 });
    const score = await eventually(
      () => listener!.events.find((e) => e.type === 'hc.news2' && e.payload.patientId === patient.id)?.payload,
      'NEWS2 result after the restart',
    );
    // The window was rebuilt from the stored readings: the deteriorated set plus the new reading.
    expect(score).toMatchObject({ band: 'high', partial: false });
    expect(score.total).toBeGreaterThanOrEqual(7);
    expect(score.at).toBeLessThanOrEqual(Date.now());
    expect((await boardRow(op)).lastVitals).toMatchObject({ spo2: 83, heartRate: 136 });
  });
});
