// The storage port: the only way the platform touches persistent data.
// Adapters (sqlite/ by default, postgres/ or mongo/ chosen by the scheme of CUSTODIA_STORE_URL)
// implement it, and memory/ stands in for them in unit tests; one contract suite
// (test/contract/storage.contract.ts) runs against each. Every body that reaches a Store is
// already sealed by the keyring: adapters see ciphertext plus the clear metadata queries need
// (ids, kinds, timestamps, device/subject ids, blind indexes and non-personal tags).
import { TENANT_ID_PATTERN } from './tenant-id.ts';
import type { AuditEntry } from '../audit/entry.ts';

/** A sealed record. `index` holds equality-searchable values: blind indexes (HMAC hex) for
 *  personal fields, or clear non-personal tags (status, severity…). */
export interface StoredRecord {
  kind: string;
  id: string;
  /** Data subject whose key sealed the body (null: sealed with the tenant key). */
  subject: string | null;
  index: Record<string, string>;
  body: Buffer;
  createdAt: number;
  updatedAt: number;
}

export interface RecordQuery {
  kind: string;
  /** Every entry must match exactly (AND). */
  where?: Record<string, string>;
  subject?: string;
  /** Newest first by updatedAt when true. Default: oldest first by createdAt. */
  newestFirst?: boolean;
  limit?: number;
  /** Keyset pagination: only records whose createdAt (or updatedAt when newestFirst) is past this. */
  after?: number;
}

/** One time-series point: `series` is the clear channel key (e.g. a device id), the body sealed. */
export interface StoredPoint {
  series: string;
  /** Unique per tenant; bound into the sealed body's AAD. */
  id: string;
  ts: number;
  subject: string | null;
  body: Buffer;
}

export interface RangeQuery {
  series: string;
  from?: number;
  to?: number;
  limit?: number;
  /** Newest first when true. */
  desc?: boolean;
}

/** A wrapped key as stored: the key bytes never reach a store unwrapped. */
export interface StoredKey {
  /** Scope the key belongs to: "tenant", "index", "subject:<id>", "audit-signing"… */
  scope: string;
  version: number;
  wrapped: Buffer;
  /** Which wrapping key sealed it (master key id + version, or tenant key version). */
  wrappedBy: string;
  createdAt: number;
}

/** One audit entry as stored. The hash chain is computed by platform/audit, not the adapter. */
export type StoredAuditEntry = AuditEntry;

export interface StoredCheckpoint {
  seq: number;
  headHash: string;
  ts: number;
  signature: string; // base64 Ed25519
  keyId: string;
}

/** Writes applied atomically: all or nothing. This is the port's transaction. */
export interface WriteBatch {
  put?: StoredRecord[];
  delete?: { kind: string; id: string }[];
  points?: StoredPoint[];
}

export interface Store {
  /** Which tenant (or "_platform") this store confines itself to. */
  readonly scope: string;

  // records
  get(kind: string, id: string): Promise<StoredRecord | null>;
  find(query: RecordQuery): Promise<StoredRecord[]>;
  count(kind: string, where?: Record<string, string>): Promise<number>;
  /** Atomic batch of record puts/deletes and series appends (one durable commit). */
  commit(batch: WriteBatch): Promise<void>;

  // time series
  range(query: RangeQuery): Promise<StoredPoint[]>;
  latest(series: string): Promise<StoredPoint | null>;
  countPoints(series?: string): Promise<number>;
  /** Ids of every series with at least one point (for exports and migration). */
  listSeries(): Promise<string[]>;
  /** Deletes every point of every series whose ts is strictly before `before` (retention);
   *  returns how many were deleted. */
  deletePointsBefore(before: number): Promise<number>;

  // keys (wrapped)
  getKeys(scope: string): Promise<StoredKey[]>;
  /** Inserts a key version, or replaces the same scope + version (re-wrapping relies on it). */
  putKey(key: StoredKey): Promise<void>;
  /** Distinct key scopes starting with `prefix` (e.g. "subject:"), for describe and re-wrap. */
  listKeyScopes(prefix: string): Promise<string[]>;
  /** Destroys every version of a scope's key. Adapters must make the bytes unrecoverable
   *  from their files where the engine allows it (sqlite: secure_delete + WAL checkpoint). */
  destroyKeys(scope: string): Promise<number>;

  // audit chain (append-only)
  appendAudit(entries: StoredAuditEntry[]): Promise<void>;
  readAudit(fromSeq: number, limit: number): Promise<StoredAuditEntry[]>;
  lastAudit(): Promise<StoredAuditEntry | null>;
  putCheckpoint(cp: StoredCheckpoint): Promise<void>;
  listCheckpoints(): Promise<StoredCheckpoint[]>;

  /** Checks the store can commit (used by /readyz). */
  ping(): Promise<boolean>;
}

/** Opens stores: one for the platform, one per tenant (separate files or databases). */
export interface StorageProvider {
  readonly kind: 'sqlite' | 'postgres' | 'mongo' | 'memory';
  platform(): Promise<Store>;
  tenant(tenantId: string): Promise<Store>;
  /** Removes a tenant's store entirely (tenant deletion). */
  dropTenant(tenantId: string): Promise<void>;
  close(): Promise<void>;
}

export const PLATFORM_SCOPE = '_platform';

/** Tenant ids become file and database names (./tenant-id.ts). */
export { TENANT_ID_PATTERN };

export function assertTenantId(id: string): void {
  if (!TENANT_ID_PATTERN.test(id)) throw new Error(`invalid tenant id: ${JSON.stringify(id)}`);
}
