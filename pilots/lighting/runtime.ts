// One tenant's lighting runtime: its inventory, schedules and overrides, live state and alarm view,
// and the scheduler, wired to the PilotContext. Every method runs in that tenant's context (a
// request of one of its users, its background tick, or the ingest of its devices' readings).
// Work that reads and then writes alarms or overrides goes through one queue per tenant, so two
// readings of the same lamp never race to raise the same alarm.
import type { PilotContext as AnyContext } from '../../platform/pilot.ts';
import type { LampView, LightingEvents } from './contract.ts';
import type { LightingReading } from './index.ts';
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import {
  effectiveLevel,
  levelAt,
  localDate,
  preview,
  sunEvents,
  type Cabinet,
  type Lamp,
  type LevelSource,
  type LightingEvent,
  type Schedule,
  type SchedulePreview,
} from './domain/index.ts';
import { batchStatus, commandForLevel, commandOfRequest, fanOut, type BatchStatus, type CommandRequest } from './commands.ts';
import {
  AlarmBook,
  CABINET_READING_CHECKS,
  LAMP_READING_CHECKS,
  cabinetFindings,
  commsSweep,
  lampFindings,
  sourceOf,
} from './detection.ts';
import { energyReport, meterReport, type EnergyQuery, type EnergyReport, type MeterRow } from './energy-service.ts';
import { Inventory, RECORD, type InstallationRecord, type Target } from './inventory.ts';
import type { LightingOptions } from './options.ts';
import { ScheduleBook, overrideId, type OverrideScope, type StoredOverride } from './schedules.ts';
import { Scheduler, type PlannedSwitch, type SchedulerSnapshot } from './scheduler.ts';
import { registerFleet } from './provisioning.ts';
import { buildDemoInventory, fleetExtra, type LightingProvision } from './seed.ts';
import { LiveState, cabinetTelemetryOf, lampTelemetryOf } from './state.ts';

export type SimulateScenario = 'lamp-failure' | 'driver-fault' | 'day-burner' | 'comms-loss' | 'mains-loss' | 'door-open' | 'restore';
const LAMP_SCENARIOS: ReadonlySet<SimulateScenario> = new Set(['lamp-failure', 'driver-fault', 'day-burner', 'comms-loss', 'restore']);
const CABINET_SCENARIOS: ReadonlySet<SimulateScenario> = new Set(['mains-loss', 'door-open', 'comms-loss', 'restore']);

const MARK_ID = 'mark';

/** The context as the runtime uses it: its realtime events typed by the pilot's contract. */
type PilotContext = AnyContext<LightingEvents>;

export class TenantRuntime {
  private queue: Promise<unknown> = Promise.resolve();
  private scheduler!: Scheduler;

  private constructor(
    readonly tenantId: string,
    private readonly ctx: PilotContext,
    private readonly opts: LightingOptions,
    private readonly now: () => number,
    readonly inventory: Inventory,
    readonly book: ScheduleBook,
    readonly state: LiveState,
    readonly alarms: AlarmBook,
  ) {}

