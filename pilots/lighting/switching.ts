// Manual switching of one tenant's lamps: an operator's command fans out to one platform command
// per lamp (commands.ts) and, unless it says otherwise, holds the lamps against their schedule as
// an override; a batch's progress is read back from the platform's commands. Demo fault injection
// (`simulate`) sends the simulator a scenario command.
import { badRequest, notFound } from '../../platform/errors.ts';
import { batchStatus, commandOfRequest, fanOut, type BatchStatus, type CommandRequest } from './commands.ts';
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
