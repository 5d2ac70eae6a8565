// The hourly vitals resolution over the real platform (issue #18, docs/architecture.md "Vitals
// roll-up"): readings over MQTT, read per hour (count, min, max, mean: a spike stays visible), a
// late reading recomputing its hour, and erasure leaving no readable roll-up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthcarePilot } from '../../pilots/healthcare/index.ts';
import { KINDS } from '../../pilots/healthcare/model.ts';
import { asTenantId } from '../../platform/ids.ts';
import { storedReadingData } from '../../platform/reading-data.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { connectAll, enrol, eventually, HC, type Device, type EnrolledPatient } from '../../validation/support/healthcare-steps.ts';

const HOUR = 3_600_000;
const MIN = 60_000;

let h: Harness;
let op: ApiClient;
let p: EnrolledPatient;
let devs: Record<string, Device>;
/** Start of the hour five hours ago: well closed. */
let h0: number;

const inA = <T>(fn: () => Promise<T>) => runInTenant(systemContext('test', asTenantId('tenant-a')), fn);
const records = () => inA(() => h.platform.services.scopes.current('test'));
const spo2 = (ts: number, v: number) => devs['pulse-oximeter']!.send('telemetry', { ts, spo2: v, heartRate: 70 });
const hourly = async (from: number, to: number) => {
  const res = await op.get(`${HC}/patients/${p.id}/vitals?from=${from}&to=${to}&resolution=hour`);
  expect(res.status).toBe(200);
  return res.body as { resolution: string; series: Record<string, { t: number; n: number; min: number; max: number; mean: number }[]> };
};

beforeAll(async () => {
  h = await bootHarness({ pilots: [createHealthcarePilot()], tenantPilots: ['healthcare'] });
  op = await h.as(h.tenants.a.users.operator);
  p = await enrol(op);
  devs = await connectAll(h, 'tenant-a', p);
  h0 = Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR;
});

afterAll(async () => {
  for (const d of Object.values(devs ?? {})) await d.close().catch(() => undefined);
  await h?.close();
});

describe('vitals per hour', () => {
  it('answers count, min, max and mean per vital and hour, keeps the closed hours, reads the open one raw', async () => {
    for (const [m, v] of [[5, 97], [20, 84], [40, 96]] as const) await spo2(h0 + m * MIN, v);
    for (const [m, v] of [[10, 95], [50, 93]] as const) await spo2(h0 + HOUR + m * MIN, v);
    await spo2(Date.now() - MIN, 91);

    const body = await hourly(h0, Date.now());
    expect(body.resolution).toBe('hour');
    const s = body.series.spo2!;
    expect(s.slice(0, 2)).toEqual([
      { t: h0, n: 3, min: 84, max: 97, mean: 92.33 },
      { t: h0 + HOUR, n: 2, min: 93, max: 95, mean: 94 },
    ]);
    // The reading of a minute ago, from the raw readings (its hour is not closed).
    expect(s.at(-1)).toMatchObject({ n: 1, min: 91, max: 91 });
    expect(body.series.heartRate?.[0]).toMatchObject({ t: h0, n: 3, min: 70, max: 70 });

    // The closed hours are kept, sealed under the patient's key, one record per UTC day.
    const kept = await inA(async () => (await records()).find<{ hours: Record<string, unknown> }>(KINDS.vitalsDay, { subject: p.id }));
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.every((r) => r.subject === p.id)).toBe(true);
    expect(kept.flatMap((r) => Object.keys(r.data.hours)).length).toBeGreaterThanOrEqual(4);
    // A second read answers the same from the kept hours.
    expect((await hourly(h0, Date.now())).series.spo2!.slice(0, 2)).toEqual(s.slice(0, 2));
  });

  it('a late reading recomputes the hour it falls in', async () => {
    await spo2(h0 + 30 * MIN, 70);
    const s = await eventually(async () => {
      const first = (await hourly(h0, h0 + 2 * HOUR)).series.spo2![0]!;
      return first.n === 4 ? first : undefined;
    }, 'the late reading counted');
    expect(s).toEqual({ t: h0, n: 4, min: 70, max: 97, mean: 86.75 });
  });

  it('auto answers per hour over 48 h and raw below; without resolution the answer is raw as before', async () => {
    const now = Date.now();
    expect((await op.get(`${HC}/patients/${p.id}/vitals?from=${now - 7 * 24 * HOUR}&resolution=auto`)).body.resolution).toBe('hour');
    const day = await op.get(`${HC}/patients/${p.id}/vitals?from=${now - 24 * HOUR}&resolution=auto`);
    expect(day.body.resolution).toBeUndefined();
    const raw = await op.get(`${HC}/patients/${p.id}/vitals?from=${h0}`);
    expect(raw.body.series.spo2.slice(0, 2)).toEqual([[h0 + 5 * MIN, 97], [h0 + 20 * MIN, 84]]);
    expect((await op.get(`${HC}/patients/${p.id}/vitals?resolution=hour&bucket=3600000`)).status).toBe(400);
    expect((await op.get(`${HC}/patients/${p.id}/vitals?resolution=minute`)).status).toBe(400);
  });

  it('readings deleted by retention take their hours with them (GDPR 5(1)(e))', async () => {
    const DAY = 24 * HOUR;
    // Older than the 7 days the test above had built: written directly, not through ingest.
    const old = Math.floor(Date.now() / DAY) * DAY - 10 * DAY + 10 * HOUR;
    const ox = p.devices['pulse-oximeter']!;
    const rows = [91, 89].map((v, i) => ({
      series: ox.id,
      id: `ret-${i}`,
      ts: old + i * MIN,
      subject: p.id,
      data: storedReadingData({ ts: old + i * MIN, spo2: v, heartRate: 70 }, { kind: ox.kind, receivedAt: old + i * MIN }),
    }));
    await inA(() => h.platform.services.series.append(rows));
    expect((await hourly(old, old + HOUR)).series.spo2).toEqual([{ t: old, n: 2, min: 89, max: 91, mean: 90 }]);
    const days = async () => (await inA(async () => (await records()).find<{ day: string }>(KINDS.vitalsDay, { subject: p.id }))).map((r) => r.data.day);
    const oldDay = new Date(old).toISOString().slice(0, 10);
    expect(await days()).toContain(oldDay);

    const root = await h.as('root-admin');
    expect((await root.patch('/api/v1/tenants/tenant-a', { readingsRetentionDays: 5 })).status).toBe(200);
    try {
      await h.platform.services.retention!.runOnce();
      const left = await days();
      expect(left).not.toContain(oldDay);
      // Recent days are not touched.
      expect(left.length).toBeGreaterThan(0);
      expect((await hourly(old, old + HOUR)).series.spo2 ?? []).toEqual([]);
    } finally {
      await root.patch('/api/v1/tenants/tenant-a', { readingsRetentionDays: null });
    }
  });

  it('erasing the patient leaves no readable roll-up: shredded with the key, then deleted (ETSI 5.11-1)', async () => {
    const stored = () => inA(async () => (await (await records()).store.find({ kind: KINDS.vitalsDay })).filter((r) => r.subject === p.id));
    expect((await stored()).length).toBeGreaterThan(0);
    expect((await op.post(`${HC}/patients/${p.id}/erase`, { confirm: p.id })).status).toBe(200);
    expect(await inA(async () => (await records()).find(KINDS.vitalsDay, { subject: p.id }))).toEqual([]);
    expect(await stored()).toEqual([]);
    expect((await op.get(`${HC}/patients/${p.id}/vitals?resolution=hour`)).status).toBe(404);
  });
});