  static async load(ctx: PilotContext, opts: LightingOptions, now: () => number, tenantId: string): Promise<TenantRuntime> {
    // The records read below are the context's tenant's: refuse to file them under another one.
    if (ctx.principal().tenantId !== tenantId) throw new Error(`lighting runtime of ${tenantId} loaded outside its tenant context`);
    const records = await ctx.records();
    const inventory = await Inventory.load(records);
    const book = await ScheduleBook.load(records);
    const alarms = await AlarmBook.load(ctx.alarms);
    // A fault event counts for two reporting intervals after the newest reading.
    const state = new LiveState(opts.recentReadings, 2 * opts.reportIntervalMs);
    const start = now();
    await state.refresh(ctx.series, devicesOf(inventory), start, ctx.deviceClock.maxSkewMs);
    const rt = new TenantRuntime(tenantId, ctx, opts, now, inventory, book, state, alarms);
    // Replay the switch points missed while the platform was down; with no mark, or one too old
    // to replay, put every scheduled group at the level in force instead.
    const mark = (await records.get<{ at: number }>(RECORD.schedulerMark, MARK_ID))?.data.at;
    const replay = mark !== undefined && mark >= start - opts.maxCatchUpMs;
    rt.scheduler = new Scheduler(
      {
        now,
        snapshot: () => rt.snapshot(),
        issue: (sw) => rt.issueSwitch(sw),
        dropOverrides: async (ids) => rt.book.dropOverrides(await ctx.records(), ids),
        saveMark: async (at) => (await ctx.records()).put(RECORD.schedulerMark, MARK_ID, { at }),
        onError: (err, sw) => ctx.logger.error({ err, groupId: sw.groupId }, 'scheduled switch failed'),
      },
      replay ? Math.min(mark, start) : start,
    );
    if (!replay) rt.scheduler.resync('all');
    return rt;
  }

  /** Runs `fn` after everything queued before it in this tenant (alarm and override updates). */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  // ---- background work ----------------------------------------------------------------------

  /** One pass of the background loop: due schedule steps and lapsed overrides, then comms loss. */
  async tick(): Promise<PlannedSwitch[]> {
    return this.serial(async () => {
      const issued = await this.scheduler.tick();
      await this.sweepComms();
      return issued;
    });
  }

  private snapshot(): SchedulerSnapshot {
    const inv = this.inventory;
    return {
      site: inv.installation,
      schedules: [...this.book.schedules.values()],
      lampsOfGroup: (g) => inv.lampsOfGroup(g),
      lampsCoveredBy: (o) => {
        if (o.scope === 'group') return inv.lampsOfGroup(o.targetId);
        if (o.scope === 'cabinet') return inv.lampsOfCabinet(o.targetId);
        const lamp = inv.lamps.get(o.targetId);
        return lamp ? [lamp] : [];
      },
      overrideFor: (l, at) => this.book.overrideFor(l, at),
      expiredOverrides: (at) => this.book.expired(at),
    };
  }

  private async issueSwitch(sw: PlannedSwitch): Promise<void> {
    const { lampIds, ...rest } = sw;
    const { batchId } = await fanOut(this.ctx.commands, lampIds, commandForLevel(sw.level), this.opts.commandTtlMs);
    const at = this.now();
    for (const id of lampIds) this.state.commanded(id, sw.level, at);
    this.ctx.publish({ type: 'lt.schedule', payload: { event: 'switch', ...rest, lamps: lampIds.length, batchId } });
  }

  private async sweepComms(): Promise<void> {
    if (this.opts.commsLossIntervals === 0) return;
    const at = this.now();
    const inv = this.inventory;
    const mainsLost = new Set([...inv.cabinets.keys()].filter((id) => this.alarms.isActive(sourceOf('cabinet', id), 'cabinetMainsLoss')));
    const found = commsSweep({
      lamps: [...inv.lamps.values()].map((l) => ({ id: l.id, cabinetId: l.cabinetId, lastHeard: this.state.lamp(l.id, at).lastHeard })),
      cabinets: [...inv.cabinets.keys()].map((id) => ({ id, lastHeard: this.state.cabinet(id, at).lastHeard })),
      mainsLost,
      now: at,
      intervalMs: this.opts.reportIntervalMs,
      missedIntervals: this.opts.commsLossIntervals,
    });
    for (const [source, f] of found) {
      if (!f && !this.alarms.isActive(source, 'commsLoss')) continue;
      await this.alarms.reconcile(source, ['commsLoss'], f ? [f] : []);
    }
  }

  // ---- device hooks -------------------------------------------------------------------------

