// The roll-up against the raw integration on the same seeded history: built from a store, kept at
// ingest with late, out-of-order and duplicate readings, across the DST change of the installation's
// zone (Europe/Madrid, 2026-10-25 has 25 hours).
import { describe, expect, it } from 'vitest';
import type { Reading } from '../../platform/services/series.ts';
import { mulberry32 } from '../../simulators/common/random.ts';
import { decodeHours, startOfLocalDay } from './domain/index.ts';
import { EnergyRollup, ROLLUP_KINDS } from './energy-rollup.ts';
import { energyReport, type EnergyQuery } from './energy-service.ts';
import { testTenant } from './testing.ts';

const MIN = 60_000;
const INTERVAL = 10 * MIN;
const TZ = 'Europe/Madrid';
const FROM = startOfLocalDay('2026-10-22', TZ);
const TO = startOfLocalDay('2026-10-28', TZ);

type Point = { ts: number; data: Record<string, unknown> };

/** A series store in memory with the real one's inclusive bounds and time order. */
function memorySeries() {
  const data = new Map<string, Point[]>();
  return {
    data,
    add(series: string, p: Point) {
      const list = data.get(series) ?? data.set(series, []).get(series)!;
      list.push(p);
      list.sort((a, b) => a.ts - b.ts);
    },
    async range<T>(series: string, o: { from?: number; to?: number; limit?: number; desc?: boolean } = {}): Promise<Reading<T>[]> {
      const rows = (data.get(series) ?? []).filter((p) => p.ts >= (o.from ?? -Infinity) && p.ts <= (o.to ?? Infinity));
      if (o.desc) rows.reverse();
      return rows.slice(0, o.limit ?? Infinity).map((p, i) => ({ series, id: `${series}-${p.ts}-${i}`, ts: p.ts, subject: null, data: p.data as T }));
    },
    latest: async () => null,
    count: async () => 0,
  };
}

/** Every 10 minutes with jitter, lit 18:00–06:00 (dimmed after midnight), an outage of 2 h a day. */
function history(lampIds: string[], seed: number, span = { from: FROM, to: TO }) {
  const rng = mulberry32(seed);
  const out: { deviceId: string; ts: number; data: Record<string, unknown> }[] = [];
  for (const deviceId of lampIds) {
    for (let t = span.from - 2 * INTERVAL; t < span.to + 2 * INTERVAL; t += INTERVAL) {
      const ts = t + Math.floor(rng() * 60_000);
      const hour = new Date(ts).getUTCHours();
      if (hour === 12 || hour === 13) continue; // silent: a gap the integration must not bridge
      const lit = hour >= 17 || hour < 5;
      const activePower = lit ? (hour < 5 ? 32 : 64) + rng() : 0.5;
      out.push({ deviceId, ts, data: { ts, activePower, powerState: lit ? (hour < 5 ? 'dimmed' : 'on') : 'off' } });
    }
  }
  return out;
}

/** Counts the readings the series hands out; `take` answers the count since the last take. */
function countReads(series: { range: <T>(id: string, o?: { from?: number; to?: number; limit?: number; desc?: boolean }) => Promise<Reading<T>[]> }) {
  let read = 0;
  const range = series.range.bind(series);
  series.range = async <T,>(id: string, o?: { from?: number; to?: number; limit?: number; desc?: boolean }) => {
    const out = await range<T>(id, o);
    read += out.length;
    return out;
  };
  return {
    take() {
      const n = read;
      read = 0;
      return n;
    },
  };
}

async function setup(to = TO) {
  const t = await testTenant({ lamps: 4, start: to, options: { reportIntervalMs: INTERVAL } });
  const parts = await t.parts();
  const series = memorySeries();
  Object.assign(parts.ctx, { series });
  const rollup = new EnergyRollup(parts);
  const inst = parts.inventory.requireInstallation();
  expect(inst.timeZone).toBe(TZ);
  const lampIds = [...parts.inventory.lamps.keys()];
  const scope = { timeZone: TZ, lamps: [...parts.inventory.lamps.values()], models: parts.inventory.models };
  const report = (q: EnergyQuery, withRollup: boolean) =>
    energyReport(series, scope, q, { intervalMs: INTERVAL, co2KgPerKWh: 0.2, now: to + 2 * 86_400_000 }, withRollup ? rollup : undefined);
  return { t, parts, series, rollup, lampIds, report };
}

