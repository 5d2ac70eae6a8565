// A consistent, read-only view of one store at a time: the one capability the Store port lacks
// (it cannot list record kinds nor pin a snapshot). Backups, region moves and the migration tool
// read through it; every adapter offers one (sqlite/, postgres/, mongo/ and memory/ snapshot.ts),
// reached through `openSnapshot` on its provider.
import type { StorageProvider, StoredAuditEntry, StoredCheckpoint, StoredKey, StoredPoint, StoredRecord } from './port.ts';

export type Pages<T> = Iterable<T[]> | AsyncIterable<T[]>;

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

/** What a provider offers when it can take snapshots. */
export interface SnapshotCapable {
  openSnapshot(scope: string): Promise<StoreSnapshot>;
  snapshotTenants(): Promise<string[]>;
}

export function isSnapshotCapable(provider: unknown): provider is SnapshotCapable {
  const p = provider as Partial<SnapshotCapable> | null;
  return typeof p?.openSnapshot === 'function' && typeof p.snapshotTenants === 'function';
}

export function snapshotsOf(provider: SnapshotCapable): SnapshotSource {
  return { tenants: () => provider.snapshotTenants(), open: (scope) => provider.openSnapshot(scope) };
}

/** The snapshot source of an opened provider, or null when its adapter offers none. */
export function providerSnapshots(provider: StorageProvider): SnapshotSource | null {
  return isSnapshotCapable(provider) ? snapshotsOf(provider) : null;
}