  async onReadings(readings: readonly LightingReading[]): Promise<void> {
    const heard = this.now();
    const lamps = new Set<string>();
    const cabinets = new Set<string>();
    for (const r of readings) {
      if (r.kind === 'lamp') {
        const live = this.state.lamp(r.deviceId, heard);
        if (r.family === 'telemetry') this.state.addReading(live, lampTelemetryOf(r.data), heard);
        else this.state.addEvent(live, r.data, heard);
        lamps.add(r.deviceId);
      } else if (r.kind === 'cabinet') {
        const live = this.state.cabinet(r.deviceId, heard);
        if (r.family === 'telemetry') this.state.addReading(live, cabinetTelemetryOf(r.data), heard);
        else this.state.addEvent(live, r.data, heard);
        cabinets.add(r.deviceId);
      }
    }
    await this.serial(async () => {
      for (const id of lamps) await this.checkLamp(id, heard);
      for (const id of cabinets) await this.checkCabinet(id, heard);
    });
  }

  /** A device that connects is talking again: its silence is counted from now. */
  onPresence(deviceId: string, kind: string, online: boolean): void {
    if (!online) return;
    const at = this.now();
    if (kind === 'lamp') this.state.lamp(deviceId, at).lastHeard = at;
    if (kind === 'cabinet') this.state.cabinet(deviceId, at).lastHeard = at;
  }

  /** Level in force for a lamp at a reading's time: last commanded, else its schedule with overrides. */
  levelSource(lamp: Lamp): LevelSource {
    const site = this.inventory.installation;
    const schedule = this.book.scheduleOfGroup(lamp.groupId);
    const live = this.state.lamps.get(lamp.id);
    return (ts: number) => {
      const commanded = this.state.commandedLevelAt(lamp.id, ts);
      if (commanded !== undefined) return commanded;
      const override = this.book.overrideFor(lamp, ts);
      if (site && schedule) return effectiveLevel({ scheduledLevel: levelAt(schedule, site, ts), override }, ts).level;
      if (override) return override.level;
      // Nothing says what the lamp should do: judge it by what it reports.
      return live?.recent.find((r) => r.ts === ts)?.dimLevel ?? 0;
    };
  }

  private async checkLamp(id: string, at: number) {
    const lamp = this.inventory.lamps.get(id);
    const live = this.state.lamps.get(id);
    if (!lamp || !live) return;
    const model = this.inventory.modelOf(lamp);
    if (model) {
      const findings = lampFindings({ lamp, model, live, level: this.levelSource(lamp), now: at, intervalMs: this.opts.reportIntervalMs });
      await this.alarms.reconcile(sourceOf('lamp', id), LAMP_READING_CHECKS, findings, { lampId: id, groupId: lamp.groupId, cabinetId: lamp.cabinetId });
    }
    const v = this.lampView(lamp);
    this.ctx.publish({
      type: 'lt.lamp',
      batch: true,
      payload: { id, powerState: v.powerState, dimLevel: v.dimLevel, activePower: v.activePower, ts: v.ts, status: v.status, online: v.online, activeAlarm: v.activeAlarm ?? null },
    });
  }

  private async checkCabinet(id: string, at: number) {
    const cabinet = this.inventory.cabinets.get(id);
    const live = this.state.cabinets.get(id);
    if (!cabinet || !live) return;
    await this.alarms.reconcile(sourceOf('cabinet', id), CABINET_READING_CHECKS, cabinetFindings(id, live, at, this.opts.reportIntervalMs), { cabinetId: id });
    const mainsPresent = !this.alarms.isActive(sourceOf('cabinet', id), 'cabinetMainsLoss');
    const doorOpen = this.alarms.isActive(sourceOf('cabinet', id), 'doorOpen');
    if (cabinet.mainsPresent !== mainsPresent || cabinet.doorOpen !== doorOpen) {
      await this.inventory.save(await this.ctx.records(), { cabinets: [{ ...cabinet, mainsPresent, doorOpen }] }, this.ctx.now());
    }
    this.ctx.publish({ type: 'lt.cabinet', batch: true, payload: this.cabinetView(this.inventory.cabinets.get(id)!) });
  }

