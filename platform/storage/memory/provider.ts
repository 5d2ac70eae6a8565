// The in-memory storage provider: one MemoryStore per scope, gone when closed. For unit tests
// of the layers above storage only (docs/architecture.md "Storage port"); it is never chosen by
// configuration. The per-scope cache and open checks come from ../shared/provider-base.ts.
import { ScopedStorage } from '../shared/provider-base.ts';
import { MemorySnapshot } from './snapshot.ts';
import { MemoryStore } from './store.ts';

export class MemoryStorage extends ScopedStorage<MemoryStore> {
  readonly kind = 'memory' as const;
  readonly #tenantIds = new Set<string>();

  protected openStore(scope: string): MemoryStore {
    if (scope !== '_platform') this.#tenantIds.add(scope);
    return new MemoryStore(scope);
  }

  protected detachStore(store: MemoryStore): void {
    // Stores already handed out fail from now on, as with the file and server adapters.
    store.close();
  }

  protected removeTenant(tenantId: string): void {
    this.#tenantIds.delete(tenantId);
  }

  protected closeEngine(stores: MemoryStore[]): void {
    for (const store of stores) store.close();
    this.#tenantIds.clear();
  }

  /** A copy of one store taken now (../../backup/snapshot.ts `StoreSnapshot`). */
  async openSnapshot(scope: string): Promise<MemorySnapshot> {
    return MemorySnapshot.of(await this.storeOf(scope));
  }

  /** Tenants that have a store, sorted. */
  async snapshotTenants(): Promise<string[]> {
    this.assertOpen();
    return [...this.#tenantIds].sort();
  }
}

export function createMemoryStorage(): MemoryStorage {
  return new MemoryStorage();
}
