// Energy reports from the lamps' power readings (the series store): per lamp, group or cabinet, per
// local day or month in the installation's zone, with savings against the undimmed baseline, and the
// cabinet meters against the sum of their lamps. The arithmetic is domain/energy.ts; this module
// fetches the readings and shapes the buckets. Whole local days a lamp's roll-up has counted come
// from it (domain/energy-rollup.ts `reportPlan`), and the whole hours of a partial first or last day
// from the day's hours (`rolledHours`); the rest of the span is integrated raw.
import type { Reading } from '../../platform/services/series.ts';
import {
  addDay,
  closedHead,
  daySums,
  fullPower,
  lampEnergy,
  meterBalance,
  mergeDays,
  powerSegments,
  openTail,
  reportCalendar,
  rolledHours,
  reportPlan,
  savings,
  type DaySums,
  type RolledDay,
  type Lamp,
  type LampModel,
  type MeterBalance,
  type PowerSample,
} from './domain/index.ts';

import type { EnergyFigures, EnergyReport, EnergyRow } from './contract.ts';

export type { EnergyFigures, EnergyReport, EnergyRow } from './contract.ts';

export interface SeriesReader {
  range<T>(series: string, opts: { from?: number; to?: number; limit?: number }): Promise<Reading<T>[]>;
}

export interface EnergyScope {
  timeZone: string;
  lamps: readonly Pick<Lamp, 'id' | 'groupId' | 'cabinetId' | 'modelId'>[];
  models: ReadonlyMap<string, Pick<LampModel, 'powerRating' | 'driverLoss'>>;
}

export interface EnergyQuery {
  by: 'lamp' | 'group' | 'cabinet';
  period: 'day' | 'month';
  from: number;
  to: number;
}

export interface EnergyOptions {
  intervalMs: number;
  co2KgPerKWh: number;
  /** Readings after this are not yet known: the last reading is held at most until here. */
  now: number;
  /** Most readings read per lamp (bounds one report's cost). */
  maxPointsPerLamp?: number;
}

type Sums = { kWh: number; litKWh: number; baselineKWh: number; burningHours: number };
const zero = (): Sums => ({ kWh: 0, litKWh: 0, baselineKWh: 0, burningHours: 0 });

function figures(s: Sums, co2: number): EnergyFigures {
  const sv = savings(s.baselineKWh, s.litKWh, co2);
  return {
    kWh: s.kWh,
    litKWh: s.litKWh,
    baselineKWh: s.baselineKWh,
    savedKWh: sv.savedKWh,
    savedPercent: sv.savedPercent,
    savedCO2kg: sv.savedCO2kg,
    burningHours: s.burningHours,
  };
}

const asSample = (r: Reading<Record<string, unknown>>): PowerSample | null => {
  const { activePower, powerState } = r.data;
  if (typeof activePower !== 'number' || typeof powerState !== 'string') return null;
  return { ts: r.ts, activePower, powerState: powerState as PowerSample['powerState'] };
};

/** Power readings of one device around [from, to]: one gap's worth either side so edge segments count. */
async function samples(reader: SeriesReader, id: string, from: number, to: number, margin: number, limit: number) {
  const rows = await reader.range<Record<string, unknown>>(id, { from: from - margin, to: to + margin, limit });
  return rows.map(asSample).filter((s): s is PowerSample => s !== null);
}

/** Per-bucket sums of one lamp from its day sums: energy, lit energy, baseline and burning hours. */
function lampBuckets(days: ReadonlyMap<string, DaySums>, model: Pick<LampModel, 'powerRating' | 'driverLoss'>, period: EnergyQuery['period']) {
  const out = new Map<string, Sums>();
  for (const [day, v] of days) {
    const p = period === 'day' ? day : day.slice(0, 7);
    const hours = v.litMs / 3_600_000;
    const s = out.get(p) ?? zero();
    s.kWh += v.kWh;
    s.litKWh += v.litKWh;
    s.baselineKWh += (hours * fullPower(model)) / 1000;
    s.burningHours += hours;
    out.set(p, s);
  }
  return out;
}

/** The roll-up a report reads whole local days from (energy-rollup.ts); without it every lamp is read raw. */
export interface RollupReader {
  cursors(): Promise<ReadonlyMap<string, { ts: number }>>;
  days(lampIds: ReadonlySet<string>, days: readonly string[]): Promise<ReadonlyMap<string, ReadonlyMap<string, RolledDay>>>;
}

