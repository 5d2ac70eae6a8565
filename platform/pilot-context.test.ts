// The devices port a pilot gets: a missing device is null, a failing store is an error — never
// turned into "no such device" (a rule that checks a patient's device must not skip an alarm on a
// storage failure as if the device had been detached).
import { describe, expect, it } from 'vitest';
import { createPilotContext } from './pilot-context.ts';
import { createLogger } from './logger.ts';
import type { PlatformServices } from './services/index.ts';
import { currentTenant, runInTenant, systemContext } from './tenancy/context.ts';
import { asTenantId } from './ids.ts';

const device = { id: 'hub-1', tenantId: 'tenant-a', kind: 'home-hub', subject: 'p-1' };

function contextOver(lookUp: (tenantId: string, id: string) => Promise<unknown>) {
  // The device registry serves the tenant in context, as the real one does.
  const get = (id: string) => lookUp(currentTenant('devices.get').tenantId, id);
  const services = { logger: createLogger('silent'), devices: { get } } as unknown as PlatformServices;
  return createPilotContext('healthcare', services, { isOnline: () => false, lastSeen: () => null });
}
const inA = <T>(fn: () => Promise<T>) => runInTenant(systemContext('test', asTenantId('tenant-a')), fn);

describe('pilot context: devices.find', () => {
  it('answers the device of the tenant in context, or null when it has none by that id', async () => {
    const seen: string[] = [];
    const ctx = contextOver(async (tenantId, id) => (seen.push(`${tenantId}/${id}`), id === 'hub-1' ? device : null));
    expect(await inA(() => ctx.devices.find('hub-1'))).toEqual(device);
    expect(await inA(() => ctx.devices.find('nope'))).toBeNull();
    expect(seen).toEqual(['tenant-a/hub-1', 'tenant-a/nope']);
  });

  it('lets a storage failure through instead of answering "not found"', async () => {
    const ctx = contextOver(async () => Promise.reject(new Error('disk I/O error')));
    await expect(inA(() => ctx.devices.find('hub-1'))).rejects.toThrow('disk I/O error');
  });
});
