import { describe, expect, it } from 'vitest';
import type { Reading } from '../../platform/services/series.ts';
import { zonedTimeToUtc, type LampModel } from './domain/index.ts';
import { energyReport, meterReport, type SeriesReader } from './energy-service.ts';

const TZ = 'Europe/Madrid';
const local = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return zonedTimeToUtc(date, h * 60 + m, TZ).ms;
};
const D = '2026-01-15';
const D1 = '2026-01-16';
const INTERVAL = 10 * 60_000;

/** A series store in memory with the real one's inclusive bounds. */
function fakeSeries(data: Record<string, { ts: number; data: Record<string, unknown> }[]>): SeriesReader & { calls: number } {
  const reader = {
    calls: 0,
    async range<T>(series: string, opts: { from?: number; to?: number; limit?: number }): Promise<Reading<T>[]> {
      reader.calls++;
      return (data[series] ?? [])
        .filter((p) => p.ts >= (opts.from ?? -Infinity) && p.ts <= (opts.to ?? Infinity))
        .sort((a, b) => a.ts - b.ts)
        .slice(0, opts.limit ?? Infinity)
        .map((p, i) => ({ series, id: `${series}-${i}`, ts: p.ts, subject: null, data: p.data as T }));
    },
  };
  return reader;
}

const p = (ts: number, activePower: number, powerState = 'on') => ({ ts, data: { activePower, powerState, kind: 'lamp', receivedAt: ts } });
const model: Pick<LampModel, 'powerRating' | 'driverLoss'> = { powerRating: 60, driverLoss: 4 }; // 64 W at full output
const lamps = [
  { id: 'l1', groupId: 'g1', cabinetId: 'c1', modelId: 'led-60' },
  { id: 'l2', groupId: 'g1', cabinetId: 'c1', modelId: 'led-60' },
  { id: 'l3', groupId: 'g2', cabinetId: 'c1', modelId: 'led-60' },
];
const scope = { timeZone: TZ, lamps, models: new Map([['led-60', model]]) };

// Hand computation, 10-minute reports held until the next (left Riemann sum):
//   l1: 64 W, 64 W, then 32 W dimmed until 20:30      → (64+64+32) W × 1/6 h = 26.667 Wh, all lit;
//       baseline 3 × 1/6 h × 64 W = 32 Wh.
//   l2: 64 W, then off at 0.5 W standby twice          → 65/6 Wh = 10.833 Wh, lit 64/6 = 10.667 Wh = baseline.
//   l3: a reading at 19:00, silence (a 60-minute gap, not bridged), then 32 W from 20:00 to 20:30
//       → 16 Wh lit against a 32 Wh baseline.
const series = fakeSeries({
  l1: [p(local(D, '20:00'), 64), p(local(D, '20:10'), 64), p(local(D, '20:20'), 32, 'low')],
  l2: [p(local(D, '20:00'), 64), p(local(D, '20:10'), 0.5, 'off'), p(local(D, '20:20'), 0.5, 'off')],
  l3: [p(local(D, '19:00'), 32, 'low'), p(local(D, '20:00'), 32, 'low')],
});
const opts = { intervalMs: INTERVAL, co2KgPerKWh: 0.25, now: local(D1, '12:00') };
const day = { from: local(D, '00:00'), to: local(D, '20:30') };