async function expectSameReports(report: (q: EnergyQuery, r: boolean) => ReturnType<typeof energyReport>, q: EnergyQuery) {
  const raw = await report(q, false);
  const rolled = await report(q, true);
  expect(raw.total.kWh).toBeGreaterThan(1);
  expect(rolled.rows.map((r) => r.key)).toEqual(raw.rows.map((r) => r.key));
  for (const [i, row] of raw.rows.entries()) {
    const other = rolled.rows[i]!;
    expect(other.periods.map((p) => p.period)).toEqual(row.periods.map((p) => p.period));
    for (const [j, p] of row.periods.entries()) {
      for (const f of ['kWh', 'litKWh', 'baselineKWh', 'burningHours'] as const) expect(other.periods[j]![f]).toBeCloseTo(p[f], 9);
    }
  }
  for (const f of ['kWh', 'litKWh', 'baselineKWh', 'savedKWh', 'burningHours'] as const) expect(rolled.total[f]).toBeCloseTo(raw.total[f], 9);
}

const QUERIES: EnergyQuery[] = [
  { by: 'lamp', period: 'day', from: FROM, to: TO },
  // Not on midnights: a raw head and tail around the rolled days; the DST day inside.
  { by: 'group', period: 'day', from: FROM + 7 * 3_600_000 + 123, to: TO - 5 * 3_600_000 },
  { by: 'cabinet', period: 'month', from: FROM - 86_400_000, to: TO + 3 * INTERVAL },
  // Ending a day after the lamps fell silent: the cursor's day is read from its record up to the
  // cursor, the rest raw.
  { by: 'lamp', period: 'day', from: FROM, to: TO + 86_400_000 },
  // Starting late in a day: the partial first day raw; early: its record minus the part before.
  { by: 'lamp', period: 'day', from: FROM + 86_400_000 + 20 * 3_600_000 + 7, to: TO },
  { by: 'lamp', period: 'month', from: FROM + 86_400_000 + 2 * 3_600_000 + 7, to: TO },
  // Ending within a gap of the newest readings: the cursor's day from its record, the held tail raw.
  { by: 'group', period: 'day', from: FROM, to: TO + 2 * INTERVAL + 5 * MIN },
  // Starting and ending mid-hour, before the cursors: the partial days' whole hours from their
  // hours, under an hour raw at the start, under an hour and a gap at the end.
  { by: 'lamp', period: 'day', from: FROM + 86_400_000 + 3 * 3_600_000 + 17 * MIN + 5, to: TO - 86_400_000 - 2 * 3_600_000 - 41 * MIN },
];
/** Ends well after any cursor mid-way through the history: the open day's record is used. */
const OPEN: EnergyQuery = { by: 'lamp', period: 'day', from: FROM, to: TO + 86_400_000 };

