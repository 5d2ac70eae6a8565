// In-memory stand-ins for the unit tests of the lighting runtime's modules (the layer above the
// pilot context): records, commands and alarms ports, and one tenant's parts built over them.
// The real platform under the same modules is test/lighting/*.int.test.ts.
import { KeyedQueue } from '../../platform/keyed-queue.ts';
import type { PilotRecords, PilotSingleton } from '../../platform/pilot.ts';
import type { Alarm } from '../../platform/services/alarms.ts';
import { createLogger } from '../../platform/logger.ts';
import { AlarmBook, type AlarmPort } from './detection.ts';
import { Inventory } from './inventory.ts';
import { resolveOptions, type LightingOptions } from './options.ts';
import { ScheduleBook } from './schedules.ts';
import { buildDemoInventory } from './seed.ts';
import { LiveState } from './state.ts';
import type { LightingContext, TenantParts } from './tenant-parts.ts';

export const TEST_TENANT = 'tenant-a';

export function memoryRecords(): PilotRecords {
  type Held = { data: unknown; tags: Record<string, string> };
  type FindOptions = Parameters<PilotRecords['find']>[1];
  type PutOptions = Parameters<PilotRecords['put']>[3];
  const kinds = new Map<string, Map<string, Held>>();
  const of = (kind: string) => kinds.get(kind) ?? kinds.set(kind, new Map()).get(kind)!;
  const opened = <T>(id: string, h: Held) => ({ id, data: structuredClone(h.data) as T, subject: null, tags: { ...h.tags }, createdAt: 0, updatedAt: 0 });
  const held = (data: unknown, opts?: PutOptions): Held => ({ data: structuredClone(data), tags: { ...opts?.tags } });
  // Clear tags narrow a find as the store's index does.
  const matches = (h: Held, tags: Record<string, string> = {}) => Object.entries(tags).every(([k, v]) => h.tags[k] === v);
  return {
    get: async <T>(kind: string, id: string) => (of(kind).has(id) ? opened<T>(id, of(kind).get(id)!) : null),
    find: async <T>(kind: string, o?: FindOptions) => [...of(kind)].filter(([, h]) => matches(h, o?.tags)).map(([id, h]) => opened<T>(id, h)),
    count: async (kind, tags) => [...of(kind).values()].filter((h) => matches(h, tags)).length,
    put: async (kind, id, data, opts) => void of(kind).set(id, held(data, opts)),
    delete: async (kind, id) => void of(kind).delete(id),
    commit: async (ops) => {
      for (const p of ops.put ?? []) of(p.kind).set(p.id, held(p.data, p.opts));
      for (const d of ops.delete ?? []) of(d.kind).delete(d.id);
    },
  };
}

export interface SentCommand {
  id: string;
  deviceId: string;
  name: string;
  payload: Record<string, unknown>;
  batchId: string | null;
  status: 'pending';
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

/** The platform's commands as a list, stamped with the platform clock and listed newest first as
 *  the platform does; `failAfter(n)` makes creation fail after n more (a node dying mid-batch). */
export function memoryCommands(now: () => number = () => 0) {
  const sent: SentCommand[] = [];
  let failAfter = Infinity;
  return {
    sent,
    failAfter: (n: number) => void (failAfter = sent.length + n),
    port: {
      create: async (input: { deviceId: string; name: string; payload: Record<string, unknown>; batchId?: string | null }) => {
        if (sent.length >= failAfter) throw new Error('node stopped');
        const c: SentCommand = {
          id: `cmd-${sent.length + 1}`,
          deviceId: input.deviceId,
          name: input.name,
          payload: input.payload,
          batchId: input.batchId ?? null,
          status: 'pending',
          createdBy: 'user:op',
          createdAt: now(),
          updatedAt: now(),
        };
        sent.push(c);
        return c;
      },
      list: async (f: { batchId?: string; limit?: number }) =>
        sent
          .filter((c) => f.batchId === undefined || c.batchId === f.batchId)
          .reverse()
          .slice(0, f.limit ?? 200),
    },
  };
}

/** Alarms kept in a map by (source, type), as the alarm book sees them. */
export function memoryAlarms(): AlarmPort & { active: Map<string, Alarm> } {
  const active = new Map<string, Alarm>();
  return {
    active,
    raise: async (input) => {
      const key = `${input.source}|${input.type}`;
      const alarm = { id: `alarm-${active.size + 1}`, state: 'active', ...input } as unknown as Alarm;
      active.set(key, alarm);
      return { alarm };
    },
    clear: async (source, type) => {
      const a = active.get(`${source}|${type}`) ?? null;
      active.delete(`${source}|${type}`);
      return a;
    },
    list: async () => [...active.values()],
  };
}

export interface TestTenant {
  records: PilotRecords;
  commands: ReturnType<typeof memoryCommands>;
  alarms: ReturnType<typeof memoryAlarms>;
  inv: ReturnType<typeof buildDemoInventory>;
  /** Pilot clock (`t`) and platform clock (`platform`), both moved by hand. */
  clock: { t: number; platform: number };
  opts: LightingOptions;
  events: { type: string; payload: unknown }[];
  audit: { action: string; target: string }[];
  /** One node's parts over the shared ports (a fresh read of the store). */
  parts(): Promise<TenantParts>;
}

/** A demo town of `lamps` lamps in the store; each `parts()` call is one node's view of it. */
export async function testTenant(o: { lamps?: number; start: number; options?: Partial<LightingOptions> }): Promise<TestTenant> {
  const records = memoryRecords();
  const clock = { t: o.start, platform: 0 };
  const commands = memoryCommands(() => clock.platform);
  const alarms = memoryAlarms();
  const inv = buildDemoInventory({ tenantId: TEST_TENANT, seed: 1, lamps: o.lamps ?? 6 });
  await new Inventory().save(records, inv, clock.t);
  await new ScheduleBook().saveSchedule(records, inv.schedule, new Set(inv.groups.map((g) => g.id)));
  const opts = resolveOptions({ now: () => clock.t, commsLossIntervals: 0, ...o.options });
  const events: TestTenant['events'] = [];
  const audit: TestTenant['audit'] = [];
  const ctx = {
    records: async () => records,
    commands: commands.port,
    alarms,
    logger: createLogger('silent'),
    now: () => clock.platform,
    publish: (e: { type: string; payload: unknown }) => void events.push(e),
    principal: () => ({ tenantId: TEST_TENANT, label: 'user:op' }),
    audit: { record: async (e: { action: string; target: string }) => void audit.push(e) },
    devices: { isOnline: () => false, lastSeen: () => null },
    deviceClock: { maxSkewMs: 300_000, maxAgeMs: 86_400_000 },
    series: { range: async () => [], latest: async () => null, count: async () => 0 },
  } as unknown as LightingContext;
  return {
    records,
    commands,
    alarms,
    inv,
    clock,
    opts,
    events,
    audit,
    async parts() {
      const queue = new KeyedQueue();
      return {
        tenantId: TEST_TENANT,
        ctx,
        opts,
        now: () => clock.t,
        inventory: await Inventory.load(records),
        book: await ScheduleBook.load(records),
        state: new LiveState(opts.recentReadings, 2 * opts.reportIntervalMs),
        alarms: await AlarmBook.load(alarms),
        serial: (fn) => queue.run(TEST_TENANT, fn),
      };
    },
  };
}

/** An always-held job, as embedded mode gives. */
export const heldJob = (): PilotSingleton => ({
  name: 'scheduler',
  shared: false,
  held: () => true,
  epoch: () => 1,
  onChange: () => () => undefined,
  fence: (write) => write(),
});
