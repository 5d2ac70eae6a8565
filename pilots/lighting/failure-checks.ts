// Failure detection wired to one tenant: readings and presence update the live state, then the
// pure checks of detection.ts judge each lamp and cabinet heard from (against the level in force
// at the reading's time) and the alarm book raises or clears their alarms; the background loop
// sweeps for devices gone silent. Alarm updates run in the tenant's serial queue, so two readings
// of the same lamp never race to raise the same alarm. In a cluster each node hears only the
// devices connected to it: `rescan` re-reads live state, alarms and the switch commands issued
// anywhere from the store, and only the scheduler's holder sweeps (runtime.ts).
import type { LevelSource, Lamp } from './domain/index.ts';
import { effectiveLevel, levelAt } from './domain/index.ts';
import { SWITCH_COMMAND } from './commands.ts';
import { CABINET_READING_CHECKS, LAMP_READING_CHECKS, cabinetFindings, commsSweep, lampFindings, sourceOf } from './detection.ts';
import type { LightingReading } from './index.ts';
import { cabinetTelemetryOf, lampTelemetryOf } from './state.ts';
import type { Inventory } from './inventory.ts';
import type { TenantParts } from './tenant-parts.ts';
import type { LightingViews } from './views.ts';

export class FailureChecks {
  /** Creation time of the newest switch command already learnt from the store. */
  private commandsLearntUpTo = 0;

  constructor(
    private readonly p: TenantParts,
    private readonly views: LightingViews,
  ) {}

  async onReadings(readings: readonly LightingReading[]): Promise<void> {
    const { state } = this.p;
    const heard = this.p.now();
    const lamps = new Set<string>();
    const cabinets = new Set<string>();
    for (const r of readings) {
      if (r.kind === 'lamp') {
        const live = state.lamp(r.deviceId, heard);
        if (r.family === 'telemetry') state.addReading(live, lampTelemetryOf(r.data), heard);
        else state.addEvent(live, r.data, heard);
        lamps.add(r.deviceId);
      } else if (r.kind === 'cabinet') {
        const live = state.cabinet(r.deviceId, heard);
        if (r.family === 'telemetry') state.addReading(live, cabinetTelemetryOf(r.data), heard);
        else state.addEvent(live, r.data, heard);
        cabinets.add(r.deviceId);
      }
    }
    await this.p.serial(async () => {
      for (const id of lamps) await this.checkLamp(id, heard);
      for (const id of cabinets) await this.checkCabinet(id, heard);
    });
  }

  /** Live state and active alarms re-read from the store: what other nodes heard and decided. */
  async rescan(): Promise<void> {
    const { state, alarms, ctx, inventory } = this.p;
    await alarms.reload();
    // A reading received on another node `age` platform-ms ago was heard `age` ago on the pilot's clock.
    const heardAt = (receivedAt: number) => this.p.now() - Math.max(0, ctx.now() - receivedAt);
    await state.refresh(ctx.series, devicesOf(inventory), this.p.now(), ctx.deviceClock.maxSkewMs, heardAt);
    await this.learnCommands(heardAt);
  }

  /** Switch commands issued on any node (a manual switch without a hold, a step the scheduler's
   *  holder issued): a lamp obeying one is judged against it here too, not against its schedule. */
  private async learnCommands(at: (createdAt: number) => number): Promise<void> {
    const { ctx, inventory, state } = this.p;
    const recent = await ctx.commands.list({ limit: Math.max(200, 2 * inventory.lamps.size) });
    for (const c of [...recent].reverse()) {
      const level = (c.payload as { level?: unknown }).level;
      if (c.createdAt <= this.commandsLearntUpTo || c.name !== SWITCH_COMMAND || typeof level !== 'number' || !inventory.lamps.has(c.deviceId)) continue;
      state.commanded(c.deviceId, level, at(c.createdAt));
    }
    this.commandsLearntUpTo = recent.reduce((max, c) => Math.max(max, c.createdAt), this.commandsLearntUpTo);
  }

  /** A device that connects is talking again: its silence is counted from now. */
  onPresence(deviceId: string, kind: string, online: boolean): void {
    if (!online) return;
    const at = this.p.now();
    if (kind === 'lamp') this.p.state.lamp(deviceId, at).lastHeard = at;
    if (kind === 'cabinet') this.p.state.cabinet(deviceId, at).lastHeard = at;
  }

