// Moving a tenant between regions (docs/architecture.md "Residency"): an explicit act of the
// platform operator, audited in the platform chain and the tenant's own chain. The tenant must be
// suspended (no device or user writes); while the copy runs every use of its store is refused.
// Its stored rows are copied as they are (sealed bodies, wrapped keys, the audit chain with its
// signed checkpoints) from a snapshot of the old location by the migration tool's copy, checked
// row by row in the new one, and only then is the tenant placed in the new region and its old
// store dropped.
import { conflict, unavailable } from '../errors.ts';
import { snapshotSourceOf } from '../backup/snapshot.ts';
import type { AuditService } from '../services/index.ts';
import { copyScope, snapshotIsEmpty, type CopiedScope } from '../storage/migration/copy.ts';
import { verifyScope } from '../storage/migration/verify.ts';
import type { StorageProvider } from '../storage/port.ts';
import type { StoreSnapshot } from '../storage/snapshot.ts';
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
  audit: Pick<AuditService, 'record' | 'admin'>;
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
  await deps.audit.admin.checkpoint(tenantId);

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

/** Copies one tenant store as stored (platform/storage/migration), then checks the copy row by
 *  row against what was read; any difference drops the copy and keeps the tenant where it was. */
async function copyTenant(from: StorageProvider, to: StorageProvider, tenantId: string): Promise<RegionMoveResult['copied']> {
  const source = snapshotSourceOf(from);
  const readBack = snapshotSourceOf(to);
  if (!source || !readBack) throw unavailable(`moving tenants between ${from.kind} and ${to.kind} locations is not supported`);
  const dest = await to.tenant(tenantId);
  if (!(await isEmpty(await readBack.open(tenantId)))) throw conflict(`the destination region already holds data of tenant ${tenantId}; nothing was copied`);
  try {
    const snapshot = await source.open(tenantId);
    let copied: CopiedScope;
    try {
      copied = await copyScope(snapshot, dest, { batchSize: 500, sample: 0 });
    } finally {
      await snapshot.close();
    }
    const written = await readBack.open(tenantId);
    const checks = await verifyScope(copied, dest, written).finally(() => written.close());
    const mismatches = checks.filter((c) => !c.ok).map((c) => c.check);
    if (mismatches.length > 0) throw new Error(`the copy in the new region differs from the original (${mismatches.join(', ')}); the tenant stays where it was`);
    return { keys: copied.keys.length, records: copied.records.size, points: copied.points.size, audit: copied.audit.size, checkpoints: copied.checkpoints };
  } catch (err) {
    await to.dropTenant(tenantId).catch(() => undefined);
    throw err;
  }
}

async function isEmpty(snapshot: StoreSnapshot): Promise<boolean> {
  try {
    return await snapshotIsEmpty(snapshot);
  } finally {
    await snapshot.close();
  }
}