describe('energyReport over a small synthetic series', () => {
  it('per lamp per day matches the hand computation', async () => {
    const r = await energyReport(series, scope, { by: 'lamp', period: 'day', ...day }, opts);
    const row = (k: string) => r.rows.find((x) => x.key === k)!.periods;
    expect(row('l1')).toHaveLength(1);
    expect(row('l1')[0]!.period).toBe(D);
    expect(row('l1')[0]!.kWh).toBeCloseTo(0.026667, 6);
    expect(row('l1')[0]!.baselineKWh).toBeCloseTo(0.032, 9);
    expect(row('l1')[0]!.savedPercent).toBeCloseTo(16.6667, 3);
    expect(row('l1')[0]!.burningHours).toBeCloseTo(0.5, 9);
    expect(row('l2')[0]!.kWh).toBeCloseTo(0.010833, 6);
    expect(row('l2')[0]!.savedKWh).toBeCloseTo(0, 9);
    expect(row('l3')[0]!.kWh).toBeCloseTo(0.016, 9);
    expect(row('l3')[0]!.savedPercent).toBeCloseTo(50, 9);
  });

  it('per group sums lamps before taking percentages; the CO2 factor is applied to the saving', async () => {
    const r = await energyReport(series, scope, { by: 'group', period: 'day', ...day }, opts);
    const g1 = r.rows.find((x) => x.key === 'g1')!.total;
    expect(g1.kWh).toBeCloseTo(0.0375, 6);
    expect(g1.baselineKWh).toBeCloseTo(0.042667, 6);
    expect(g1.savedPercent).toBeCloseTo((0.0053333 / 0.0426667) * 100, 2);
    expect(g1.savedCO2kg).toBeCloseTo(0.0053333 * 0.25, 6);
    expect(r.total.kWh).toBeCloseTo(0.0535, 6);
  });

  it('by cabinet and by month bucket the same energy differently, never changing the total', async () => {
    const cab = await energyReport(series, scope, { by: 'cabinet', period: 'month', ...day }, opts);
    expect(cab.rows.map((x) => [x.key, x.periods.map((q) => q.period)])).toEqual([['c1', ['2026-01']]]);
    expect(cab.total.kWh).toBeCloseTo(0.0535, 6);
  });

  it('a segment across local midnight is split between the two local days', async () => {
    const s = fakeSeries({ l1: [p(local(D, '23:50'), 60), p(local(D1, '00:10'), 60)] });
    const r = await energyReport(s, { ...scope, lamps: [lamps[0]!] }, { by: 'lamp', period: 'day', from: local(D, '00:00'), to: local(D1, '00:20') }, opts);
    expect(r.rows[0]!.periods.map((q) => [q.period, Math.round(q.kWh * 1e6)])).toEqual([
      [D, 10_000],
      [D1, 20_000],
    ]);
  });

  it('the last reading is held only up to the present, not into the future', async () => {
    const s = fakeSeries({ l1: [p(local(D, '20:00'), 60)] });
    const r = await energyReport(s, { ...scope, lamps: [lamps[0]!] }, { by: 'lamp', period: 'day', from: local(D, '00:00'), to: local(D, '23:59') }, { ...opts, now: local(D, '20:15') });
    expect(r.total.kWh).toBeCloseTo(0.015, 9);
  });
});

describe('meterReport', () => {
  it('compares each cabinet meter with the sum of its lamps over the meter’s span', async () => {
    const s = fakeSeries({
      ...Object.fromEntries(['l1', 'l2'].map((id) => [id, [p(local(D, '20:00'), 60), p(local(D, '20:30'), 60)]])),
      c1: [
        { ts: local(D, '20:00'), data: { activeEnergy: 100 } },
        { ts: local(D, '20:30'), data: { activeEnergy: 100.07 } },
      ],
    });
    const [row] = await meterReport(s, { ...scope, lamps: lamps.slice(0, 2), cabinets: [{ id: 'c1' }] }, day, { intervalMs: INTERVAL * 3 });
    expect(row!.meterKWh).toBeCloseTo(0.07, 9);
    expect(row!.lampsKWh).toBeCloseTo(0.06, 9); // 2 × 60 W × 0.5 h
    expect(row!.differenceKWh).toBeCloseTo(0.01, 9);
    expect(row!.lamps).toBe(2);
  });

  it('a cabinet without meter readings reports zero and reads no lamp series', async () => {
    const s = fakeSeries({});
    const [row] = await meterReport(s, { ...scope, cabinets: [{ id: 'c9' }] }, day, { intervalMs: INTERVAL });
    expect(row).toMatchObject({ cabinetId: 'c9', meterKWh: 0, lampsKWh: 0, from: null });
    expect(s.calls).toBe(1);
  });
});
