// The energy roll-up of one tenant (arithmetic: domain/energy-rollup.ts): one sealed record per lamp
// and local month holding the sums of its local days and of each day's hours (a month's report opens
// one or two records per lamp, not thirty, and reads raw at most the partial first and last hour),
// and one cursor record per lamp (the newest reading counted), kept in
// the tenant's own store through the pilot's records port. Ingest advances it (`onReadings`, after
// the readings' commit, in the tenant's serial queue); a late reading has the days it touches
// recomputed from the stored readings. A lamp without a cursor (a store from before the roll-up, or
// history the demo backfill wrote) is built once from its stored readings by `catchUp`, which the
// runtime starts in the background; until then the report reads that lamp raw.
import type { PilotRecords } from '../../platform/pilot.ts';
import {
  addDays,
  advance,
  daysTouched,
  daySums,
  monthOfDay,
  monthsOf,
  powerSegments,
  recomputeDay,
  startOfLocalDay,
  updateMonths,
  type Cursor,
  type DaySums,
  type MonthDays,
  type PowerSample,
  type RolledDay,
} from './domain/index.ts';
import type { TenantParts } from './tenant-parts.ts';

export const ROLLUP_KINDS = { month: 'lighting.energy-month', cursor: 'lighting.energy-cursor' } as const;
/** One record per lamp and day, before months held them: a rebuild deletes them. */
const LEGACY_DAY_KIND = 'lighting.energy-day';
const MAX_GAP_INTERVALS = 3;
/** Layout of the records: a cursor of another layout (days, before months) rebuilds its lamp. */
const LAYOUT = 'months';

interface CursorRecord extends Cursor {
  lampId: string;
  /** Zone and gap rule the days were counted with: another one rebuilds the lamp. */
  basis: string;
}
interface MonthRecord {
  lampId: string;
  month: string;
  /** Each local day's sums and hours, counted up to the day's `through` (the cursor when written),
   *  none after. A day written before hours were kept has none: it keeps none when segments are
   *  added to it (its partial parts are read raw), and gets them when it is recomputed or rebuilt. */
  days: MonthDays;
}

type Put = { kind: string; id: string; data: unknown; opts?: { tags: Record<string, string> } };
const monthId = (lampId: string, month: string) => `${lampId}:${month}`;

export const asSample = (r: { ts: number; data: unknown }): PowerSample | null => {
  const d = r.data as Record<string, unknown> | null;
  if (!d || typeof d.activePower !== 'number' || typeof d.powerState !== 'string') return null;
  return { ts: r.ts, activePower: d.activePower, powerState: d.powerState as PowerSample['powerState'] };
};

export class EnergyRollup {
  constructor(private readonly p: TenantParts) {}

  private get maxGapMs() {
    return MAX_GAP_INTERVALS * this.p.opts.reportIntervalMs;
  }
  private basis(timeZone: string) {
    return `${timeZone}|${this.p.opts.reportIntervalMs}|${MAX_GAP_INTERVALS}|${LAYOUT}`;
  }
  private timeZone(): string | null {
    return this.p.inventory.installation?.timeZone ?? null;
  }

  /** Cursors of every lamp counted with the current basis. */
  async cursors(records?: PilotRecords): Promise<Map<string, Cursor>> {
    const tz = this.timeZone();
    const out = new Map<string, Cursor>();
    if (!tz) return out;
    const r = records ?? (await this.p.ctx.records());
    for (const c of await r.find<CursorRecord>(ROLLUP_KINDS.cursor)) if (c.data.basis === this.basis(tz)) out.set(c.data.lampId, c.data);
    return out;
  }

