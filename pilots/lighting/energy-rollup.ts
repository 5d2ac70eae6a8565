// The energy roll-up of one tenant (arithmetic: domain/energy-rollup.ts): one sealed record per lamp
// and local day with its sums, and one cursor record per lamp (the newest reading counted), kept in
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
  mergeDays,
  powerSegments,
  recomputeDay,
  startOfLocalDay,
  type Cursor,
  type DaySums,
  type PowerSample,
  type RolledDay,
} from './domain/index.ts';
import type { TenantParts } from './tenant-parts.ts';

export const ROLLUP_KINDS = { day: 'lighting.energy-day', cursor: 'lighting.energy-cursor' } as const;
const MAX_GAP_INTERVALS = 3;

interface CursorRecord extends Cursor {
  lampId: string;
  /** Zone and gap rule the days were counted with: another one rebuilds the lamp. */
  basis: string;
}
interface DayRecord extends DaySums {
  lampId: string;
  day: string;
  /** The sums count the segments up to this instant (the cursor when written), none after. */
  through: number;
}

type Put = { kind: string; id: string; data: unknown; opts?: { tags: Record<string, string> } };
const dayId = (lampId: string, day: string) => `${lampId}:${day}`;

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
    return `${timeZone}|${this.p.opts.reportIntervalMs}|${MAX_GAP_INTERVALS}`;
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
    // One indexed look-up per day: exactly the days asked for, every lamp's at once.
    for (const day of new Set(days)) {
      for (const r of await records.find<DayRecord>(ROLLUP_KINDS.day, { tags: { day } })) {
        const d = r.data;
        if (d.day !== day || !lampIds.has(d.lampId)) continue;
        let m = out.get(d.lampId);
        if (!m) out.set(d.lampId, (m = new Map()));
        m.set(d.day, { kWh: d.kWh, litKWh: d.litKWh, litMs: d.litMs, through: d.through });
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
    const recompute = new Set<string>();
    for (const r of step.late) for (const d of daysTouched(r.ts, this.maxGapMs, tz)) recompute.add(d);
    const put: Put[] = [];
    const current = async (day: string) => (await records.get<DayRecord>(ROLLUP_KINDS.day, dayId(lampId, day)))?.data ?? null;
    for (const day of recompute) {
      const s = await this.rawDay(lampId, day, through, tz);
      put.push(this.dayPut(lampId, day, s, through));
      add.delete(day);
    }
    for (const [day, v] of add) {
      const old = await current(day);
      put.push(this.dayPut(lampId, day, old ? { kWh: old.kWh + v.kWh, litKWh: old.litKWh + v.litKWh, litMs: old.litMs + v.litMs } : v, through));
    }
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

  private dayPut(lampId: string, day: string, s: DaySums, through: number) {
    const data: DayRecord = { lampId, day, kWh: s.kWh, litKWh: s.litKWh, litMs: s.litMs, through };
    return { kind: ROLLUP_KINDS.day, id: dayId(lampId, day), data, opts: { tags: { lamp: lampId, day } } };
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
    // Built from every stored reading: the days of another basis are replaced whole.
    const rows = await this.p.ctx.series.range(lampId, {});
    const samples = rows.map(asSample).filter((s): s is PowerSample => s !== null);
    const last = samples.at(-1);
    const sums = last
      ? daySums(powerSegments(samples, { intervalMs: this.p.opts.reportIntervalMs, maxGapIntervals: MAX_GAP_INTERVALS }), tz)
      : new Map<string, DaySums>();
    const stale = c ? await records.find<DayRecord>(ROLLUP_KINDS.day, { tags: { lamp: lampId } }) : [];
    const put: Put[] = last ? [...mergeDays(new Map(), sums)].map(([day, s]) => this.dayPut(lampId, day, s, last.ts)) : [];
    const del = stale.filter((r) => r.data.lampId === lampId && !sums.has(r.data.day)).map((r) => ({ kind: ROLLUP_KINDS.day, id: r.id }));
    // No reading yet: an empty cursor would not chain; the first reading's catch-up builds it.
    if (last) put.push(this.cursorPut(lampId, last, tz));
    if (put.length || del.length) await records.commit({ put, delete: del });
    return last ? 'built' : null;
  }
}
