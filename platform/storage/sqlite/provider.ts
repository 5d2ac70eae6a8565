// The default, embedded storage adapter (docs/architecture.md "Storage port"): one sqlite file
// for the platform and one per tenant under the data directory.
//   <dataDir>/platform.db            platform store (scope "_platform")
//   <dataDir>/tenants/<tenantId>.db  one per tenant, opened lazily and cached
// Tenant files sit in a 0700 directory and are 0600 (with their -wal and -shm companions).
// The per-scope cache, open checks and drop order come from ../shared/provider-base.ts.
import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PLATFORM_SCOPE, assertTenantId } from '../port.ts';
import { ScopedStorage } from '../shared/provider-base.ts';
import { DIR_MODE, openDatabase } from './schema.ts';
import { SqliteSnapshot, sqliteTenants } from './snapshot.ts';
import { SqliteStore } from './store.ts';

export interface SqliteStorageOptions {
  dataDir: string;
  /** How long a write waits for another connection's lock before failing (default 5 s). */
  busyTimeoutMs?: number;
}

const DB_SUFFIXES = ['', '-wal', '-shm', '-journal'] as const;

export class SqliteStorage extends ScopedStorage<SqliteStore> {
  readonly kind = 'sqlite' as const;
  readonly #tenantsDir: string;

  private constructor(
    readonly dataDir: string,
    readonly busyTimeoutMs: number,
  ) {
    super();
    this.#tenantsDir = join(dataDir, 'tenants');
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
    const storage = new SqliteStorage(dataDir, busyTimeoutMs);
    storage.seed(PLATFORM_SCOPE, storage.openStore(PLATFORM_SCOPE));
    return storage;
  }

  /** Synchronous: two concurrent callers cannot open the same file twice. */
  protected openStore(scope: string): SqliteStore {
    const file = scope === PLATFORM_SCOPE ? join(this.dataDir, 'platform.db') : this.tenantFile(scope);
    return new SqliteStore(scope, file, openDatabase(file, scope, { busyTimeoutMs: this.busyTimeoutMs }));
  }

  protected detachStore(store: SqliteStore): void {
    // Its connection is closed: stores already handed out fail from now on.
    store.closeForDrop();
  }

  protected removeTenant(tenantId: string): void {
    const file = this.tenantFile(tenantId);
    for (const suffix of DB_SUFFIXES) rmSync(file + suffix, { force: true });
  }

  protected closeEngine(stores: SqliteStore[]): void {
    const errors: unknown[] = [];
    // Tenants first, the platform file last.
    const ordered = [...stores.filter((s) => s.scope !== PLATFORM_SCOPE), ...stores.filter((s) => s.scope === PLATFORM_SCOPE)];
    for (const store of ordered) {
      try {
        store.close();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'closing sqlite stores failed');
  }

  /** A consistent read-only view of one store, through its own connection (./snapshot.ts). */
  async openSnapshot(scope: string): Promise<SqliteSnapshot> {
    this.assertOpen();
    return SqliteSnapshot.open(this.dataDir, scope);
  }

  /** Tenants that have a file, sorted. */
  async snapshotTenants(): Promise<string[]> {
    this.assertOpen();
    return sqliteTenants(this.dataDir);
  }

  /** Path of a tenant's database file (the tenant id was validated: no path tricks possible). */
  tenantFile(tenantId: string): string {
    assertTenantId(tenantId);
    return join(this.#tenantsDir, `${tenantId}.db`);
  }
}

export async function createSqliteStorage(opts: SqliteStorageOptions): Promise<SqliteStorage> {
  return SqliteStorage.open(opts);
}
