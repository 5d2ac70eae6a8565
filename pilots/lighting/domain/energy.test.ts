import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  energyByLocalDay,
  energyByLocalMonth,
  lampEnergy,
  lampSavings,
  meterBalance,
  powerSegments,
  sumBy,
  totalSavings,
  type PowerSample,
  type Segment,
} from './energy.ts';
import { addDays, localDate, startOfLocalDay } from './tz.ts';
import { drivenLevel, expectedPower, fullPower } from './power.ts';

const MIN = 60_000;
const H = 3_600_000;
const start = Date.parse('2026-01-15T17:00:00Z');
const model = { powerRating: 100, driverLoss: 4, standbyPower: 0.5, minDimLevel: 10 };

/** One reading per minute for `hours` at `watts`, from `from`. */
function run(from: number, hours: number, watts: number, powerState: PowerSample['powerState'] = 'on'): PowerSample[] {
  return Array.from({ length: Math.round((hours * H) / MIN) }, (_, i) => ({ ts: from + i * MIN, activePower: watts, powerState }));
}
const off = (ts: number): PowerSample => ({ ts, activePower: 0, powerState: 'off' });

describe('power model', () => {
  it.each([
    [100, 104],
    [50, 54],
    [10, 14],
    [5, 14], // below the 10 % floor the driver runs at 10 %
    [0, 0.5], // standby
  ])('a 100 W LED with 4 W driver loss at level %d draws %d W', (level, watts) => {
    expect(expectedPower(model, level)).toBeCloseTo(watts, 9);
  });

  it('full power is the undimmed baseline', () => {
    expect(fullPower(model)).toBe(104);
    expect(drivenLevel(model, 150)).toBe(100);
  });
});

describe('lampEnergy', () => {
  it('a 100 W lamp burning 10 h at 100 % uses 1.0 kWh', () => {
    const e = lampEnergy([...run(start, 10, 100), off(start + 10 * H)], { intervalMs: MIN });
    expect(e.kWh).toBeCloseTo(1.0, 9);
    expect(e.burningHours).toBeCloseTo(10, 9);
    expect(e.gaps).toBe(0);
  });

  it('does not bridge a silence longer than 3 intervals, and says so', () => {
    const readings = [...run(start, 2, 100), ...run(start + 3 * H, 2, 100), off(start + 5 * H)];
    const e = lampEnergy(readings, { intervalMs: MIN });
    // Unbridged: from the last reading before the silence (1 h 59 min) to the first after it (3 h),
    // so 4 h minus one minute at 100 W are counted.
    expect(e.kWh).toBeCloseTo(0.4 - 0.1 / 60, 9);
    expect(e.gaps).toBe(1);
    expect(e.coveredHours).toBeCloseTo(4 - 1 / 60, 9);
    const bridged = lampEnergy(readings, { intervalMs: MIN, maxGapIntervals: 120 });
    expect(bridged.kWh).toBeCloseTo(0.5, 9);
  });

  it('sample-and-hold counts a step once reported; the trapezoid rule smears it', () => {
    const r: PowerSample[] = [off(start), { ts: start + H, activePower: 100, powerState: 'on' }, { ts: start + 2 * H, activePower: 100, powerState: 'on' }];
    expect(lampEnergy(r, { intervalMs: H }).kWh).toBeCloseTo(0.1, 9);
    expect(lampEnergy(r, { intervalMs: H, method: 'trapezoid' }).kWh).toBeCloseTo(0.15, 9);
  });

  it('holds the last reading until endMs and clips to a window', () => {
    const r = run(start, 1, 100);
    expect(lampEnergy(r, { intervalMs: MIN, endMs: start + H }).kWh).toBeCloseTo(0.1, 9);
    expect(lampEnergy(r, { intervalMs: MIN, endMs: start + H, window: { from: start + 30 * MIN, to: start + 2 * H } }).kWh).toBeCloseTo(0.05, 9);
  });
});

