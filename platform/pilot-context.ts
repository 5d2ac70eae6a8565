// Builds the PilotContext a pilot receives: platform services narrowed to the tenant in context.
import type { PilotContext } from './pilot.ts';
import { badRequest } from './errors.ts';
import type { PlatformServices } from './services/index.ts';
import { currentTenant, runInTenant, systemPrincipal } from './tenancy/context.ts';

export interface PresenceView {
  isOnline(tenantId: string, deviceId: string): boolean;
  lastSeen(tenantId: string, deviceId: string): number | null;
}

/** The configuration's defaults (INGEST_MAX_CLOCK_SKEW_SECONDS, INGEST_MAX_READING_AGE_DAYS). */
export const DEFAULT_DEVICE_CLOCK: PilotContext['deviceClock'] = { maxSkewMs: 300_000, maxAgeMs: 365 * 86_400_000 };

export function createPilotContext(
  pilotId: string,
  s: PlatformServices,
  presence: PresenceView,
  now: () => number = Date.now,
  deviceClock: PilotContext['deviceClock'] = DEFAULT_DEVICE_CLOCK,
): PilotContext {
  const tenant = (what: string) => currentTenant(`${pilotId}: ${what}`).tenantId;
  const inTenant = <T>(tenantId: string, fn: () => Promise<T>) =>
    runInTenant({ tenantId, principal: systemPrincipal(pilotId, tenantId) }, fn);
  return {
    pilotId,
    logger: s.logger.child({ pilot: pilotId }),
    now,
    deviceClock,
    records: () => s.scopes.current(`${pilotId} records`),
    series: s.series,
    alarms: s.alarms,
    commands: s.commands,
    audit: s.audit,
    devices: {
      list: (filter = {}) => s.devices.list(tenant('devices.list'), filter),
      get: (id) => s.devices.requireInTenant(tenant('devices.get'), id),
      register: async (input) => {
        const tenantId = tenant('devices.register');
        const t = await s.tenants.require(tenantId);
        if ((await s.devices.countFor(tenantId)) >= t.quotas.maxDevices) throw badRequest('device quota of this tenant reached');
        return s.devices.register({ ...input, tenantId });
      },
      update: (id, patch) => s.devices.update(tenant('devices.update'), id, patch),
      isOnline: (id) => presence.isOnline(tenant('devices.isOnline'), id),
      lastSeen: (id) => presence.lastSeen(tenant('devices.lastSeen'), id),
    },
    subjects: {
      erase: async (subject) => {
        const t = tenant('subjects.erase');
        await s.keyring.shred(t, subject);
        await s.audit.record(t, {
          actor: currentTenant().principal.label,
          action: 'key.shred',
          target: `subject:${subject}`,
          outcome: 'success',
        });
      },
      isErased: (subject) => s.keyring.isErased(tenant('subjects.isErased'), subject),
      rotate: async (subject) => {
        const t = tenant('subjects.rotate');
        const version = await s.keyring.rotateSubjectKey(t, subject);
        await s.audit.record(t, {
          actor: currentTenant().principal.label,
          action: 'key.rotate',
          target: `subject:${subject}`,
          outcome: 'success',
          details: { version },
        });
        return version;
      },
    },
    publish: (event) => s.bus.publish({ ...event, tenantId: tenant('publish') }),
    principal: () => currentTenant(`${pilotId}: principal`).principal,
    forEachTenant: async (fn) => {
      for (const t of await s.tenants.list()) {
        if (t.status === 'active' && t.pilots.includes(pilotId)) await inTenant(t.id, () => fn(t.id));
      }
    },
    inTenant,
  };
}
