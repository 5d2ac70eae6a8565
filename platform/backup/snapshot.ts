// Where a backup reads from: a consistent, read-only view of one store at a time. This is the one
// capability the Store port lacks (it cannot list record kinds nor pin a snapshot), so it is kept
// here as a small separate interface that each adapter can offer; the sqlite one below is built on
// the read-only snapshot reader the MongoDB migration already uses (one read transaction per
// store: the platform keeps ingesting while the backup reads what was committed when it began).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SqliteExport } from '../storage/mongo/migration.ts';
import type { StorageProvider } from '../storage/port.ts';
import { SqliteStorage } from '../storage/sqlite/provider.ts';
import {
  PLATFORM_SCOPE,
  TENANT_ID_PATTERN,
  type StoredAuditEntry,
  type StoredCheckpoint,
  type StoredKey,
  type StoredPoint,
  type StoredRecord,
} from '../storage/port.ts';

type Pages<T> = Iterable<T[]> | AsyncIterable<T[]>;

/** Every read sees the same committed state of one store. */
export interface StoreSnapshot {
  readonly scope: string;
  keys(): Promise<StoredKey[]>;
  records(pageSize: number): Pages<StoredRecord>;
  points(pageSize: number): Pages<StoredPoint>;
  audit(pageSize: number): Pages<StoredAuditEntry>;
  checkpoints(): Promise<StoredCheckpoint[]>;
  close(): Promise<void>;
}

export interface SnapshotSource {
  /** Tenants that have a store, in a stable order. */
  tenants(): Promise<string[]>;
  /** PLATFORM_SCOPE or a tenant id. */
  open(scope: string): Promise<StoreSnapshot>;
}

/** Snapshots of the sqlite data directory, opened read-only beside a running platform. */
export function sqliteSnapshots(dataDir: string): SnapshotSource {
  return {
    async tenants() {
      const files = await readdir(join(dataDir, 'tenants')).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return [] as string[];
        throw err;
      });
      return files
        .filter((f) => f.endsWith('.db'))
        .map((f) => f.slice(0, -3))
        .filter((id) => TENANT_ID_PATTERN.test(id))
        .sort();
    },
    async open(scope) {
      const source = SqliteExport.open(dataDir, scope === PLATFORM_SCOPE ? PLATFORM_SCOPE : scope);
      return {
        scope,
        keys: async () => source.keys(),
        records: (n) => source.records(n),
        points: (n) => source.points(n),
        audit: (n) => source.audit(n),
        checkpoints: async () => source.checkpoints(),
        close: async () => source.close(),
      };
    },
  };
}

/** What the PostgreSQL adapter offers (platform/storage/postgres/snapshot.ts): typed here by
 *  shape, so a sqlite deployment never loads pg. */
export interface PostgresSnapshotCapable {
  readonly kind: 'postgres';
  openSnapshot(scope: string): Promise<StoreSnapshot>;
  snapshotTenants(): Promise<string[]>;
}

/** Snapshots of a PostgreSQL store: one REPEATABLE READ, READ ONLY transaction per store. */
export function postgresSnapshots(storage: PostgresSnapshotCapable): SnapshotSource {
  return { tenants: () => storage.snapshotTenants(), open: (scope) => storage.openSnapshot(scope) };
}

/** The snapshot source of an opened provider, or null when its adapter offers none yet (MongoDB). */
export function snapshotSourceOf(provider: StorageProvider): SnapshotSource | null {
  if (provider instanceof SqliteStorage) return sqliteSnapshots(provider.dataDir);
  const pg = provider as Partial<PostgresSnapshotCapable>;
  if (provider.kind === 'postgres' && typeof pg.openSnapshot === 'function') return postgresSnapshots(pg as PostgresSnapshotCapable);
  return null;
}

/** Residency (docs/backup.md "Backups per region"): the platform store read from the default
 *  location, the tenant stores from a region's own location, narrowed to the tenants that belong
 *  to the backup. A region's backup reads only the platform's signing key from the first. */
export function composeSnapshots(opts: { platform: SnapshotSource; tenants: SnapshotSource; include?: (tenant: string) => boolean }): SnapshotSource {
  const include = opts.include ?? (() => true);
  return {
    tenants: async () => (await opts.tenants.tenants()).filter(include),
    open: (scope) => {
      if (scope === PLATFORM_SCOPE) return opts.platform.open(scope);
      if (!include(scope)) return Promise.reject(new Error(`tenant ${scope} does not belong to this backup's location`));
      return opts.tenants.open(scope);
    },
  };
}
