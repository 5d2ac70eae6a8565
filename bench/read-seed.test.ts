import { describe, expect, it } from 'vitest';
import { lampTelemetrySchema } from '../pilots/lighting/domain/model.ts';
import { isDeviceKind, parseTelemetry } from '../pilots/healthcare/domain/vitals.ts';
import { storedPayload } from '../platform/reading-data.ts';
import { DAY_MS, seedBatches, seedNews2, seedPlan, type SeedSeries } from './read-seed.ts';

const NOW = Date.UTC(2026, 0, 31, 12);
const series: SeedSeries[] = [
  { tenantId: 'ward', deviceId: 'w-1', kind: 'wearable', subject: 'p-1' },
  { tenantId: 'ward', deviceId: 'o-1', kind: 'pulse-oximeter', subject: 'p-1' },
  { tenantId: 'ward', deviceId: 'h-1', kind: 'home-hub', subject: 'p-1' },
  { tenantId: 'ward', deviceId: 't-1', kind: 'thermometer', subject: 'p-1' },
  { tenantId: 'ward', deviceId: 'b-1', kind: 'bp-cuff', subject: 'p-1' },
  { tenantId: 'city', deviceId: 'lamp-1', kind: 'lamp', subject: null },
  { tenantId: 'city', deviceId: 'lamp-2', kind: 'lamp', subject: null },
];
const all = (readings: number, seed = 7, batch = 100) => [...seedBatches(seedPlan(readings, series.length, NOW), series, seed, batch)].flat();

describe('bench:read seed data', () => {
  it('shares the readings evenly over the span, ending now', () => {
    const plan = seedPlan(1003, 10, NOW, 30 * DAY_MS);
    expect(plan).toMatchObject({ perSeries: 100, extra: 3, to: NOW });
    expect(plan.intervalMs).toBe(Math.floor((30 * DAY_MS) / 101));
    expect(plan.from).toBeGreaterThanOrEqual(NOW - 30 * DAY_MS);
  });
  it('refuses an empty plan', () => {
    expect(() => seedPlan(0, 10, NOW)).toThrow(RangeError);
    expect(() => seedPlan(10, 0, NOW)).toThrow(RangeError);
  });
  it('makes exactly the readings asked for, in batches no larger than asked, with unique ids', () => {
    const plan = seedPlan(1000, series.length, NOW);
    const batches = [...seedBatches(plan, series, 7, 64)];
    expect(batches.every((b) => b.length <= 64)).toBe(true);
    const rows = batches.flat();
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((r) => `${r.tenantId}/${r.id}`)).size).toBe(1000);
    expect(rows.every((r) => r.ts >= plan.from && r.ts <= plan.to)).toBe(true);
  });
  it('is deterministic: one seed, one store; another seed, other values', () => {
    expect(all(500, 7)).toEqual(all(500, 7));
    expect(all(500, 8).map((r) => r.data)).not.toEqual(all(500, 7).map((r) => r.data));
  });
  it('does not depend on the batch size', () => expect(all(300, 7, 1)).toEqual(all(300, 7, 1000)));
  it('writes what each pilot schema accepts, stamped like ingest, each series in time order', () => {
    const rows = all(2000);
    for (const r of rows) {
      const stored = storedPayload(r.data)!;
      expect(stored.kind).toBe(series.find((s) => s.deviceId === r.series)!.kind);
      if (stored.kind === 'lamp') expect(lampTelemetrySchema.safeParse(stored.payload).success).toBe(true);
      else expect(isDeviceKind(stored.kind) && parseTelemetry(stored.kind, stored.payload).success).toBe(true);
      expect(r.subject).toBe(r.tenantId === 'ward' ? 'p-1' : null);
    }
    for (const s of series) {
      const ts = rows.filter((r) => r.series === s.deviceId).map((r) => r.ts);
      expect(ts).toEqual([...ts].sort((a, b) => a - b));
    }
  });
  it('lights the lamps at night only', () => {
    const lamp = all(7 * 24 * 12).filter((r) => r.series === 'lamp-1');
    for (const r of lamp) {
      const hour = new Date(r.ts).getUTCHours();
      expect(r.data['powerState'] === 'off').toBe(hour >= 6 && hour < 18);
    }
  });
  it('gives a patient reading the NEWS2 result the rules would store, the same for the same seed', () => {
    const r = { id: 'seed-0-3', ts: 1_700_000_000_000, subject: 'p-1' };
    const n = seedNews2(r, 42)!;
    expect(n).toMatchObject({ id: 'news2-seed-0-3', patientId: 'p-1', at: r.ts, computedAt: r.ts, partial: false, scale: 1 });
    expect(n.total).toBeGreaterThanOrEqual(0);
    expect(n.total).toBeLessThanOrEqual(20);
    expect(seedNews2(r, 42)).toEqual(n);
    expect(seedNews2({ ...r, subject: null }, 42)).toBeNull();
  });
});