describe('savings against the undimmed baseline', () => {
  // 5 h at 100 % (104 W) + 5 h at 50 % (54 W): 0.52 + 0.27 = 0.79 kWh.
  // Baseline: 10 burning hours at 104 W = 1.04 kWh. Saved 0.25 kWh = 24.038 %, 0.25 × 0.233 = 0.05825 kg CO2.
  const readings = [...run(start, 5, 104), ...run(start + 5 * H, 5, 54), off(start + 10 * H)];

  it('matches the hand calculation', () => {
    const s = lampSavings(readings, model, { intervalMs: MIN });
    expect(s.actualKWh).toBeCloseTo(0.79, 9);
    expect(s.baselineKWh).toBeCloseTo(1.04, 9);
    expect(s.savedKWh).toBeCloseTo(0.25, 9);
    expect(s.savedPercent).toBeCloseTo((0.25 / 1.04) * 100, 9);
    expect(s.savedCO2kg).toBeCloseTo(0.05825, 9);
    expect(s.burningHours).toBeCloseTo(10, 9);
  });

  it('uses a configured CO2 factor', () => {
    expect(lampSavings(readings, model, { intervalMs: MIN }, 0.4).savedCO2kg).toBeCloseTo(0.1, 9);
  });

  it('standby draw outside burning hours is neither baseline nor saving', () => {
    const withDay = [...readings.slice(0, -1), ...run(start + 10 * H, 14, 0.5, 'off'), off(start + 24 * H)];
    const s = lampSavings(withDay, model, { intervalMs: MIN });
    expect(s.savedKWh).toBeCloseTo(0.25, 9);
    expect(lampEnergy(withDay, { intervalMs: MIN }).kWh).toBeCloseTo(0.79 + 0.007, 9);
  });

  it('totals are sums of baselines and actuals, not an average of percentages', () => {
    const t = totalSavings([
      { baselineKWh: 1.04, actualKWh: 0.79 },
      { baselineKWh: 3, actualKWh: 3 },
    ]);
    expect(t.savedKWh).toBeCloseTo(0.25, 9);
    expect(t.savedPercent).toBeCloseTo((0.25 / 4.04) * 100, 9);
  });
});

describe('per local day and month, per group and cabinet', () => {
  it('splits a night at local midnight in Madrid (CET)', () => {
    const from = Date.parse('2026-01-15T21:00:00Z'); // 22:00 local
    const segs = powerSegments([...run(from, 4, 100), off(from + 4 * H)], { intervalMs: MIN });
    const days = energyByLocalDay(segs, 'Europe/Madrid');
    expect(Object.keys(days)).toEqual(['2026-01-15', '2026-01-16']);
    expect(days['2026-01-15']).toBeCloseTo(0.2, 9);
    expect(days['2026-01-16']).toBeCloseTo(0.2, 9);
  });

  it('the fall-back day in Madrid has 25 hours of energy at constant load', () => {
    const from = Date.parse('2026-10-24T22:00:00Z'); // local midnight starting the 25th
    const segs = powerSegments([...run(from, 25, 100), off(from + 25 * H)], { intervalMs: MIN });
    expect(energyByLocalDay(segs, 'Europe/Madrid')).toEqual({ '2026-10-25': expect.closeTo(2.5, 9) });
  });

  it('month totals follow local dates, not UTC', () => {
    const from = Date.parse('2026-01-31T22:00:00Z'); // 23:00 on 31 January in Madrid
    const segs = powerSegments([...run(from, 2, 100), off(from + 2 * H)], { intervalMs: MIN });
    const months = energyByLocalMonth(energyByLocalDay(segs, 'Europe/Madrid'));
    expect(months['2026-01']).toBeCloseTo(0.1, 9);
    expect(months['2026-02']).toBeCloseTo(0.1, 9);
  });

  it('sums lamps per group and per cabinet', () => {
    const lamps = [
      { id: 'l1', groupId: 'g1', cabinetId: 'c1' },
      { id: 'l2', groupId: 'g1', cabinetId: 'c2' },
      { id: 'l3', groupId: 'g2', cabinetId: 'c2' },
    ];
    const perLamp = { l1: 1.5, l2: 2, l3: 0.25 };
    expect(sumBy(lamps, perLamp, 'groupId')).toEqual({ g1: 3.5, g2: 0.25 });
    expect(sumBy(lamps, perLamp, 'cabinetId')).toEqual({ c1: 1.5, c2: 2.25 });
  });
});

