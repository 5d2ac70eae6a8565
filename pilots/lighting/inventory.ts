// The installation's inventory: one installation per tenant, its control cabinets, groups, lamp
// models and lamps. Nothing here is personal, but it is stored sealed like every record (docs/architecture.md
// promise 2); ids and the references queries filter on are clear tags. The whole inventory of a
// tenant is small (thousands of lamps at most) and read on every reading, so it is kept in memory
// and written through.
import { z } from 'zod';
import type { PilotRecords } from '../../platform/pilot.ts';
import { notFound } from '../../platform/errors.ts';
import {
  cabinetSchema,
  groupSchema,
  installationSchema,
  lampModelSchema,
  lampSchema,
  type Cabinet,
  type Group,
  type Lamp,
  type LampModel,
} from './domain/index.ts';

/** Record kinds of the pilot, prefixed so they never meet another pilot's. */
export const RECORD = {
  installation: 'lt.installation',
  cabinet: 'lt.cabinet',
  group: 'lt.group',
  model: 'lt.model',
  lamp: 'lt.lamp',
  schedule: 'lt.schedule',
  override: 'lt.override',
  schedulerMark: 'lt.scheduler',
  /** The last step the scheduler issued to a group (schedule-runner.ts). */
  scheduleStep: 'lt.schedule-step',
} as const;

/** Extent of the offline SVG layout, in its own units. */
export const boundsSchema = z.strictObject({
  minX: z.number(),
  minY: z.number(),
  maxX: z.number(),
  maxY: z.number(),
});
export const installationRecordSchema = installationSchema.extend({ bounds: boundsSchema });
export type InstallationRecord = z.infer<typeof installationRecordSchema>;

export interface InventoryParts {
  installation?: InstallationRecord;
  cabinets?: Cabinet[];
  groups?: Group[];
  models?: LampModel[];
  lamps?: Lamp[];
}

export type Target = { lampId: string } | { groupId: string } | { cabinetId: string };

export class Inventory {
  installation: InstallationRecord | null = null;
  readonly cabinets = new Map<string, Cabinet>();
  readonly groups = new Map<string, Group>();
  readonly models = new Map<string, LampModel>();
  readonly lamps = new Map<string, Lamp>();
  private byGroup = new Map<string, Lamp[]>();
  private byCabinet = new Map<string, Lamp[]>();

  static async load(records: PilotRecords): Promise<Inventory> {
    const inv = new Inventory();
    const [inst] = await records.find<InstallationRecord>(RECORD.installation, { limit: 1 });
    inv.installation = inst?.data ?? null;
    for (const r of await records.find<Cabinet>(RECORD.cabinet)) inv.cabinets.set(r.id, r.data);
    for (const r of await records.find<Group>(RECORD.group)) inv.groups.set(r.id, r.data);
    for (const r of await records.find<LampModel>(RECORD.model)) inv.models.set(r.id, r.data);
    for (const r of await records.find<Lamp>(RECORD.lamp)) inv.lamps.set(r.id, r.data);
    inv.reindex();
    return inv;
  }

  /** Validates and writes parts of the inventory in one atomic commit, then updates the cache. */
  async save(records: PilotRecords, parts: InventoryParts, now: number): Promise<void> {
    const installation = parts.installation ? installationRecordSchema.parse(parts.installation) : undefined;
    const cabinets = (parts.cabinets ?? []).map((c) => cabinetSchema.parse(c));
    const groups = (parts.groups ?? []).map((g) => groupSchema.parse(g));
    const models = (parts.models ?? []).map((m) => lampModelSchema.parse(m));
    const lamps = (parts.lamps ?? []).map((l) => lampSchema.parse(l));
    const put: Parameters<PilotRecords['commit']>[0]['put'] & object = [];
    if (installation) put.push({ kind: RECORD.installation, id: installation.id, data: installation });
    for (const c of cabinets) put.push({ kind: RECORD.cabinet, id: c.id, data: c });
    for (const g of groups) put.push({ kind: RECORD.group, id: g.id, data: g, opts: { tags: g.cabinetId ? { cabinet: g.cabinetId } : {} } });
    for (const m of models) put.push({ kind: RECORD.model, id: m.id, data: m });
    for (const l of lamps) {
      put.push({ kind: RECORD.lamp, id: l.id, data: l, opts: { tags: { group: l.groupId, cabinet: l.cabinetId, model: l.modelId } } });
    }
    if (put.length) await records.commit({ put }, now);
    if (installation) this.installation = installation;
    for (const c of cabinets) this.cabinets.set(c.id, c);
    for (const g of groups) this.groups.set(g.id, g);
    for (const m of models) this.models.set(m.id, m);
    for (const l of lamps) this.lamps.set(l.id, l);
    this.reindex();
  }

  private reindex() {
    this.byGroup = new Map();
    this.byCabinet = new Map();
    for (const l of this.lamps.values()) {
      push(this.byGroup, l.groupId, l);
      push(this.byCabinet, l.cabinetId, l);
    }
  }

  lampsOfGroup(groupId: string): Lamp[] {
    return this.byGroup.get(groupId) ?? [];
  }

  lampsOfCabinet(cabinetId: string): Lamp[] {
    return this.byCabinet.get(cabinetId) ?? [];
  }

  /** A lamp of this tenant, or 404: another tenant's lamp is indistinguishable from none. */
  requireLamp(id: string): Lamp {
    const l = this.lamps.get(id);
    if (!l) throw notFound(`no lamp ${id}`);
    return l;
  }

  requireInstallation(): InstallationRecord {
    if (!this.installation) throw notFound('no lighting installation in this tenant yet (provision one first)');
    return this.installation;
  }

  modelOf(lamp: Pick<Lamp, 'modelId'>): LampModel | undefined {
    return this.models.get(lamp.modelId);
  }

  /** The lamps a command target names; 404 when the lamp, group or cabinet is not this tenant's. */
  resolveTarget(target: Target): Lamp[] {
    if ('lampId' in target) return [this.requireLamp(target.lampId)];
    if ('groupId' in target) {
      if (!this.groups.has(target.groupId)) throw notFound(`no group ${target.groupId}`);
      return this.lampsOfGroup(target.groupId);
    }
    if (!this.cabinets.has(target.cabinetId)) throw notFound(`no cabinet ${target.cabinetId}`);
    return this.lampsOfCabinet(target.cabinetId);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