  // ---- views ----------------------------------------------------------------------------------

  lampView(lamp: Lamp): LampView {
    const s = this.state.lampView(lamp.id);
    const alarm = this.alarms.activeFor(sourceOf('lamp', lamp.id))[0];
    const override = this.book.overrideFor(lamp, this.now());
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
      status: this.alarms.lampStatus(lamp.id),
      online: this.ctx.devices.isOnline(lamp.id),
      lastSeen: this.ctx.devices.lastSeen(lamp.id),
      ...(alarm ? { activeAlarm: { id: alarm.id, type: alarm.type, severity: alarm.severity } } : {}),
      ...(override ? { override } : {}),
    };
  }

  lamps(filter: { groupId?: string; cabinetId?: string } = {}): LampView[] {
    return [...this.inventory.lamps.values()]
      .filter((l) => (!filter.groupId || l.groupId === filter.groupId) && (!filter.cabinetId || l.cabinetId === filter.cabinetId))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((l) => this.lampView(l));
  }

  async lampDetail(id: string) {
    const lamp = this.inventory.requireLamp(id);
    // A lamp not heard from since this runtime loaded: read its latest state from the store.
    if (!this.state.lamps.get(id)?.latest) await this.state.refresh(this.ctx.series, [{ id, kind: 'lamp' }], this.now(), this.ctx.deviceClock.maxSkewMs);
    const schedule = this.book.scheduleOfGroup(lamp.groupId);
    return {
      ...this.lampView(lamp),
      model: this.inventory.modelOf(lamp) ?? null,
      feederId: lamp.feederId ?? null,
      burningHours: this.state.lamps.get(id)?.latest?.burningHours ?? lamp.burningHours,
      schedule: schedule ? { id: schedule.id, name: schedule.name } : null,
      alarms: this.alarms.activeFor(sourceOf('lamp', id)),
      recent: this.state.lamps.get(id)?.recent ?? [],
    };
  }

  cabinetView(c: Cabinet) {
    const live = this.state.cabinets.get(c.id)?.latest ?? null;
    return {
      ...c,
      lamps: this.inventory.lampsOfCabinet(c.id).length,
      activePower: live?.activePower ?? null,
      activeEnergy: live?.activeEnergy ?? null,
      ts: live?.ts ?? null,
      online: this.ctx.devices.isOnline(c.id),
      lastSeen: this.ctx.devices.lastSeen(c.id),
      alarms: this.alarms.activeFor(sourceOf('cabinet', c.id)).map((a) => ({ id: a.id, type: a.type, severity: a.severity })),
    };
  }

  cabinets() {
    return [...this.inventory.cabinets.values()].sort((a, b) => a.id.localeCompare(b.id)).map((c) => this.cabinetView(c));
  }

  groups() {
    const at = this.now();
    return [...this.inventory.groups.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((g) => {
        const schedule = this.book.scheduleOfGroup(g.id);
        const o = this.book.overrides.get(overrideId('group', g.id));
        return {
          ...g,
          lamps: this.inventory.lampsOfGroup(g.id).length,
          schedule: schedule ? { id: schedule.id, name: schedule.name } : null,
          override: o && (o.until === null || o.until > at) ? { level: o.level, until: o.until } : null,
        };
      });
  }

  installation() {
    const inst = this.inventory.requireInstallation();
    const at = this.now();
    return {
      ...inst,
      counts: { cabinets: this.inventory.cabinets.size, groups: this.inventory.groups.size, lamps: this.inventory.lamps.size },
      now: at,
      sun: sunEvents(localDate(at, inst.timeZone), inst.latitude, inst.longitude, inst.timeZone),
      reportIntervalMs: this.opts.reportIntervalMs,
    };
  }

  async readings(id: string, q: { from?: number; to?: number; limit: number }) {
    this.inventory.requireLamp(id);
    const desc = q.from === undefined;
    const rows = await this.ctx.series.range<Record<string, unknown>>(id, { ...(q.from !== undefined ? { from: q.from } : {}), ...(q.to !== undefined ? { to: q.to } : {}), limit: q.limit, desc });
    if (desc) rows.reverse();
    return { lampId: id, items: rows.map((r) => lampTelemetryOf({ ...r.data, ts: r.ts })) };
  }

  // ---- commands -------------------------------------------------------------------------------

  async sendCommand(req: CommandRequest) {
    return this.serial(async () => {
      const lamps = this.inventory.resolveTarget(req.target as Target);
      if (!lamps.length) throw badRequest('the target has no lamps');
      const command = commandOfRequest(req);
      const level = command.level ?? (command.action === 'off' ? 0 : 100);
      const { batchId, commands } = await fanOut(this.ctx.commands, lamps.map((l) => l.id), command, this.opts.commandTtlMs);
      const at = this.now();
      for (const l of lamps) this.state.commanded(l.id, level, at);
      const [scope, targetId] = targetOf(req.target as Target);
      const minutes = req.overrideMinutes ?? this.opts.overrideDefaultMinutes;
      const records = await this.ctx.records();
      let override: StoredOverride | null = null;
      if (minutes > 0) {
        override = { id: overrideId(scope, targetId), scope, targetId, level, until: at + minutes * 60_000, createdAt: at, batchId, createdBy: this.ctx.principal().label };
        await this.book.putOverride(records, override);
      } else {
        // A command without a hold replaces an earlier hold on the same target.
        await this.book.dropOverrides(records, [overrideId(scope, targetId)]);
      }
      return {
        batchId,
        target: req.target,
        command,
        override: override ? { level: override.level, until: override.until } : null,
        commands: commands.map((c) => ({ lampId: c.deviceId, commandId: c.id, status: c.status })),
      };
    });
  }

  async batch(batchId: string): Promise<BatchStatus> {
    const status = batchStatus(batchId, await this.ctx.commands.list({ batchId, limit: 10_000 }));
    if (!status) throw notFound(`no command batch ${batchId}`);
    return status;
  }

  /** Demo fault injection: a `simulate` command the simulator honours. A cabinet scenario named on
   *  a lamp (mains loss, door open) goes to the lamp's cabinet, where that fault lives. */
  async simulate(deviceId: string, scenario: SimulateScenario) {
    const lamp = this.inventory.lamps.get(deviceId);
    if (!lamp && !this.inventory.cabinets.has(deviceId)) throw notFound(`no lamp or cabinet ${deviceId}`);
    let target = deviceId;
    if (lamp && !LAMP_SCENARIOS.has(scenario)) target = lamp.cabinetId;
    else if (!lamp && !CABINET_SCENARIOS.has(scenario)) throw badRequest(`scenario ${scenario} does not apply to a cabinet`);
    return this.ctx.commands.create({ deviceId: target, name: 'simulate', payload: { scenario }, ttlMs: this.opts.simulateTtlMs });
  }

  // ---- schedules ------------------------------------------------------------------------------

  schedules(): Schedule[] {
    return [...this.book.schedules.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  async saveSchedule(schedule: Schedule, mode: 'create' | 'replace'): Promise<Schedule> {
    return this.serial(async () => {
      const exists = this.book.schedules.has(schedule.id);
      if (mode === 'create' && exists) throw conflict(`schedule ${schedule.id} exists`);
      if (mode === 'replace' && !exists) throw notFound(`no schedule ${schedule.id}`);
      const saved = await this.book.saveSchedule(await this.ctx.records(), schedule, new Set(this.inventory.groups.keys()));
      await this.auditSchedule(mode === 'create' ? 'create' : 'update', saved);
      // A new or edited programme applies at once, not only from its next step.
      this.scheduler.resync(saved.assignedGroups);
      this.ctx.publish({ type: 'lt.schedule', payload: { event: mode === 'create' ? 'created' : 'updated', schedule: saved } });
      return saved;
    });
  }

  async deleteSchedule(id: string): Promise<void> {
    await this.serial(async () => {
      const removed = await this.book.deleteSchedule(await this.ctx.records(), id);
      await this.auditSchedule('delete', removed);
      this.ctx.publish({ type: 'lt.schedule', payload: { event: 'deleted', schedule: { id: removed.id, name: removed.name } } });
    });
  }

  /** Schedules switch public lighting: who changed which one is kept in the tenant's audit chain. */
  private auditSchedule(action: 'create' | 'update' | 'delete', s: Schedule) {
    return this.ctx.audit.record({
      actor: this.ctx.principal().label,
      action: `lighting.schedule.${action}`,
      target: `schedule:${s.id}`,
      outcome: 'success',
      details: { groups: s.assignedGroups.length, steps: s.steps.length },
    });
  }

  preview(id: string, hours: number): SchedulePreview & { scheduleId: string; timeZone: string } {
    const schedule = this.book.requireSchedule(id);
    const site = this.inventory.requireInstallation();
    return { scheduleId: id, timeZone: site.timeZone, ...preview(schedule, site, this.now(), hours) };
  }

  // ---- energy ---------------------------------------------------------------------------------

  energy(q: EnergyQuery): Promise<EnergyReport> {
    const inst = this.inventory.requireInstallation();
    return energyReport(
      this.ctx.series,
      { timeZone: inst.timeZone, lamps: [...this.inventory.lamps.values()], models: this.inventory.models },
      q,
      { intervalMs: this.opts.reportIntervalMs, co2KgPerKWh: this.opts.co2KgPerKWh, now: this.now() },
    );
  }

  meters(range: { from: number; to: number }): Promise<MeterRow[]> {
    const inst = this.inventory.requireInstallation();
    return meterReport(
      this.ctx.series,
      { timeZone: inst.timeZone, lamps: [...this.inventory.lamps.values()], models: this.inventory.models, cabinets: [...this.inventory.cabinets.values()] },
      range,
      { intervalMs: this.opts.reportIntervalMs },
    );
  }

  // ---- provisioning ---------------------------------------------------------------------------

  /** Creates the demo town and registers its devices; refused once the tenant has an installation. */
  async provision(o: { seed: number; lamps: number; cabinets?: number }): Promise<LightingProvision> {
    return this.serial(async () => {
      if (this.inventory.installation) throw conflict('this tenant already has a lighting installation');
      const inv = buildDemoInventory({ tenantId: this.tenantId, ...o });
      const devices = await registerFleet(this.ctx, this.tenantId, inv);
      const records = await this.ctx.records();
      await this.inventory.save(records, inv, this.ctx.now());
      await this.book.saveSchedule(records, inv.schedule, new Set(this.inventory.groups.keys()));
      this.scheduler.resync(inv.schedule.assignedGroups);
      await this.ctx.audit.record({
        actor: this.ctx.principal().label,
        action: 'lighting.provision',
        target: `installation:${inv.installation.id}`,
        outcome: 'success',
        details: { lamps: inv.lamps.length, cabinets: inv.cabinets.length, groups: inv.groups.length },
      });
      return { devices, extra: fleetExtra(inv, this.opts.reportIntervalMs) };
    });
  }

  get site(): InstallationRecord | null {
    return this.inventory.installation;
  }
}

function devicesOf(inv: Inventory) {
  return [
    ...[...inv.lamps.keys()].map((id) => ({ id, kind: 'lamp' as const })),
    ...[...inv.cabinets.keys()].map((id) => ({ id, kind: 'cabinet' as const })),
  ];
}

function targetOf(t: Target): [OverrideScope, string] {
  if ('lampId' in t) return ['lamp', t.lampId];
  if ('groupId' in t) return ['group', t.groupId];
  return ['cabinet', t.cabinetId];
}