describe('energy roll-up agrees with the raw integration', () => {
  it('built once from a store that had none (an existing store), across the DST day', async () => {
    const { series, rollup, lampIds, report, t } = await setup();
    for (const r of history(lampIds, 7)) series.add(r.deviceId, r);
    expect(await rollup.catchUp()).toEqual({ built: lampIds.length, advanced: 0 });
    // ~6 days of 4 lamps, all in one local month: one record per lamp holding its days.
    const months = await t.records.find<{ days: Record<string, unknown> }>(ROLLUP_KINDS.month);
    expect(months.map((m) => m.id).sort()).toEqual(lampIds.map((id) => `${id}:2026-10`).sort());
    for (const m of months) expect(Object.keys(m.data.days)).toContain('2026-10-25');
    for (const q of QUERIES) await expectSameReports(report, q);
  });

  it('kept at ingest: batches in order, late and out-of-order readings, duplicates; a lamp without a cursor is built on its first reading', async () => {
    const { series, rollup, lampIds, report } = await setup();
    const rows = history(lampIds, 11);
    // Ingest order: mostly by time; every 17th reading arrives a day late, every 23rd twice.
    const late = rows.filter((_, i) => i % 17 === 5);
    const onTime = rows.filter((_, i) => i % 17 !== 5).sort((a, b) => a.ts - b.ts);
    const batches: (typeof rows)[] = [];
    for (let i = 0; i < onTime.length; i += 7) batches.push(onTime.slice(i, i + 7));
    for (let i = 0; i < late.length; i += 5) batches.splice(Math.min(batches.length, 30 + i * 3), 0, late.slice(i, i + 5));
    batches.push(rows.filter((_, i) => i % 23 === 3));
    for (const [i, b] of batches.entries()) {
      for (const r of b) series.add(r.deviceId, r); // committed first, as ingest does
      await rollup.onReadings(b);
      // Mid-way, with the cursors inside the history: the open days' partial records.
      if (i === Math.floor(batches.length / 2)) await expectSameReports(report, OPEN);
    }
    for (const q of QUERIES) await expectSameReports(report, q);
    // And the roll-up kept at ingest is the one a fresh build from the same store makes.
    const kept = await rollup.days(new Set(lampIds), ['2026-10-23', '2026-10-25', '2026-10-27']);
    await rollup.catchUp({ rebuild: true });
    const built = await rollup.days(new Set(lampIds), ['2026-10-23', '2026-10-25', '2026-10-27']);
    for (const id of lampIds) {
      for (const d of ['2026-10-23', '2026-10-25', '2026-10-27']) {
        expect(kept.get(id)!.get(d)!.kWh).toBeCloseTo(built.get(id)!.get(d)!.kWh, 9);
        expect(kept.get(id)!.get(d)!.litMs).toBeCloseTo(built.get(id)!.get(d)!.litMs, 3);
      }
    }
  });

  it('a cursor behind the store (readings committed but never counted) is brought forward by catchUp', async () => {
    const { series, rollup, lampIds, report } = await setup();
    const rows = history(lampIds, 3);
    const cut = FROM + 3 * 86_400_000;
    for (const r of rows.filter((r) => r.ts < cut)) series.add(r.deviceId, r);
    await rollup.catchUp();
    for (const r of rows.filter((r) => r.ts >= cut)) series.add(r.deviceId, r);
    expect(await rollup.catchUp()).toEqual({ built: 0, advanced: lampIds.length });
    for (const q of QUERIES) await expectSameReports(report, q);
  });

  it('a report with the roll-up reads days, not every reading', async () => {
    const { series, rollup, lampIds, report } = await setup();
    for (const r of history(lampIds, 5)) series.add(r.deviceId, r);
    await rollup.catchUp();
    const reads = countReads(series);
    await report({ by: 'group', period: 'month', from: FROM, to: TO }, false);
    const rawRead = reads.take();
    await report({ by: 'group', period: 'month', from: FROM, to: TO }, true);
    // Only the day before the report's end (its held tail) is read raw.
    expect(reads.take()).toBeLessThan(rawRead / 4);
  });

  it('a report starting and ending mid-hour reads at most about an hour raw at each end per lamp, on the DST day too', async () => {
    const { series, rollup, lampIds, report } = await setup();
    for (const r of history(lampIds, 23)) series.add(r.deviceId, r);
    await rollup.catchUp();
    const reads = countReads(series);
    // Long partial days at both ends (from 01:47 local, to 22:41 local): raw, they were some 19
    // and 22 hours of readings per lamp. Each raw piece now spans under an hour (the tail: and the
    // last gap, 30 min), read with a margin of 30 min either side: at most 2 h and 2 h 30 min of
    // readings every 10 minutes, so under 30 + 2 per lamp.
    const H = 3_600_000;
    const bound = lampIds.length * ((4.5 * H) / INTERVAL + 4);
    for (const [from, to] of [
      [FROM + 86_400_000 + 107 * MIN + 13, startOfLocalDay('2026-10-25', TZ) + 23 * H + 41 * MIN], // ends mid-hour on the 25-hour day
      [startOfLocalDay('2026-10-25', TZ) + 3 * H + 17 * MIN, TO - 86_400_000 + 22 * H + 41 * MIN], // starts mid-hour on it, in its second 02:00
    ] as const) {
      reads.take();
      await report({ by: 'lamp', period: 'day', from, to }, false);
      expect(reads.take()).toBeGreaterThan(4 * bound);
      await report({ by: 'lamp', period: 'day', from, to }, true);
      expect(reads.take()).toBeLessThanOrEqual(bound);
      await expectSameReports(report, { by: 'lamp', period: 'day', from, to });
    }
  });

  it('month records written before hours were kept: their days\' partial parts are read raw, and agree', async () => {
    const { series, rollup, lampIds, report, t } = await setup();
    const rows = history(lampIds, 29);
    const cut = FROM + 3 * 86_400_000 + 5 * 3_600_000;
    for (const r of rows.filter((r) => r.ts < cut)) series.add(r.deviceId, r);
    await rollup.catchUp();
    // What the roll-up before hours left: the same records, days without hours, same cursors.
    for (const m of await t.records.find<{ lampId: string; month: string; days: Record<string, Record<string, unknown>> }>(ROLLUP_KINDS.month)) {
      for (const d of Object.values(m.data.days)) delete d.h;
      await t.records.put(ROLLUP_KINDS.month, m.id, m.data, { tags: { lamp: m.data.lampId, month: m.data.month } });
    }
    // Ingest goes on: the open day is added to and stays without hours; later days get them.
    const after = rows.filter((r) => r.ts >= cut);
    for (let i = 0; i < after.length; i += 13) {
      const b = after.slice(i, i + 13);
      for (const r of b) series.add(r.deviceId, r);
      await rollup.onReadings(b);
    }
    const days = await rollup.days(new Set(lampIds), ['2026-10-24', '2026-10-25', '2026-10-26']);
    for (const id of lampIds) {
      // Cut on the morning of the 25-hour day: it was open, and is added to without hours.
      expect(days.get(id)!.get('2026-10-24')!.h).toBeUndefined();
      expect(days.get(id)!.get('2026-10-25')!.h).toBeUndefined();
      expect(decodeHours(days.get(id)!.get('2026-10-26')!.h!)).toHaveLength(24);
    }
    for (const q of QUERIES) await expectSameReports(report, q);
  });

  // 29 October to 3 November: local midnight of 1 November is 23:00 UTC on 31 October.
  const EDGE = { from: startOfLocalDay('2026-10-29', TZ), to: startOfLocalDay('2026-11-04', TZ) };
  const EDGE_QUERIES: EnergyQuery[] = [
    { by: 'group', period: 'month', from: EDGE.from, to: EDGE.to },
    { by: 'lamp', period: 'day', from: EDGE.from + 5 * 3_600_000, to: EDGE.to - 7 * 3_600_000 },
  ];

  it('across a local month edge: days in the records of their local month, kept at ingest with late readings', async () => {
    const { series, rollup, lampIds, report, t } = await setup(EDGE.to);
    const rows = history(lampIds, 13, EDGE);
    // Up to the edge built from the store, then ingest with every 11th reading a day late.
    const edge = startOfLocalDay('2026-11-01', TZ);
    for (const r of rows.filter((r) => r.ts < edge)) series.add(r.deviceId, r);
    await rollup.catchUp();
    const after = rows.filter((r) => r.ts >= edge);
    const late = after.filter((_, i) => i % 11 === 4);
    const onTime = after.filter((_, i) => i % 11 !== 4);
    for (let i = 0; i < onTime.length; i += 9) {
      const b = [...onTime.slice(i, i + 9), ...late.splice(0, i % 45 === 0 ? 3 : 0)];
      for (const r of b) series.add(r.deviceId, r);
      await rollup.onReadings(b);
    }
    for (const r of late) series.add(r.deviceId, r);
    await rollup.onReadings(late);
    const months = await t.records.find<{ lampId: string; month: string; days: Record<string, unknown> }>(ROLLUP_KINDS.month);
    expect(months.length).toBe(2 * lampIds.length);
    for (const m of months) expect(Object.keys(m.data.days).every((d) => d.startsWith(m.data.month))).toBe(true);
    for (const q of EDGE_QUERIES) await expectSameReports(report, q);
  });

  it('a store with the roll-up of one record per day is rebuilt into months, its day records deleted', async () => {
    const { series, rollup, lampIds, report, t } = await setup();
    for (const r of history(lampIds, 17)) series.add(r.deviceId, r);
    // What the layout before months left: a cursor per lamp of that basis, and day records.
    for (const lampId of lampIds) {
      await t.records.put('lighting.energy-cursor', lampId, { lampId, ts: TO, activePower: 1, powerState: 'on', basis: `${TZ}|${INTERVAL}|3` }, { tags: { lamp: lampId } });
      await t.records.put('lighting.energy-day', `${lampId}:2026-10-23`, { lampId, day: '2026-10-23', kWh: 99, litKWh: 99, litMs: 1, through: TO }, { tags: { lamp: lampId, day: '2026-10-23' } });
    }
    expect(await rollup.catchUp()).toEqual({ built: lampIds.length, advanced: 0 });
    expect(await t.records.find('lighting.energy-day')).toEqual([]);
    for (const q of QUERIES) await expectSameReports(report, q);
  });

  it('a monthly report opens one month record per lamp and month, not one per day', async () => {
    const { series, rollup, lampIds, report, t } = await setup(EDGE.to);
    for (const r of history(lampIds, 19, EDGE)) series.add(r.deviceId, r);
    await rollup.catchUp();
    const opened = new Map<string, number>();
    const find = t.records.find.bind(t.records);
    t.records.find = async <T,>(kind: string, o?: Parameters<typeof find>[1]) => {
      const out = await find<T>(kind, o);
      opened.set(kind, (opened.get(kind) ?? 0) + out.length);
      return out;
    };
    await report(EDGE_QUERIES[0]!, true);
    // Two local months in the range: two records per lamp, for six days each lamp has.
    expect(opened.get(ROLLUP_KINDS.month)).toBe(2 * lampIds.length);
  });
});