  /** Day sums of `lamps` on `days` (a missing record is a day without energy). */
  async days(lampIds: ReadonlySet<string>, days: readonly string[]): Promise<Map<string, Map<string, RolledDay>>> {
    const records = await this.p.ctx.records();
    const out = new Map<string, Map<string, RolledDay>>();
    const wanted = new Set(days);
    // One indexed look-up per local month, every lamp's record at once: a month's report opens one
    // or two records per lamp.
    for (const month of monthsOf(wanted)) {
      for (const r of await records.find<MonthRecord>(ROLLUP_KINDS.month, { tags: { month } })) {
        const d = r.data;
        if (d.month !== month || !lampIds.has(d.lampId)) continue;
        let m = out.get(d.lampId);
        for (const [day, v] of Object.entries(d.days)) {
          if (!wanted.has(day) || monthOfDay(day) !== month) continue;
          if (!m) out.set(d.lampId, (m = new Map()));
          m.set(day, { kWh: v.kWh, litKWh: v.litKWh, litMs: v.litMs, through: v.through, ...(typeof v.h === 'string' ? { h: v.h } : {}) });
        }
      }
    }
    return out;
  }

  /** Advances the lamps' roll-ups with readings already committed (ingest calls it after the commit). */
  onReadings(readings: readonly { deviceId: string; ts: number; data: unknown }[]): Promise<void> {
    const byLamp = new Map<string, PowerSample[]>();
    for (const r of readings) {
      const s = asSample(r);
      if (!s || !this.p.inventory.lamps.has(r.deviceId)) continue;
      let list = byLamp.get(r.deviceId);
      if (!list) byLamp.set(r.deviceId, (list = []));
      list.push(s);
    }
    if (byLamp.size === 0) return Promise.resolve();
    return this.p.serial(async () => {
      const tz = this.timeZone();
      if (!tz) return;
      const records = await this.p.ctx.records();
      for (const [lampId, samples] of byLamp) {
        const c = await records.get<CursorRecord>(ROLLUP_KINDS.cursor, lampId);
        // Not built yet (a new lamp, or a store from before the roll-up): built from the store,
        // which already holds these readings.
        if (!c || c.data.basis !== this.basis(tz)) await this.catchUpLamp(lampId);
        else await this.apply(records, lampId, c.data, samples, tz);
      }
    });
  }

  /** Counts new readings from the cursor on, and recomputes the days late ones touch; one commit. */
  private async apply(records: PilotRecords, lampId: string, cursor: Cursor, samples: readonly PowerSample[], tz: string) {
    const step = advance(cursor, samples, this.maxGapMs);
    const add = daySums(step.segments, tz);
    const through = step.cursor!.ts;
    const recompute = new Map<string, DaySums>();
    for (const r of step.late) for (const d of daysTouched(r.ts, this.maxGapMs, tz)) recompute.set(d, { kWh: 0, litKWh: 0, litMs: 0 });
    for (const day of recompute.keys()) recompute.set(day, await this.rawDay(lampId, day, through, tz));
    const current = new Map<string, MonthDays>();
    for (const month of monthsOf([...recompute.keys(), ...add.keys()])) {
      const rec = await records.get<MonthRecord>(ROLLUP_KINDS.month, monthId(lampId, month));
      if (rec) current.set(month, rec.data.days);
    }
    const put: Put[] = [...updateMonths(current, recompute, add, through)].map(([month, days]) => this.monthPut(lampId, month, days));
    put.push(this.cursorPut(lampId, step.cursor!, tz));
    await records.commit({ put });
  }

  private async rawDay(lampId: string, day: string, through: number, tz: string): Promise<DaySums> {
    const from = startOfLocalDay(day, tz) - this.maxGapMs;
    const to = startOfLocalDay(addDays(day, 1), tz) + this.maxGapMs;
    const rows = await this.p.ctx.series.range(lampId, { from, to });
    const samples = rows.map(asSample).filter((s): s is PowerSample => s !== null);
    return recomputeDay(samples, day, through, { timeZone: tz, intervalMs: this.p.opts.reportIntervalMs, maxGapIntervals: MAX_GAP_INTERVALS });
  }

  private monthPut(lampId: string, month: string, days: MonthDays) {
    const data: MonthRecord = { lampId, month, days };
    return { kind: ROLLUP_KINDS.month, id: monthId(lampId, month), data, opts: { tags: { lamp: lampId, month } } };
  }