describe('meterBalance', () => {
  it('the meter reads 3.3 kWh, the lamps 3.0: 0.3 kWh (9.09 %) is losses and unmetered load', () => {
    const b = meterBalance(
      [
        { ts: start, activeEnergy: 100 },
        { ts: start + H, activeEnergy: 101.6 },
        { ts: start + 2 * H, activeEnergy: 103.3 },
      ],
      3.0,
    );
    expect(b.meterKWh).toBeCloseTo(3.3, 9);
    expect(b.differenceKWh).toBeCloseTo(0.3, 9);
    expect(b.differencePercent).toBeCloseTo((0.3 / 3.3) * 100, 9);
  });

  it('a register reset counts the new register from zero', () => {
    const b = meterBalance(
      [
        { ts: start, activeEnergy: 100 },
        { ts: start + H, activeEnergy: 101 },
        { ts: start + 2 * H, activeEnergy: 0.5 },
        { ts: start + 3 * H, activeEnergy: 1.5 },
      ],
      2.5,
    );
    expect(b.meterKWh).toBeCloseTo(2.5, 9);
    expect(b.registerResets).toBe(1);
    expect(b.differenceKWh).toBeCloseTo(0, 9);
  });
});

describe('per local day: one time-zone lookup per day gives the same days as one per segment', () => {
  // The per-segment definition, as energyByLocalDay computed it before it reused the day.
  const reference = (segments: readonly Segment[], timeZone: string) => {
    const out: Record<string, number> = {};
    for (const s of segments) {
      let start = s.start;
      while (start < s.end) {
        const day = localDate(start, timeZone);
        const end = Math.min(s.end, startOfLocalDay(addDays(day, 1), timeZone));
        out[day] = (out[day] ?? 0) + (s.watts * (end - start)) / 3_600_000 / 1000;
        start = end;
      }
    }
    return out;
  };
  // Around the DST changes of 2026 in both hemispheres, and a zone with a half-hour offset.
  const zones = ['Europe/Madrid', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];
  const around = [Date.UTC(2026, 2, 29), Date.UTC(2026, 3, 5), Date.UTC(2026, 8, 6), Date.UTC(2026, 9, 25)];
  it('for contiguous, overlapping and unordered segments across midnights and DST changes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.constantFrom(...around),
        fc.array(fc.record({ at: fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }), len: fc.integer({ min: 1, max: 30 * 3_600_000 }), watts: fc.integer({ min: 0, max: 200 }) }), { maxLength: 40 }),
        (zone, base, raw) => {
          const segments = raw.map((r) => ({ start: base + r.at, end: base + r.at + r.len, watts: r.watts, lit: r.watts > 0 }));
          const got = energyByLocalDay(segments, zone);
          const want = reference(segments, zone);
          expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
          for (const day of Object.keys(want)) expect(got[day]).toBeCloseTo(want[day]!, 9);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('for a month of one-minute segments in order', () => {
    const from = Date.UTC(2026, 9, 1);
    const segments = Array.from({ length: 31 * 1440 }, (_, i) => ({ start: from + i * 60_000, end: from + (i + 1) * 60_000, watts: 50, lit: true }));
    expect(energyByLocalDay(segments, 'Europe/Madrid')).toEqual(
      Object.fromEntries(Object.entries(reference(segments, 'Europe/Madrid')).map(([d, v]) => [d, expect.closeTo(v, 9)])),
    );
  });
});
