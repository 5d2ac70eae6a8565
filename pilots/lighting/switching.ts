// Manual switching of one tenant's lamps: an operator's command fans out to one platform command
// per lamp (commands.ts) and, unless it says otherwise, holds the lamps against their schedule as
// an override; a batch's progress is read back from the platform's commands. Demo fault injection
// (`simulate`) sends the simulator a scenario command.
import { badRequest, notFound } from '../../platform/errors.ts';
import { batchStatus, commandOfRequest, coversLamps, fanOut, lampHistoryEntry, SWITCH_COMMAND, type BatchStatus, type CommandRequest, type HistoryQuery, type LampHistoryEntry } from './commands.ts';
import type { Target } from './inventory.ts';
import { overrideId, type OverrideScope, type StoredOverride } from './schedules.ts';
import type { TenantParts } from './tenant-parts.ts';

export type SimulateScenario = 'lamp-failure' | 'driver-fault' | 'day-burner' | 'comms-loss' | 'mains-loss' | 'door-open' | 'restore';
const LAMP_SCENARIOS: ReadonlySet<SimulateScenario> = new Set(['lamp-failure', 'driver-fault', 'day-burner', 'comms-loss', 'restore']);
const CABINET_SCENARIOS: ReadonlySet<SimulateScenario> = new Set(['mains-loss', 'door-open', 'comms-loss', 'restore']);

export class Switching {
  constructor(private readonly p: TenantParts) {}

  async sendCommand(req: CommandRequest) {
    const { p } = this;
    return p.serial(async () => {
      const lamps = p.inventory.resolveTarget(req.target as Target);
      if (!lamps.length) throw badRequest('the target has no lamps');
      const command = commandOfRequest(req);
      const level = command.level ?? (command.action === 'off' ? 0 : 100);
      const { batchId, commands } = await fanOut(p.ctx.commands, lamps.map((l) => l.id), command, p.opts.commandTtlMs);
      const at = p.now();
      for (const l of lamps) p.state.commanded(l.id, level, at);
      const [scope, targetId] = targetOf(req.target as Target);
      const minutes = req.overrideMinutes ?? p.opts.overrideDefaultMinutes;
      const records = await p.ctx.records();
      let override: StoredOverride | null = null;
      if (minutes > 0) {
        override = { id: overrideId(scope, targetId), scope, targetId, level, until: at + minutes * 60_000, createdAt: at, batchId, createdBy: p.ctx.principal().label };
        await p.book.putOverride(records, override);
      } else {
        // A command without a hold replaces an earlier hold on the same target.
        await p.book.dropOverrides(records, [overrideId(scope, targetId)]);
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
    const status = batchStatus(batchId, await this.p.ctx.commands.list({ batchId, limit: 10_000 }));
    if (!status) throw notFound(`no command batch ${batchId}`);
    return status;
  }

  /** A lamp's commands, newest first, a page at a time. */
  async lampHistory(lampId: string, limit: number, offset: number): Promise<{ items: LampHistoryEntry[]; next: number | null }> {
    this.p.inventory.resolveTarget({ lampId });
    // One more than asked tells whether another page follows.
    const rows = await this.p.ctx.commands.list({ deviceId: lampId, limit: limit + 1, offset });
    return { items: rows.slice(0, limit).map(lampHistoryEntry), next: rows.length > limit ? offset + limit : null };
  }

  /** A group's switching batches, newest first: found through the commands of the group's first
   *  lamp (every batch that covered the group reached it). `offset` counts that lamp's commands,
   *  so a page may hold fewer batches than asked while `next` is not null; one request scans a
   *  bounded number of them. */
  async groupHistory(groupId: string, limit: number, offset: number): Promise<{ items: BatchStatus[]; next: number | null }> {
    const lampIds = this.p.inventory.resolveTarget({ groupId }).map((l) => l.id);
    const first = lampIds[0];
    if (!first) return { items: [], next: null };
    const items: BatchStatus[] = [];
    const seen = new Set<string>();
    let cursor = offset;
    const maxScan = Math.max(50, limit * 5);
    while (items.length < limit && cursor - offset < maxScan) {
      const rows = await this.p.ctx.commands.list({ deviceId: first, limit: limit * 2, offset: cursor });
      for (const c of rows) {
        cursor++;
        if (c.name !== SWITCH_COMMAND || !c.batchId || seen.has(c.batchId)) continue;
        seen.add(c.batchId);
        const b = batchStatus(c.batchId, await this.p.ctx.commands.list({ batchId: c.batchId, limit: 10_000 }));
        if (b && coversLamps(b, lampIds)) items.push(b);
        if (items.length === limit) break;
      }
      if (rows.length < limit * 2 && items.length < limit) return { items, next: null };
    }
    const more = await this.p.ctx.commands.list({ deviceId: first, limit: 1, offset: cursor });
    return { items, next: more.length ? cursor : null };
  }

  history(q: HistoryQuery) {
    return q.lampId ? this.lampHistory(q.lampId, q.limit, q.offset) : this.groupHistory(q.groupId!, q.limit, q.offset);
  }

  /** Demo fault injection: a `simulate` command the simulator honours. A cabinet scenario named on
   *  a lamp (mains loss, door open) goes to the lamp's cabinet, where that fault lives. */
  async simulate(deviceId: string, scenario: SimulateScenario) {
    const { inventory, ctx, opts } = this.p;
    const lamp = inventory.lamps.get(deviceId);
    if (!lamp && !inventory.cabinets.has(deviceId)) throw notFound(`no lamp or cabinet ${deviceId}`);
    let target = deviceId;
    if (lamp && !LAMP_SCENARIOS.has(scenario)) target = lamp.cabinetId;
    else if (!lamp && !CABINET_SCENARIOS.has(scenario)) throw badRequest(`scenario ${scenario} does not apply to a cabinet`);
    return ctx.commands.create({ deviceId: target, name: 'simulate', payload: { scenario }, ttlMs: opts.simulateTtlMs });
  }
}

function targetOf(t: Target): [OverrideScope, string] {
  if ('lampId' in t) return ['lamp', t.lampId];
  if ('groupId' in t) return ['group', t.groupId];
  return ['cabinet', t.cabinetId];
}
