// The read model of one tenant's lighting: lamps, cabinets, groups and the installation as the API
// and the realtime events show them (inventory joined with live state, alarms, overrides and
// presence), a lamp's stored readings, and the energy and meter reports.
import type { Cabinet, Lamp } from './domain/index.ts';
import { localDate, sunEvents } from './domain/index.ts';
import type { LampView } from './contract.ts';
import { sourceOf } from './detection.ts';
import { energyReport, meterReport, type EnergyQuery, type EnergyReport, type MeterRow } from './energy-service.ts';
import { overrideId } from './schedules.ts';
import { lampTelemetryOf } from './state.ts';
import type { EnergyRollup } from './energy-rollup.ts';
import { bucketReadings } from './reading-buckets.ts';
import type { TenantParts } from './tenant-parts.ts';

/** Most raw readings a bucketed answer reads: 31 days of a reading a minute. */
const MAX_BUCKETED_ROWS = 31 * 24 * 60;

export class LightingViews {
  constructor(
    private readonly p: TenantParts,
    private readonly rollup?: EnergyRollup,
  ) {}

  lampView(lamp: Lamp): LampView {
    const { state, alarms, book, ctx } = this.p;
    const s = state.lampView(lamp.id);
    const alarm = alarms.activeFor(sourceOf('lamp', lamp.id))[0];
    const override = book.overrideFor(lamp, this.p.now());
    return {
      id: lamp.id,
      name: lamp.name ?? null,
      groupId: lamp.groupId,
      cabinetId: lamp.cabinetId,
      modelId: lamp.modelId,
      position: lamp.position,
      latitude: lamp.latitude,
      longitude: lamp.longitude,
      powerState: s.powerState,
      dimLevel: s.dimLevel,
      activePower: s.activePower,
      ts: s.ts,
      commandedLevel: s.commandedLevel,
      status: alarms.lampStatus(lamp.id),
      online: ctx.devices.isOnline(lamp.id),
      lastSeen: ctx.devices.lastSeen(lamp.id),
      ...(alarm ? { activeAlarm: { id: alarm.id, type: alarm.type, severity: alarm.severity } } : {}),
      ...(override ? { override } : {}),
    };
  }

  lamps(filter: { groupId?: string; cabinetId?: string } = {}): LampView[] {
    return [...this.p.inventory.lamps.values()]
      .filter((l) => (!filter.groupId || l.groupId === filter.groupId) && (!filter.cabinetId || l.cabinetId === filter.cabinetId))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((l) => this.lampView(l));
  }

  async lampDetail(id: string) {
    const { inventory, state, book, alarms, ctx } = this.p;
    const lamp = inventory.requireLamp(id);
    // A lamp not heard from since this runtime loaded: read its latest state from the store.
    if (!state.lamps.get(id)?.latest) await state.refresh(ctx.series, [{ id, kind: 'lamp' }], this.p.now(), ctx.deviceClock.maxSkewMs);
    const schedule = book.scheduleOfGroup(lamp.groupId);
    return {
      ...this.lampView(lamp),
      model: inventory.modelOf(lamp) ?? null,
      feederId: lamp.feederId ?? null,
      burningHours: state.lamps.get(id)?.latest?.burningHours ?? lamp.burningHours,
      schedule: schedule ? { id: schedule.id, name: schedule.name } : null,
      alarms: alarms.activeFor(sourceOf('lamp', id)),
      recent: state.lamps.get(id)?.recent ?? [],
    };
  }

  cabinetView(c: Cabinet) {
    const { state, inventory, alarms, ctx } = this.p;
    const live = state.cabinets.get(c.id)?.latest ?? null;
    return {
      ...c,
      lamps: inventory.lampsOfCabinet(c.id).length,
      activePower: live?.activePower ?? null,
      activeEnergy: live?.activeEnergy ?? null,
      ts: live?.ts ?? null,
      online: ctx.devices.isOnline(c.id),
      lastSeen: ctx.devices.lastSeen(c.id),
      alarms: alarms.activeFor(sourceOf('cabinet', c.id)).map((a) => ({ id: a.id, type: a.type, severity: a.severity })),
    };
  }

  cabinets() {
    return [...this.p.inventory.cabinets.values()].sort((a, b) => a.id.localeCompare(b.id)).map((c) => this.cabinetView(c));
  }

  groups() {
    const { inventory, book } = this.p;
    const at = this.p.now();
    return [...inventory.groups.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((g) => {
        const schedule = book.scheduleOfGroup(g.id);
        const o = book.overrides.get(overrideId('group', g.id));
        return {
          ...g,
          lamps: inventory.lampsOfGroup(g.id).length,
          schedule: schedule ? { id: schedule.id, name: schedule.name } : null,
          override: o && (o.until === null || o.until > at) ? { level: o.level, until: o.until } : null,
        };
      });
  }

  installation() {
    const { inventory } = this.p;
    const inst = inventory.requireInstallation();
    const at = this.p.now();
    return {
      ...inst,
      counts: { cabinets: inventory.cabinets.size, groups: inventory.groups.size, lamps: inventory.lamps.size },
      now: at,
      sun: sunEvents(localDate(at, inst.timeZone), inst.latitude, inst.longitude, inst.timeZone),
      reportIntervalMs: this.p.opts.reportIntervalMs,
      energyRollup: { building: this.rollup?.building ?? false },
    };
  }

  /** Readings in a range, or with `bucket` one mean per bucket (reading at most `limit` buckets'
   *  worth of a reading a minute, since only the means travel). */
  async readings(id: string, q: { from?: number; to?: number; limit: number; bucket?: number }) {
    this.p.inventory.requireLamp(id);
    const desc = q.from === undefined;
    const rows = await this.p.ctx.series.range<Record<string, unknown>>(id, {
      ...(q.from !== undefined ? { from: q.from } : {}),
      ...(q.to !== undefined ? { to: q.to } : {}),
      limit: q.bucket ? Math.min(MAX_BUCKETED_ROWS, q.limit * Math.ceil(q.bucket / 60_000)) : q.limit,
      desc,
    });
    if (desc) rows.reverse();
    const items = rows.map((r) => lampTelemetryOf({ ...r.data, ts: r.ts }));
    return q.bucket ? { lampId: id, bucket: q.bucket, items: bucketReadings(items, q.bucket) } : { lampId: id, items };
  }

  energy(q: EnergyQuery): Promise<EnergyReport> {
    const { inventory, opts } = this.p;
    const inst = inventory.requireInstallation();
    return energyReport(
      this.p.ctx.series,
      { timeZone: inst.timeZone, lamps: [...inventory.lamps.values()], models: inventory.models },
      q,
      { intervalMs: opts.reportIntervalMs, co2KgPerKWh: opts.co2KgPerKWh, now: this.p.now() },
      this.rollup,
    );
  }

  meters(range: { from: number; to: number }): Promise<MeterRow[]> {
    const { inventory, opts } = this.p;
    const inst = inventory.requireInstallation();
    return meterReport(
      this.p.ctx.series,
      { timeZone: inst.timeZone, lamps: [...inventory.lamps.values()], models: inventory.models, cabinets: [...inventory.cabinets.values()] },
      range,
      { intervalMs: opts.reportIntervalMs },
    );
  }
}
