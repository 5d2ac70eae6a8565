// The default, embedded storage adapter (docs/architecture.md "Storage port"): one sqlite file
// for the platform and one per tenant under the data directory.
//   <dataDir>/platform.db            platform store (scope "_platform")
//   <dataDir>/tenants/<tenantId>.db  one per tenant, opened lazily and cached
// Tenant files sit in a 0700 directory and are 0600 (with their -wal and -shm companions).
import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PLATFORM_SCOPE, assertTenantId, type StorageProvider, type Store } from '../port.ts';
import { DIR_MODE, openDatabase } from './schema.ts';
import { SqliteStore } from './store.ts';

export interface SqliteStorageOptions {
  dataDir: string;
  /** How long a write waits for another connection's lock before failing (default 5 s). */
  busyTimeoutMs?: number;
}

const DB_SUFFIXES = ['', '-wal', '-shm', '-journal'] as const;

export class SqliteStorage implements StorageProvider {
  readonly kind = 'sqlite' as const;
  readonly #tenants = new Map<string, SqliteStore>();
  readonly #tenantsDir: string;
  readonly #platform: SqliteStore;
  #closed = false;

  private constructor(
    readonly dataDir: string,
    readonly busyTimeoutMs: number,
    platform: SqliteStore,
  ) {
    this.#tenantsDir = join(dataDir, 'tenants');
    this.#platform = platform;
  }

  /** Use `createSqliteStorage`. Opens the platform file at once so a bad data dir fails at start-up. */
  static open(opts: SqliteStorageOptions): SqliteStorage {
    const dataDir = resolve(opts.dataDir);
    const busyTimeoutMs = opts.busyTimeoutMs ?? 5000;
    // An existing data directory keeps its mode (the operator chose it); a new one is private.
    if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true, mode: DIR_MODE });
    const tenantsDir = join(dataDir, 'tenants');
    mkdirSync(tenantsDir, { recursive: true, mode: DIR_MODE });
    chmodSync(tenantsDir, DIR_MODE);
    const file = join(dataDir, 'platform.db');
    const platform = new SqliteStore(PLATFORM_SCOPE, file, openDatabase(file, PLATFORM_SCOPE, { busyTimeoutMs }));
    return new SqliteStorage(dataDir, busyTimeoutMs, platform);
  }

  async platform(): Promise<Store> {
    this.#assertOpen();
    return this.#platform;
  }

  async tenant(tenantId: string): Promise<Store> {
    this.#assertOpen();
    assertTenantId(tenantId);
    // Synchronous from here to the map insert: two concurrent callers cannot open the file twice.
    let store = this.#tenants.get(tenantId);
    if (!store) {
      const file = this.tenantFile(tenantId);
      store = new SqliteStore(tenantId, file, openDatabase(file, tenantId, { busyTimeoutMs: this.busyTimeoutMs }));
      this.#tenants.set(tenantId, store);
    }
    return store;
  }

  async dropTenant(tenantId: string): Promise<void> {
    this.#assertOpen();
    assertTenantId(tenantId);
    const store = this.#tenants.get(tenantId);
    this.#tenants.delete(tenantId);
    // Stores already handed out fail from now on (their connection is closed).
    store?.closeForDrop();
    const file = this.tenantFile(tenantId);
    for (const suffix of DB_SUFFIXES) rmSync(file + suffix, { force: true });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const errors: unknown[] = [];
    for (const store of [...this.#tenants.values(), this.#platform]) {
      try {
        store.close();
      } catch (err) {
        errors.push(err);
      }
    }
    this.#tenants.clear();
    if (errors.length > 0) throw new AggregateError(errors, 'closing sqlite stores failed');
  }

  /** Path of a tenant's database file (the tenant id was validated: no path tricks possible). */
  tenantFile(tenantId: string): string {
    assertTenantId(tenantId);
    return join(this.#tenantsDir, `${tenantId}.db`);
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('sqlite storage is closed');
  }
}

export async function createSqliteStorage(opts: SqliteStorageOptions): Promise<SqliteStorage> {
  return SqliteStorage.open(opts);
}