  /** Level in force for a lamp at a reading's time: last commanded, else its schedule with overrides. */
  levelSource(lamp: Lamp): LevelSource {
    const { inventory, book, state } = this.p;
    const site = inventory.installation;
    const schedule = book.scheduleOfGroup(lamp.groupId);
    const live = state.lamps.get(lamp.id);
    return (ts: number) => {
      const commanded = state.commandedLevelAt(lamp.id, ts);
      if (commanded !== undefined) return commanded;
      const override = book.overrideFor(lamp, ts);
      if (site && schedule) return effectiveLevel({ scheduledLevel: levelAt(schedule, site, ts), override }, ts).level;
      if (override) return override.level;
      // Nothing says what the lamp should do: judge it by what it reports.
      return live?.recent.find((r) => r.ts === ts)?.dimLevel ?? 0;
    };
  }

  /** Devices silent for too many reporting intervals get a comms-loss alarm (run in the queue). */
  async sweepComms(): Promise<void> {
    const { opts, inventory: inv, alarms, state } = this.p;
    if (opts.commsLossIntervals === 0) return;
    const at = this.p.now();
    const mainsLost = new Set([...inv.cabinets.keys()].filter((id) => alarms.isActive(sourceOf('cabinet', id), 'cabinetMainsLoss')));
    const found = commsSweep({
      lamps: [...inv.lamps.values()].map((l) => ({ id: l.id, cabinetId: l.cabinetId, lastHeard: state.lamp(l.id, at).lastHeard })),
      cabinets: [...inv.cabinets.keys()].map((id) => ({ id, lastHeard: state.cabinet(id, at).lastHeard })),
      mainsLost,
      now: at,
      intervalMs: opts.reportIntervalMs,
      missedIntervals: opts.commsLossIntervals,
    });
    for (const [source, f] of found) {
      if (!f && !alarms.isActive(source, 'commsLoss')) continue;
      const id = source.slice(source.indexOf(':') + 1);
      const name = source.startsWith('lamp:') ? inv.lamps.get(id)?.name : inv.cabinets.get(id)?.name;
      await alarms.reconcile(source, ['commsLoss'], f ? [f] : [], name ? { name } : {});
    }
  }

  private async checkLamp(id: string, at: number) {
    const { inventory, state, alarms, opts } = this.p;
    const lamp = inventory.lamps.get(id);
    const live = state.lamps.get(id);
    if (!lamp || !live) return;
    const model = inventory.modelOf(lamp);
    if (model) {
      const findings = lampFindings({ lamp, model, live, level: this.levelSource(lamp), now: at, intervalMs: opts.reportIntervalMs });
      await alarms.reconcile(sourceOf('lamp', id), LAMP_READING_CHECKS, findings, { lampId: id, ...(lamp.name ? { name: lamp.name } : {}), groupId: lamp.groupId, cabinetId: lamp.cabinetId });
    }
    const v = this.views.lampView(lamp);
    this.p.ctx.publish({
      type: 'lt.lamp',
      batch: true,
      payload: { id, powerState: v.powerState, dimLevel: v.dimLevel, activePower: v.activePower, ts: v.ts, status: v.status, online: v.online, activeAlarm: v.activeAlarm ?? null },
    });
  }

  private async checkCabinet(id: string, at: number) {
    const { inventory, state, alarms, opts, ctx } = this.p;
    const cabinet = inventory.cabinets.get(id);
    const live = state.cabinets.get(id);
    if (!cabinet || !live) return;
    await alarms.reconcile(sourceOf('cabinet', id), CABINET_READING_CHECKS, cabinetFindings(id, live, at, opts.reportIntervalMs), { cabinetId: id, name: cabinet.name });
    const mainsPresent = !alarms.isActive(sourceOf('cabinet', id), 'cabinetMainsLoss');
    const doorOpen = alarms.isActive(sourceOf('cabinet', id), 'doorOpen');
    if (cabinet.mainsPresent !== mainsPresent || cabinet.doorOpen !== doorOpen) {
      await inventory.save(await ctx.records(), { cabinets: [{ ...cabinet, mainsPresent, doorOpen }] }, ctx.now());
    }
    ctx.publish({ type: 'lt.cabinet', batch: true, payload: this.views.cabinetView(this.p.inventory.cabinets.get(id)!) });
  }
}

/** Every lamp and cabinet of the inventory, as the live state refreshes them. */
export function devicesOf(inv: Inventory): { id: string; kind: 'lamp' | 'cabinet' }[] {
  return [
    ...[...inv.lamps.keys()].map((id) => ({ id, kind: 'lamp' as const })),
    ...[...inv.cabinets.keys()].map((id) => ({ id, kind: 'cabinet' as const })),
  ];
}
