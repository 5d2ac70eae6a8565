// The in-memory storage provider: one MemoryStore per scope, gone when closed. For unit tests
// of the layers above storage only (docs/architecture.md "Storage port"); it is never chosen by
// configuration.
import { PLATFORM_SCOPE, assertTenantId, type StorageProvider, type Store } from '../port.ts';
import { MemoryStore } from './store.ts';

export class MemoryStorage implements StorageProvider {
  readonly kind = 'memory' as const;
  readonly #tenants = new Map<string, MemoryStore>();
  readonly #platform = new MemoryStore(PLATFORM_SCOPE);
  #closed = false;

  async platform(): Promise<Store> {
    this.#assertOpen();
    return this.#platform;
  }

  async tenant(tenantId: string): Promise<Store> {
    this.#assertOpen();
    assertTenantId(tenantId);
    let store = this.#tenants.get(tenantId);
    if (!store) this.#tenants.set(tenantId, (store = new MemoryStore(tenantId)));
    return store;
  }

  async dropTenant(tenantId: string): Promise<void> {
    this.#assertOpen();
    assertTenantId(tenantId);
    // Stores already handed out fail from now on, as with the file and server adapters.
    this.#tenants.get(tenantId)?.close();
    this.#tenants.delete(tenantId);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const store of [...this.#tenants.values(), this.#platform]) store.close();
    this.#tenants.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('memory storage is closed');
  }
}

export function createMemoryStorage(): MemoryStorage {
  return new MemoryStorage();
}
