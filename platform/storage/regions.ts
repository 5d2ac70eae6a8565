// Residency (docs/architecture.md "Residency"): one storage provider per region, and every
// tenant store opened in its region's provider only. The platform store (registry, users,
// devices, platform audit) stays in the default location. A tenant must be placed (its region
// known) before its store is opened: an unplaced tenant is refused, never opened in a default.
import { AppError, unavailable } from '../errors.ts';
import type { RegionLocation } from '../config.ts';
import type { StorageProvider, Store } from './port.ts';

/** What the tenant registry needs from residency. */
export interface TenantPlacement {
  /** Regions that have a location, sorted. */
  regions(): string[];
  /** Records where a tenant lives; throws NoRegionLocationError when the region has none. */
  place(tenantId: string, region: string): void;
  regionOf(tenantId: string): string | undefined;
  providerOf(region: string): StorageProvider;
  beginMove(tenantId: string): void;
  endMove(tenantId: string): void;
}

export class NoRegionLocationError extends AppError {
  override name = 'NoRegionLocationError';
  constructor(
    readonly tenantId: string,
    readonly region: string,
    known: string[],
  ) {
    super(422, 'Unprocessable Content', `region ${region} of tenant ${tenantId} has no storage location (CUSTODIA_REGIONS names ${known.join(', ')})`);
  }
}

/** A description of a location safe to log and audit (no credentials). */
export function describeLocation(loc: RegionLocation): string {
  if (loc.dataDir) return `directory ${loc.dataDir}`;
  const url = loc.storeUrl ?? loc.mongodbUri ?? '';
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

const STORE_METHODS = [
  'get', 'find', 'count', 'commit', 'range', 'latest', 'countPoints', 'listSeries', 'deletePointsBefore', 'getKeys', 'putKey',
  'listKeyScopes', 'destroyKeys', 'appendAudit', 'readAudit', 'lastAudit', 'putCheckpoint', 'listCheckpoints', 'ping',
] as const satisfies readonly (keyof Store)[];

/** A tenant store that resolves its region's store on every call: services, the keyring and the
 *  audit log cache stores by scope, and must follow a tenant that moved to another region. */
function routedStore(scope: string, resolve: () => Promise<Store>): Store {
  const store: Record<string, unknown> = { scope };
  for (const m of STORE_METHODS) {
    store[m] = async (...args: unknown[]) => {
      const target = (await resolve()) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      return target[m]!(...args);
    };
  }
  return store as unknown as Store;
}

export class RegionalStorage implements StorageProvider, TenantPlacement {
  readonly #placed = new Map<string, string>();
  readonly #routed = new Map<string, Store>();
  readonly #moving = new Set<string>();

  constructor(
    readonly home: StorageProvider,
    readonly byRegion: ReadonlyMap<string, StorageProvider>,
  ) {}

  get kind(): StorageProvider['kind'] {
    return this.home.kind;
  }

  regions(): string[] {
    return [...this.byRegion.keys()].sort();
  }

  place(tenantId: string, region: string): void {
    if (!this.byRegion.has(region)) throw new NoRegionLocationError(tenantId, region, this.regions());
    this.#placed.set(tenantId, region);
  }

  regionOf(tenantId: string): string | undefined {
    return this.#placed.get(tenantId);
  }

  providerOf(region: string): StorageProvider {
    const p = this.byRegion.get(region);
    if (!p) throw new Error(`no storage location for region ${region}`);
    return p;
  }

  platform(): Promise<Store> {
    return this.home.platform();
  }

  async tenant(tenantId: string): Promise<Store> {
    // Opened (and its region checked) at once, so a bad placement fails here, not on first use.
    await this.#resolve(tenantId);
    let routed = this.#routed.get(tenantId);
    if (!routed) {
      routed = routedStore(tenantId, () => this.#resolve(tenantId));
      this.#routed.set(tenantId, routed);
    }
    return routed;
  }

  /** While a tenant moves between regions every use of its store is refused (503): nothing can
   *  be written to the old location after its snapshot was taken. */
  beginMove(tenantId: string): void {
    this.#moving.add(tenantId);
  }

  endMove(tenantId: string): void {
    this.#moving.delete(tenantId);
  }

  #resolve(tenantId: string): Promise<Store> {
    if (this.#moving.has(tenantId)) return Promise.reject(unavailable(`tenant ${tenantId} is moving between regions; try again shortly`));
    try {
      return this.#providerFor(tenantId).tenant(tenantId);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async dropTenant(tenantId: string): Promise<void> {
    await this.#providerFor(tenantId).dropTenant(tenantId);
    this.#routed.delete(tenantId);
  }

  async close(): Promise<void> {
    const all = new Set<StorageProvider>([this.home, ...this.byRegion.values()]);
    const results = await Promise.allSettled([...all].map((p) => p.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  #providerFor(tenantId: string): StorageProvider {
    const region = this.#placed.get(tenantId);
    if (!region) throw new Error(`tenant ${tenantId} has no region placement: its store is opened only in its region's location`);
    return this.providerOf(region);
  }
}

export function placementOf(storage: StorageProvider): TenantPlacement | null {
  return storage instanceof RegionalStorage ? storage : null;
}