export async function energyReport(reader: SeriesReader, scope: EnergyScope, q: EnergyQuery, o: EnergyOptions, rollup?: RollupReader): Promise<EnergyReport> {
  const margin = 3 * o.intervalMs;
  const end = Math.min(q.to, o.now);
  const rows = new Map<string, Map<string, Sums>>();
  const cursors = rollup ? await rollup.cursors() : new Map<string, { ts: number }>();
  const cal = reportCalendar(q.from, end, scope.timeZone);
  const plans = new Map(scope.lamps.map((l) => [l.id, reportPlan(cal, cursors.get(l.id)?.ts ?? null, margin)]));
  const rolled = new Set<string>();
  const wanted = new Set<string>();
  for (const [id, plan] of plans) {
    if (plan.days.length === 0 && !plan.open && !plan.head && !plan.tailHours) continue;
    rolled.add(id);
    for (const d of plan.days) wanted.add(d);
    if (plan.open) wanted.add(plan.open.day);
    if (plan.head) wanted.add(plan.head.day);
    if (plan.tailHours) wanted.add(plan.tailHours.day);
  }
  const stored = rollup && rolled.size ? await rollup.days(rolled, [...wanted].sort()) : new Map<string, ReadonlyMap<string, RolledDay>>();
  for (const lamp of scope.lamps) {
    const model = scope.models.get(lamp.modelId);
    if (!model) continue;
    const plan = plans.get(lamp.id)!;
    const days = new Map<string, DaySums>();
    const have = stored.get(lamp.id);
    for (const d of plan.days) {
      const v = have?.get(d);
      if (v) days.set(d, v);
    }
    // The cursor's day: its record up to where it counted, the rest of the span raw.
    const tail = openTail(plan, plan.open ? have?.get(plan.open.day) : undefined, end, margin);
    if (tail.useRecord) days.set(plan.open!.day, have!.get(plan.open!.day)!);
    // The partial first day: its whole hours from the day's hours, or (a day written before hours
    // were kept) its record minus the part before the report's start when that is shorter.
    const headRec = plan.head ? have?.get(plan.head.day) : undefined;
    const hours = rolledHours(tail.raw, plan, headRec, plan.tailHours ? have?.get(plan.tailHours.day) : undefined);
    mergeDays(days, hours.sums);
    const head = hours.head ? { raw: hours.raw, minus: null } : closedHead(hours.raw, plan, headRec, q.from);
    if (head.minus) {
      const s = await samples(reader, lamp.id, head.minus.from, head.minus.to, margin, o.maxPointsPerLamp ?? 200_000);
      const before = daySums(powerSegments(s, { intervalMs: o.intervalMs, window: head.minus }), scope.timeZone).get(plan.head!.day);
      const neg = before ? { kWh: -before.kWh, litKWh: -before.litKWh, litMs: -before.litMs } : { kWh: 0, litKWh: 0, litMs: 0 };
      days.set(plan.head!.day, addDay(headRec!, neg));
    }
    for (const span of head.raw) {
      // The span ending at the report's end reads up to the query's end, as a raw report would,
      // and holds the last reading until the end; the first partial day ends at a midnight.
      const s = await samples(reader, lamp.id, span.from, span.holdToEnd ? q.to : span.to, margin, o.maxPointsPerLamp ?? 200_000);
      const segments = powerSegments(s, { intervalMs: o.intervalMs, ...(span.holdToEnd ? { endMs: end } : {}), window: { from: span.from, to: span.to } });
      mergeDays(days, daySums(segments, scope.timeZone));
    }
    const rowKey = q.by === 'lamp' ? lamp.id : q.by === 'group' ? lamp.groupId : lamp.cabinetId;
    let row = rows.get(rowKey);
    if (!row) rows.set(rowKey, (row = new Map()));
    for (const [p, v] of lampBuckets(days, model, q.period)) {
      const acc = row.get(p) ?? zero();
      acc.kWh += v.kWh;
      acc.litKWh += v.litKWh;
      acc.baselineKWh += v.baselineKWh;
      acc.burningHours += v.burningHours;
      row.set(p, acc);
    }
  }
  const grand = zero();
  const out: EnergyRow[] = [...rows]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, buckets]) => {
      const total = zero();
      const periods = [...buckets]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([period, v]) => {
          for (const f of ['kWh', 'litKWh', 'baselineKWh', 'burningHours'] as const) {
            total[f] += v[f];
            grand[f] += v[f];
          }
          return { period, ...figures(v, o.co2KgPerKWh) };
        });
      return { key: k, periods, total: figures(total, o.co2KgPerKWh) };
    });
  return {
    by: q.by,
    period: q.period,
    from: q.from,
    to: q.to,
    timeZone: scope.timeZone,
    co2KgPerKWh: o.co2KgPerKWh,
    rows: out,
    total: figures(grand, o.co2KgPerKWh),
  };
}

export interface MeterRow extends MeterBalance {
  cabinetId: string;
  /** The span the meter's readings cover inside the query; the lamps are integrated over it too. */
  from: number | null;
  to: number | null;
  lamps: number;
}

/** Each cabinet's meter (register differences) against the sum of its lamps over the same span. */
export async function meterReport(
  reader: SeriesReader,
  scope: EnergyScope & { cabinets: readonly { id: string }[] },
  range: { from: number; to: number },
  o: Pick<EnergyOptions, 'intervalMs' | 'maxPointsPerLamp'>,
): Promise<MeterRow[]> {
  const limit = o.maxPointsPerLamp ?? 200_000;
  const margin = 3 * o.intervalMs;
  const rows: MeterRow[] = [];
  for (const cab of scope.cabinets) {
    const points = await reader.range<Record<string, unknown>>(cab.id, { from: range.from, to: range.to, limit });
    const meter = points
      .filter((p) => typeof p.data.activeEnergy === 'number')
      .map((p) => ({ ts: p.ts, activeEnergy: p.data.activeEnergy as number }));
    const lamps = scope.lamps.filter((l) => l.cabinetId === cab.id);
    const first = meter[0]?.ts ?? null;
    const last = meter.at(-1)?.ts ?? null;
    let lampsKWh = 0;
    if (first !== null && last !== null && last > first) {
      for (const lamp of lamps) {
        const s = await samples(reader, lamp.id, first, last, margin, limit);
        lampsKWh += lampEnergy(s, { intervalMs: o.intervalMs, endMs: last, window: { from: first, to: last } }).kWh;
      }
    }
    rows.push({ cabinetId: cab.id, from: first, to: last, lamps: lamps.length, ...meterBalance(meter, lampsKWh) });
  }
  return rows;
}
