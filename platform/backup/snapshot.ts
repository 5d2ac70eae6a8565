// Where a backup reads from: a consistent, read-only view of one store at a time
// (../storage/snapshot.ts). Every adapter offers one through its provider's `openSnapshot`:
// sqlite (a read transaction on its own read-only connection), PostgreSQL (REPEATABLE READ, READ
// ONLY), MongoDB (a snapshot session on a replica set; per page on a standalone server) and the
// in-memory store of unit tests. The platform keeps ingesting while a backup reads what was
// committed when each store's snapshot began.
import { SqliteSnapshot, sqliteTenants } from '../storage/sqlite/snapshot.ts';
import { PLATFORM_SCOPE, type StorageProvider } from '../storage/port.ts';
import { providerSnapshots, snapshotsOf, type SnapshotCapable, type SnapshotSource } from '../storage/snapshot.ts';

export type { Pages, SnapshotCapable, SnapshotSource, StoreSnapshot } from '../storage/snapshot.ts';

/** Snapshots of the sqlite data directory, opened read-only beside a running platform (no
 *  provider needed: the CLI reads a data directory the platform may be writing). */
export function sqliteSnapshots(dataDir: string): SnapshotSource {
  return {
    tenants: () => sqliteTenants(dataDir),
    open: async (scope) => SqliteSnapshot.open(dataDir, scope),
  };
}

/** What the PostgreSQL adapter offers (platform/storage/postgres/snapshot.ts): typed here by
 *  shape, so a sqlite deployment never loads pg. */
export interface PostgresSnapshotCapable extends SnapshotCapable {
  readonly kind: 'postgres';
}

/** Snapshots of a PostgreSQL store: one REPEATABLE READ, READ ONLY transaction per store. */
export function postgresSnapshots(storage: PostgresSnapshotCapable): SnapshotSource {
  return snapshotsOf(storage);
}

/** The snapshot source of an opened provider (every adapter offers one; null for a provider
 *  that does not, such as a test double). */
export function snapshotSourceOf(provider: StorageProvider): SnapshotSource | null {
  return providerSnapshots(provider);
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
