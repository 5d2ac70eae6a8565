// Provisioning a demo town: each cabinet and lamp of the inventory becomes a device of the tenant,
// its one-time secret handed back for the simulator.
import type { PilotContext } from '../../platform/pilot.ts';
import type { buildDemoInventory, LightingProvision } from './seed.ts';

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
