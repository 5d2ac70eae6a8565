// Moving a tenant between regions (docs/architecture.md "Residency"): an explicit act of the
// platform operator, audited in the platform chain and the tenant's own chain. The tenant must be
// suspended (no device or user writes); while the copy runs every use of its store is refused.
// Its stored rows are copied as they are (sealed bodies, wrapped keys, the audit chain with its
// signed checkpoints) from a snapshot of the old location, counted again in the new one, and only
// then is the tenant placed in the new region and its old store dropped.
import { conflict, unavailable } from '../errors.ts';
import { snapshotSourceOf } from '../backup/snapshot.ts';
import type { AuditService } from '../services/index.ts';
import type { StorageProvider, Store } from '../storage/port.ts';
import type { TenantPlacement } from '../storage/regions.ts';
import type { Tenant, TenantRegistry } from './tenants.ts';

export interface RegionMoveResult {
  tenant: string;
  from: string;
  to: string;
  copied: { keys: number; records: number; points: number; audit: number; checkpoints: number };
}

export interface RegionMoveDeps {
  tenants: TenantRegistry;
  placement: TenantPlacement;
  audit: Pick<AuditService, 'record' | 'checkpoint'>;
  /** Forgets cached per-scope state (sealed-record caches) once the tenant moved. */
  forget?: (tenantId: string) => void;
}

export async function moveTenantRegion(deps: RegionMoveDeps, tenantId: string, to: string, actor: string): Promise<RegionMoveResult> {
  const tenant: Tenant = await deps.tenants.require(tenantId);
  const from = tenant.region;
  if (from === to) throw conflict(`tenant ${tenantId} is already in region ${to}`);
  if (tenant.status !== 'suspended') throw conflict(`suspend tenant ${tenantId} before moving it between regions`);
  deps.placement.place(tenantId, from); // its current region must still have a location
  const target = providerOrRefuse(deps.placement, tenantId, to);
  const sourceProvider = deps.placement.providerOf(from);
  // The head is signed before the copy: the moved chain ends on a checkpoint.
  await deps.audit.checkpoint(tenantId);

  let result: RegionMoveResult['copied'];
  deps.placement.beginMove(tenantId);
  try {
    if (target === sourceProvider) {
      result = { keys: 0, records: 0, points: 0, audit: 0, checkpoints: 0 };
    } else {
      result = await copyTenant(sourceProvider, target, tenantId);
    }
    await deps.tenants.setRegion(tenantId, to);
    deps.placement.place(tenantId, to);
    deps.forget?.(tenantId);
  } catch (err) {
    await deps.audit.record('_platform', {
      actor,
      action: 'tenant.region.move',
      target: `tenant:${tenantId}`,
      outcome: 'failure',
      details: { from, to, error: err instanceof Error ? err.message.slice(0, 200) : 'unknown' },
    });
    throw err;
  } finally {
    deps.placement.endMove(tenantId);
  }
  // The move is done once the registry says so: a failure to drop the old copy is reported in
  // the audit entry (the operator removes it), not turned into a failed move.
  let oldCopyDropped = true;
  if (target !== sourceProvider) oldCopyDropped = await sourceProvider.dropTenant(tenantId).then(() => true, () => false);
  const details = { from, to, ...result, oldCopyDropped };
  await deps.audit.record(tenantId, { actor, action: 'tenant.region.move', target: `tenant:${tenantId}`, outcome: 'success', details });
  await deps.audit.record('_platform', { actor, action: 'tenant.region.move', target: `tenant:${tenantId}`, outcome: 'success', details });
  return { tenant: tenantId, from, to, copied: result };
}

function providerOrRefuse(placement: TenantPlacement, tenantId: string, region: string): StorageProvider {
  if (!placement.regions().includes(region)) {
    // place() throws the 422 that names the configured regions.
    placement.place(tenantId, region);
  }
  return placement.providerOf(region);
}

async function isEmpty(store: Store): Promise<boolean> {
  return (
    (await store.lastAudit()) === null &&
    (await store.listKeyScopes('')).length === 0 &&
    (await store.listSeries()).length === 0 &&
    (await store.listCheckpoints()).length === 0
  );
}

/** Copies one tenant store as stored, then checks the copy's counts against what was read. */
async function copyTenant(from: StorageProvider, to: StorageProvider, tenantId: string): Promise<RegionMoveResult['copied']> {
  const source = snapshotSourceOf(from);
  if (!source) throw unavailable(`moving tenants out of a ${from.kind} location is not supported yet`);
  const dest = await to.tenant(tenantId);
  if (!(await isEmpty(dest))) throw conflict(`the destination region already holds data of tenant ${tenantId}; nothing was copied`);
  const snapshot = await source.open(tenantId);
  const kinds = new Map<string, number>();
  const series = new Map<string, number>();
  const copied = { keys: 0, records: 0, points: 0, audit: 0, checkpoints: 0 };
  let lastSeq: number | undefined;
  let lastHash: string | undefined;
  try {
    for (const key of await snapshot.keys()) {
      await dest.putKey(key);
      copied.keys++;
    }
    for await (const page of snapshot.records(500)) {
      await dest.commit({ put: page });
      for (const r of page) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
      copied.records += page.length;
    }
    for await (const page of snapshot.points(1000)) {
      await dest.commit({ points: page });
      for (const p of page) series.set(p.series, (series.get(p.series) ?? 0) + 1);
      copied.points += page.length;
    }
    for await (const page of snapshot.audit(1000)) {
      await dest.appendAudit(page);
      copied.audit += page.length;
      lastSeq = page.at(-1)?.seq ?? lastSeq;
      lastHash = page.at(-1)?.hash ?? lastHash;
    }
    for (const cp of await snapshot.checkpoints()) {
      await dest.putCheckpoint(cp);
      copied.checkpoints++;
    }
    const mismatches: string[] = [];
    for (const [kind, n] of kinds) if ((await dest.count(kind)) !== n) mismatches.push(`records of kind ${kind}`);
    for (const [s, n] of series) if ((await dest.countPoints(s)) !== n) mismatches.push(`points of series ${s}`);
    const head = await dest.lastAudit();
    if (head?.hash !== lastHash || head?.seq !== lastSeq) mismatches.push('audit head');
    if ((await dest.listCheckpoints()).length !== copied.checkpoints) mismatches.push('checkpoints');
    if (mismatches.length > 0) throw new Error(`the copy in the new region differs from the original (${mismatches.join(', ')}); the tenant stays where it was`);
  } catch (err) {
    await to.dropTenant(tenantId).catch(() => undefined);
    throw err;
  } finally {
    await snapshot.close();
  }
  return copied;
}
