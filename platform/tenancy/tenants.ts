// The tenant registry (platform store). Creating a tenant creates its store and its keys.
import { z } from 'zod';
import { labelSchema } from '../safe-text.ts';
import { conflict, notFound } from '../errors.ts';
import type { Keyring } from '../crypto/types.ts';
import type { IdentityEvents } from '../events.ts';
import type { SealedRecords } from '../services/records.ts';
import type { StorageProvider } from '../storage/port.ts';
import { placementOf } from '../storage/regions.ts';
import { quotasSchema, retentionDaysSchema, tenantInputSchema, type Tenant, type TenantInput } from './tenant-schema.ts';

export { quotasSchema, retentionDaysSchema, tenantInputSchema, type Tenant, type TenantInput } from './tenant-schema.ts';

const KIND = 'tenant';

export class TenantRegistry {
  private cache = new Map<string, Tenant>();
  constructor(
    private readonly records: SealedRecords,
    private readonly storage: StorageProvider,
    private readonly keyring: Keyring,
    /** Told of suspensions, so the tenant's devices and sockets are disconnected. */
    private readonly events?: IdentityEvents,
  ) {}

  async create(input: TenantInput): Promise<Tenant> {
    const parsed = tenantInputSchema.parse(input);
    if (await this.records.store.get(KIND, parsed.id)) throw conflict(`tenant ${parsed.id} already exists`);
    const tenant: Tenant = { ...parsed, status: 'active', createdAt: Date.now() };
    // Residency: placed before anything of the tenant is created, so its store, keys and audit
    // chain exist only in its region's location (an unknown region is refused here).
    placementOf(this.storage)?.place(tenant.id, tenant.region);
    await this.storage.tenant(tenant.id);
    await this.keyring.ensureTenant(tenant.id);
    await this.records.put(KIND, tenant.id, tenant, { tags: { status: tenant.status } });
    this.cache.set(tenant.id, tenant);
    return tenant;
  }

  async get(id: string): Promise<Tenant | null> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const rec = await this.records.get<Tenant>(KIND, id);
    if (rec) this.cache.set(id, rec.data);
    return rec?.data ?? null;
  }

  async require(id: string): Promise<Tenant> {
    const t = await this.get(id);
    if (!t) throw notFound(`no tenant ${id}`);
    return t;
  }

  async list(): Promise<Tenant[]> {
    return (await this.records.find<Tenant>(KIND)).map((r) => r.data);
  }

  /** At start-up, before any tenant store is opened: places every tenant in its region, and
   *  refuses (throws NoRegionLocationError) when a tenant's region has no location. */
  async placeAll(): Promise<void> {
    const placement = placementOf(this.storage);
    if (!placement) return;
    for (const t of await this.list()) placement.place(t.id, t.region);
  }

  /** Records a completed region move (platform/tenancy/region-move.ts copies the data). */
  async setRegion(id: string, region: string): Promise<Tenant> {
    const current = await this.require(id);
    const next: Tenant = { ...current, region };
    await this.records.put(KIND, id, next, { tags: { status: next.status } });
    this.cache.set(id, next);
    return next;
  }

  async update(id: string, patch: Partial<Pick<Tenant, 'name' | 'status' | 'quotas'>> & { readingsRetentionDays?: number | null }): Promise<Tenant> {
    const current = await this.require(id);
    const { readingsRetentionDays, ...rest } = patch;
    const next: Tenant = { ...current, ...rest };
    // null clears the retention period (readings kept); undefined leaves it as it is.
    if (readingsRetentionDays === null) delete next.readingsRetentionDays;
    else if (readingsRetentionDays !== undefined) next.readingsRetentionDays = readingsRetentionDays;
    await this.records.put(KIND, id, next, { tags: { status: next.status } });
    this.cache.set(id, next);
    if (next.status === 'suspended') this.events?.publish({ type: 'tenant.suspended', tenantId: id });
    return next;
  }
}
