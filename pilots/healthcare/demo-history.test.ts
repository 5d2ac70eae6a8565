import { describe, expect, it } from 'vitest';
import type { DemoProvision } from '../../platform/pilot.ts';
import { episodeFor, episodeLevel, healthcareHistory, vitalsAt } from './demo-history.ts';
import { news2 } from './domain/news2.ts';
import { telemetrySchemas, type DeviceKind } from './domain/vitals.ts';
import type { DemoPatientProfile } from './seed.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TO = Date.UTC(2026, 11, 6, 5, 30);
const FROM = TO - 7 * DAY;
const CONDITIONS = ['copd', 'heart-failure', 'diabetes', 'hypertension', 'healthy'] as const;

function provision(n: number): DemoProvision {
  const patients: DemoPatientProfile[] = [];
  const devices: DemoProvision['devices'] = [];
  for (let i = 0; i < n; i++) {
    const kinds: DeviceKind[] = ['home-hub', 'pulse-oximeter', 'bp-cuff', 'thermometer', 'wearable', ...(i === 1 ? (['scale'] as const) : [])];
    const ids = kinds.map((k) => `hc-p${i}-${k}`);
    kinds.forEach((kind, j) => devices.push({ id: ids[j]!, kind, secret: 'x', tenantId: 'care-demo', attributes: {}, subject: `p${i}` }));
    patients.push({ id: `p${i}`, condition: CONDITIONS[i % 5]!, scale: i === 0 ? 2 : 1, hubDeviceId: ids[0]!, deviceIds: ids.slice(1) });
  }
  return { devices, extra: { patients } };
}

describe('healthcare demo history', () => {
  const h = healthcareHistory({ seed: 42, from: FROM, to: TO, provision: provision(5), hysteresis: 2 });

  it('is the same for the same seed and range', () => {
    const again = healthcareHistory({ seed: 42, from: FROM, to: TO, provision: provision(5), hysteresis: 2 });
    expect(again.readings).toEqual(h.readings);
    expect(again.news2.map((r) => r.total)).toEqual(h.news2.map((r) => r.total));
  });

  it('every payload passes its kind\'s schema, as at ingest, and lies in [from, to)', () => {
    const kindOf = new Map(provision(5).devices.map((d) => [d.id, d.kind as DeviceKind]));
    for (const r of h.readings) {
      expect(r.ts).toBeGreaterThanOrEqual(FROM);
      expect(r.ts).toBeLessThan(TO);
      expect(r.data.ts).toBe(r.ts);
      const parsed = telemetrySchemas[kindOf.get(r.deviceId)!].safeParse(r.data);
      expect(parsed.success, JSON.stringify(r)).toBe(true);
    }
  });

  it('covers every device over all 7 days, finer in the last day', () => {
    const wearable = h.readings.filter((r) => r.deviceId === 'hc-p2-wearable').map((r) => r.ts);
    expect(wearable[0]! - FROM).toBeLessThan(HOUR);
    expect(TO - wearable.at(-1)!).toBeLessThanOrEqual(10 * 60_000);
    const lastDay = wearable.filter((t) => t >= TO - DAY);
    expect(lastDay.length).toBeGreaterThan(wearable.length - lastDay.length - 7 * 24);
    expect(h.readings.some((r) => r.deviceId === 'hc-p1-scale')).toBe(true);
  });

  it('the second patient deteriorates three days back: NEWS2 reaches the high band, one alarm raised, acknowledged and cleared', () => {
    const e = episodeFor(1, FROM, TO)!;
    expect(e.start).toBeGreaterThan(TO - 4 * DAY);
    const p1 = h.news2.filter((r) => r.patientId === 'p1');
    const peak = Math.max(...p1.map((r) => r.total));
    expect(peak).toBeGreaterThanOrEqual(7);
    const alarms = h.alarms.filter((a) => a.subject === 'p1');
    expect(alarms.length).toBeGreaterThanOrEqual(1);
    const critical = alarms.find((a) => a.severity === 'critical')!;
    expect(critical.raisedAt).toBeGreaterThanOrEqual(e.start);
    expect(critical.acknowledgedAt).toBeGreaterThan(critical.raisedAt);
    expect(critical.clearedAt).toBeGreaterThan(critical.raisedAt);
    for (const a of h.alarms) expect(a.clearedAt).toBeDefined();
  });

  it('stable patients stay out of the high band', () => {
    for (const id of ['p2', 'p3', 'p4']) {
      const totals = h.news2.filter((r) => r.patientId === id).map((r) => r.total);
      expect(totals.length).toBeGreaterThan(0);
      expect(Math.max(...totals)).toBeLessThan(5);
    }
  });

  it.each([
    // t relative to the episode start, level
    [-1, 0],
    [0, 0],
    [45 * 60_000, 0.5],
    [90 * 60_000, 1],
    [150 * 60_000, 1],
    [150 * 60_000 + 90 * 60_000, 0.5],
    [150 * 60_000 + 180 * 60_000, 0],
  ])('episode level at %i ms: %d', (dt, level) => {
    const e = { start: 1_000_000, riseMs: 90 * 60_000, holdMs: 60 * 60_000, recoverMs: 180 * 60_000 };
    expect(episodeLevel(e, e.start + dt)).toBeCloseTo(level, 5);
  });

  it('the episode\'s peak vitals score 7 or more on their own', () => {
    const e = episodeFor(1, FROM, TO)!;
    const v = vitalsAt('heart-failure', 43, e.start + e.riseMs + 1);
    const r = news2({ respiratoryRate: v.respiratoryRate, spo2: v.spo2, onOxygen: false, systolic: v.systolic, heartRate: v.heartRate, consciousness: 'A', temperature: v.temperature }, 1);
    expect(r.total).toBeLessThan(5);
    const w = vitalsAt('heart-failure', 43, e.start + e.riseMs + 1, e);
    const peak = news2({ respiratoryRate: w.respiratoryRate, spo2: w.spo2, onOxygen: false, systolic: w.systolic, heartRate: w.heartRate, consciousness: 'A', temperature: w.temperature }, 1);
    expect(peak.total).toBeGreaterThanOrEqual(7);
  });
});