  private cursorPut(lampId: string, c: Cursor, tz: string) {
    const data: CursorRecord = { lampId, ts: c.ts, activePower: c.activePower, powerState: c.powerState, basis: this.basis(tz) };
    return { kind: ROLLUP_KINDS.cursor, id: lampId, data, opts: { tags: { lamp: lampId } } };
  }

  /**
   * Builds the roll-up of every lamp that has none with the current basis, and brings forward a
   * cursor behind the lamp's stored readings (readings committed while the process stopped before
   * counting them). One lamp per turn of the tenant's queue, so alarms are not held up.
   */
  async catchUp(o: { rebuild?: boolean } = {}): Promise<{ built: number; advanced: number }> {
    let built = 0;
    let advanced = 0;
    this.#building = true;
    try {
      for (const lampId of [...this.p.inventory.lamps.keys()]) {
        // A synchronous store (sqlite) resolves every await at once: without a turn of the event
        // loop between lamps, a build on start would hold up start-up and every request.
        await new Promise((resolve) => setImmediate(resolve));
        if (this.#stopped) break;
        const did = await this.p.serial(() => this.catchUpLamp(lampId, o.rebuild === true));
        if (did === 'built') built++;
        if (did === 'advanced') advanced++;
      }
    } finally {
      this.#building = false;
    }
    return { built, advanced };
  }

  #building = false;
  #stopped = false;
  /** Ends a running catchUp after the lamp it is on. */
  stop(): void {
    this.#stopped = true;
  }

  /** True while `catchUp` runs: lamps it has not reached yet are read raw by the report. */
  get building(): boolean {
    return this.#building;
  }

  private async catchUpLamp(lampId: string, rebuild = false): Promise<'built' | 'advanced' | null> {
    const tz = this.timeZone();
    if (!tz) return null;
    const records = await this.p.ctx.records();
    const c = await records.get<CursorRecord>(ROLLUP_KINDS.cursor, lampId);
    if (c && c.data.basis === this.basis(tz) && !rebuild) {
      const newer = await this.p.ctx.series.range(lampId, { from: c.data.ts + 1 });
      const samples = newer.map(asSample).filter((s): s is PowerSample => s !== null);
      if (samples.length === 0) return null;
      await this.apply(records, lampId, c.data, samples, tz);
      return 'advanced';
    }
    // Built from every stored reading: the months of another basis are replaced whole, and the day
    // records of the layout before months are deleted.
    const rows = await this.p.ctx.series.range(lampId, {});
    const samples = rows.map(asSample).filter((s): s is PowerSample => s !== null);
    const last = samples.at(-1);
    const sums = last
      ? daySums(powerSegments(samples, { intervalMs: this.p.opts.reportIntervalMs, maxGapIntervals: MAX_GAP_INTERVALS }), tz)
      : new Map<string, DaySums>();
    const months = last ? updateMonths(new Map(), sums, new Map(), last.ts) : new Map<string, MonthDays>();
    const put: Put[] = [...months].map(([month, days]) => this.monthPut(lampId, month, days));
    const del: { kind: string; id: string }[] = [];
    if (c) {
      for (const r of await records.find<MonthRecord>(ROLLUP_KINDS.month, { tags: { lamp: lampId } }))
        if (r.data.lampId === lampId && !months.has(r.data.month)) del.push({ kind: ROLLUP_KINDS.month, id: r.id });
      for (const r of await records.find<{ lampId: string }>(LEGACY_DAY_KIND, { tags: { lamp: lampId } }))
        if (r.data.lampId === lampId) del.push({ kind: LEGACY_DAY_KIND, id: r.id });
    }
    // No reading yet: an empty cursor would not chain; the first reading's catch-up builds it.
    if (last) put.push(this.cursorPut(lampId, last, tz));
    if (put.length || del.length) await records.commit({ put, delete: del });
    return last ? 'built' : null;
  }
}
