// Provisioning a demo town: each cabinet and lamp of the inventory becomes a device of the tenant,
// its one-time secret handed back for the simulator; the inventory and its night programme are
// saved, and the programme applies at once.
import { conflict } from '../../platform/errors.ts';
import type { PilotContext } from '../../platform/pilot.ts';
import type { ScheduleRunner } from './schedule-runner.ts';
import { buildDemoInventory, fleetExtra, type LightingProvision } from './seed.ts';
import type { TenantParts } from './tenant-parts.ts';

/** Creates the demo town and registers its devices; refused once the tenant has an installation. */
export async function provision(
  p: TenantParts,
  runner: Pick<ScheduleRunner, 'resync'>,
  o: { seed: number; lamps: number; cabinets?: number },
): Promise<LightingProvision> {
  return p.serial(async () => {
    if (p.inventory.installation) throw conflict('this tenant already has a lighting installation');
    const inv = buildDemoInventory({ tenantId: p.tenantId, ...o });
    const devices = await registerFleet(p.ctx, p.tenantId, inv);
    const records = await p.ctx.records();
    await p.inventory.save(records, inv, p.ctx.now());
    await p.book.saveSchedule(records, inv.schedule, new Set(p.inventory.groups.keys()));
    runner.resync(inv.schedule.assignedGroups);
    await p.ctx.audit.record({
      actor: p.ctx.principal().label,
      action: 'lighting.provision',
      target: `installation:${inv.installation.id}`,
      outcome: 'success',
      details: { lamps: inv.lamps.length, cabinets: inv.cabinets.length, groups: inv.groups.length },
    });
    return { devices, extra: fleetExtra(inv, p.opts.reportIntervalMs) };
  });
}

export async function registerFleet(
  ctx: PilotContext,
  tenantId: string,
  inv: ReturnType<typeof buildDemoInventory>,
): Promise<LightingProvision['devices']> {
  const devices: LightingProvision['devices'] = [];
  for (const c of inv.cabinets) {
    const attributes = { installationId: inv.installation.id, role: 'control-cabinet' };
    const { secret } = await ctx.devices.register({ id: c.id, kind: 'cabinet', label: c.name, attributes });
    devices.push({ id: c.id, kind: 'cabinet', secret, tenantId, attributes, subject: null });
  }
  for (const l of inv.lamps) {
    const attributes = { cabinetId: l.cabinetId, groupId: l.groupId, modelId: l.modelId };
    const { secret } = await ctx.devices.register({ id: l.id, kind: 'lamp', label: l.name ?? l.id, attributes });
    devices.push({ id: l.id, kind: 'lamp', secret, tenantId, attributes, subject: null });
  }
  return devices;
}
