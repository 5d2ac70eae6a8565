// The skeleton every storage provider shares (docs/architecture.md "Storage port"): one store per
// scope, opened on first use and cached; tenant ids checked before they name a file, schema or
// database; nothing served once closed; a dropped tenant's handed-out stores refuse work before
// its data goes. An adapter supplies only what its engine does: open a scope's store, detach a
// store whose tenant is dropped, remove a tenant's data, and release the engine on close.
import { PLATFORM_SCOPE, assertTenantId, type StorageProvider, type Store } from '../port.ts';

interface Entry<S> {
  promise: Promise<S>;
  /** Set once opened, so a synchronous engine can detach a store without waiting a turn. */
  value?: S;
}

export abstract class ScopedStorage<S extends Store> implements StorageProvider {
  abstract readonly kind: StorageProvider['kind'];
  readonly #stores = new Map<string, Entry<S>>();
  #closed = false;

  /** Opens (creating where needed) the store of one scope: PLATFORM_SCOPE or a checked tenant id. */
  protected abstract openStore(scope: string): S | Promise<S>;
  /** Makes a store handed out earlier refuse all work (its tenant is being dropped). */
  protected abstract detachStore(store: S): void;
  /** Removes every byte of a tenant's data from the engine. */
  protected abstract removeTenant(tenantId: string): void | Promise<void>;
  /** Releases the engine; `stores` are those that opened (each closed at most once). */
  protected abstract closeEngine(stores: S[]): void | Promise<void>;

  /** Name used in "… storage is closed". */
  protected get engineName(): string {
    return this.kind;
  }

  async platform(): Promise<Store> {
    return this.storeOf(PLATFORM_SCOPE);
  }

  async tenant(tenantId: string): Promise<Store> {
    this.assertOpen();
    assertTenantId(tenantId);
    return this.storeOf(tenantId);
  }

  /** The adapter's own store type for a scope (with its extras, for tools and tests). */
  storeOf(scope: string): Promise<S> {
    this.assertOpen();
    if (scope !== PLATFORM_SCOPE) assertTenantId(scope);
    // Cached before any await: concurrent callers share one open (one file handle, one schema
    // set-up); a failed open is forgotten so the next call tries again.
    let entry = this.#stores.get(scope);
    if (!entry) {
      const created: Entry<S> = { promise: Promise.resolve(undefined as unknown as S) };
      try {
        const opened = this.openStore(scope);
        if (opened instanceof Promise) {
          created.promise = opened;
        } else {
          created.value = opened;
          created.promise = Promise.resolve(opened);
        }
      } catch (err) {
        return Promise.reject(err);
      }
      entry = created;
      this.#stores.set(scope, entry);
      entry.promise.then(
        (store) => {
          created.value = store;
        },
        () => {
          if (this.#stores.get(scope) === created) this.#stores.delete(scope);
        },
      );
    }
    return entry.promise;
  }

  async dropTenant(tenantId: string): Promise<void> {
    this.assertOpen();
    assertTenantId(tenantId);
    const entry = this.#stores.get(tenantId);
    this.#stores.delete(tenantId);
    // Stores already handed out fail from now on instead of writing into a recreated file,
    // schema or database.
    const store = entry ? (entry.value ?? (await entry.promise.catch(() => undefined))) : undefined;
    if (store) this.detachStore(store);
    await this.removeTenant(tenantId);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const entries = [...this.#stores.values()];
    this.#stores.clear();
    const settled = await Promise.allSettled(entries.map((e) => e.promise));
    const stores = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    await this.closeEngine(stores);
  }

  /** Caches a store opened eagerly by the adapter itself (so a bad location fails at start-up). */
  protected seed(scope: string, store: S): void {
    this.#stores.set(scope, { promise: Promise.resolve(store), value: store });
  }

  get closed(): boolean {
    return this.#closed;
  }

  protected assertOpen(): void {
    if (this.#closed) throw new Error(`${this.engineName} storage is closed`);
  }
}
