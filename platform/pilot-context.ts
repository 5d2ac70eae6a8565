// Builds the PilotContext a pilot receives: platform services narrowed to the tenant in context.
import type { DeviceKindSpec, PilotContext, PilotRecords, PilotSingleton } from './pilot.ts';
import { demoHistoryPort } from './demo-history.ts';
import { checkJobName, embeddedSingleton, leasedSingleton, type LeaseView } from './pilot-singleton.ts';
import { badRequest, forbidden } from './errors.ts';
import type { SealedRecords } from './services/records.ts';
import type { PlatformServices } from './services/index.ts';
import { currentTenant, runInTenant, systemContext } from './tenancy/context.ts';
import { asTenantId } from './ids.ts';

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
  /** Cluster mode: a lease of the shared store by name (cluster/node.ts `lease`); absent, embedded. */
  lease?: (name: string) => LeaseView,
  /** The pilot's device kinds: what its demo history may write. */
  deviceKinds: readonly DeviceKindSpec[] = [],
): PilotContext {
  // Set (and branded) by the authenticating edge.
  const tenant = (what: string) => currentTenant(`${pilotId}: ${what}`).tenantId;
  // A pilot names a tenant as the registry lists it or as its caller gave it: branded here, where
  // the context is made.
  const runAs = <T>(raw: string, fn: () => Promise<T>) => {
    const tenantId = asTenantId(raw);
    return runInTenant(systemContext(pilotId, tenantId), fn);
  };
  const enabled = async (tenantId: string) => {
    const t = await s.tenants.get(tenantId);
    return Boolean(t && t.status === 'active' && t.pilots.includes(pilotId));
  };
  // Each port is a fresh object of the methods a pilot may call, never the service itself: no
  // cast reaches setDeliverer, stop, loadPendingForTenant or another tenant's scope.
  const { alarms, commands, series } = s;
  const singletons = new Map<string, PilotSingleton>();
  const singleton = (name: string) => {
    let job = singletons.get(checkJobName(name));
    if (!job) {
      job = lease ? leasedSingleton(name, lease(`pilot.${pilotId}.${name}`)) : embeddedSingleton(name);
      singletons.set(name, job);
    }
    return job;
  };
  return {
    pilotId,
    logger: s.logger.child({ pilot: pilotId }),
    now,
    deviceClock,
    records: async () => recordsPort(await s.scopes.current(`${pilotId} records`), now),
    series: {
      range: (id, opts) => series.range(id, opts),
      latest: (id) => series.latest(id),
      count: (id) => series.count(id),
    },
    alarms: {
      // The alarm carries its pilot, so notification subscriptions can filter by it.
      raise: (input) => alarms.raise({ ...input, pilot: pilotId }),
      acknowledge: (id, note) => alarms.acknowledge(id, note),
      clear: (source, type) => alarms.clear(source, type),
      findActive: (source, type) => alarms.findActive(source, type),
      get: (id) => alarms.get(id),
      require: (id) => alarms.require(id),
      list: (filter) => alarms.list(filter),
      onEscalation: (hook) =>
        alarms.onEscalation(async (tenantId, alarm) => {
          if (await enabled(tenantId)) await hook(tenantId, alarm);
        }),
    },
    commands: {
      create: (input) => commands.create(input),
      get: (id) => commands.get(id),
      require: (id) => commands.require(id),
      list: (filter) => commands.list(filter),
    },
    audit: {
      record: async (event) => void (await s.audit.record(tenant('audit.record'), event)),
    },
    devices: {
      list: (filter = {}) => s.devices.list(filter),
      get: (id) => s.devices.require(id),
      find: (id) => s.devices.get(id),
      register: async (input) => {
        const tenantId = tenant('devices.register');
        const t = await s.tenants.require(tenantId);
        if ((await s.devices.count()) >= t.quotas.maxDevices) throw badRequest('device quota of this tenant reached');
        return s.devices.register({ ...input, tenantId });
      },
      update: (id, patch) => s.devices.update(id, patch),
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
    demoHistory: demoHistoryPort(pilotId, s, deviceKinds, now),
    singleton,
    publish: (event) => s.bus.publish({ ...event, tenantId: tenant('publish') }),
    principal: () => currentTenant(`${pilotId}: principal`).principal,
    forEachTenant: async (fn) => {
      for (const t of await s.tenants.list()) {
        if (t.status === 'active' && t.pilots.includes(pilotId)) await runAs(t.id, () => fn(t.id));
      }
    },
    inTenant: async (tenantId, fn) => {
      if (!(await enabled(tenantId))) throw forbidden(`tenant ${tenantId} does not run the ${pilotId} pilot`);
      return runAs(tenantId, fn);
    },
  };
}

/** The pilot's view of a tenant's sealed records: no raw storage port. */
function recordsPort(r: SealedRecords, now: () => number): PilotRecords {
  return {
    get: (kind, id) => r.get(kind, id),
    find: (kind, opts) => r.find(kind, opts),
    count: (kind, tags) => r.count(kind, tags),
    put: (kind, id, data, opts) => r.put(kind, id, data, opts),
    delete: (kind, id) => r.delete(kind, id),
    commit: async (ops, at = now()) => {
      const put = [];
      for (const p of ops.put ?? []) put.push(await r.prepare(p.kind, p.id, p.data, p.opts ?? {}, at));
      await r.store.commit({ put, delete: ops.delete ?? [] });
    },
  };
}
