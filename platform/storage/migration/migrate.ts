// Moves whole stores from any adapter to any other (sqlite, PostgreSQL, MongoDB, and memory in
// tests): the source is read through its provider's snapshots (../snapshot.ts), the destination
// written only through the Store port, nothing is decrypted. Every destination store is checked
// to be empty before the first row is written; afterwards each copy is verified (./verify.ts).
import { AUDIT_SIGNING_SCOPE, loadOrCreateAuditSigner } from '../../audit/signer.ts';
import type { MasterKeyProvider } from '../../crypto/types.ts';
import { PLATFORM_SCOPE, type StorageProvider, type Store } from '../port.ts';
import type { SnapshotCapable, StoreSnapshot } from '../snapshot.ts';
import { copyScope, snapshotIsEmpty, type CopiedScope } from './copy.ts';
import { verifyScope, type CheckRow } from './verify.ts';

export type Endpoint = StorageProvider & SnapshotCapable;

export type Which = { all: true } | { platform: true } | { tenant: string };

export interface CopyStoresOptions {
  /** Only read, through snapshots. */
  from: SnapshotCapable;
  to: Endpoint;
  which: Which;
  /** Drop a tenant's existing destination store first (never the platform's). */
  replace?: boolean;
  batchSize?: number;
  /** Values per store kept aside to open during verification (default 20). */
  sample?: number;
  onProgress?: (line: string) => void;
}

export interface MigrationReport {
  scopes: string[];
  copied: { keys: number; records: number; points: number; audit: number; checkpoints: number };
  checks: CheckRow[];
  ok: boolean;
}

/** The destination already holds data: nothing was written. */
export class DestinationNotEmptyError extends Error {
  override name = 'DestinationNotEmptyError';
  constructor(readonly scopes: string[]) {
    super(
      `the destination already holds data for ${scopes.map((s) => (s === PLATFORM_SCOPE ? 'the platform store' : `tenant ${s}`)).join(', ')}; ` +
        'nothing was copied (migrate into an empty location, or pass --replace to drop a tenant there first)',
    );
  }
}

const storeOf = (p: StorageProvider, scope: string): Promise<Store> => (scope === PLATFORM_SCOPE ? p.platform() : p.tenant(scope));

async function withSnapshot<T>(open: Promise<StoreSnapshot>, work: (s: StoreSnapshot) => Promise<T>): Promise<T> {
  const snapshot = await open;
  try {
    return await work(snapshot);
  } finally {
    await snapshot.close();
  }
}

/** The scopes named by `which`, each checked to exist in the source. */
export async function scopesToCopy(from: SnapshotCapable, which: Which): Promise<string[]> {
  const tenants = await from.snapshotTenants();
  if ('all' in which) return [PLATFORM_SCOPE, ...tenants];
  if ('platform' in which) return [PLATFORM_SCOPE];
  if (!tenants.includes(which.tenant)) throw new Error(`the source holds no store for tenant ${which.tenant}`);
  return [which.tenant];
}

/** Scopes whose destination store holds any row (read through the destination's snapshots). */
export async function occupiedScopes(to: Endpoint, scopes: readonly string[]): Promise<string[]> {
  const tenants = new Set(await to.snapshotTenants());
  const occupied: string[] = [];
  for (const scope of scopes) {
    if (scope !== PLATFORM_SCOPE && !tenants.has(scope)) continue;
    if (!(await withSnapshot(to.openSnapshot(scope), snapshotIsEmpty))) occupied.push(scope);
  }
  return occupied;
}

/** Copies every named store; refuses before writing anything when a destination is not empty. */
export async function copyStores(opts: CopyStoresOptions): Promise<CopiedScope[]> {
  const progress = opts.onProgress ?? (() => undefined);
  const scopes = await scopesToCopy(opts.from, opts.which);
  const occupied = await occupiedScopes(opts.to, scopes);
  const refused = occupied.filter((s) => !opts.replace || s === PLATFORM_SCOPE);
  if (refused.length > 0) throw new DestinationNotEmptyError(refused);
  const out: CopiedScope[] = [];
  for (const scope of scopes) {
    if (occupied.includes(scope)) {
      progress(`dropping the destination's existing store of ${scope} (--replace)`);
      await opts.to.dropTenant(scope);
    }
    const target = await storeOf(opts.to, scope);
    const copied = await withSnapshot(opts.from.openSnapshot(scope), (snapshot) =>
      copyScope(snapshot, target, {
        batchSize: opts.batchSize ?? 500,
        sample: opts.sample ?? 20,
        onProgress: (what, n) => progress(`  ${scope} ${what}: ${n}`),
      }),
    );
    progress(`copied ${scope}`);
    out.push(copied);
  }
  return out;
}

/** The platform's audit-signing public key, unwrapped from the source platform store's keys
 *  (read-only: a migration never creates a key); null where there is none. */
export async function auditPublicKeyOf(from: SnapshotCapable, master: MasterKeyProvider): Promise<string | null> {
  const keys = await withSnapshot(from.openSnapshot(PLATFORM_SCOPE), (s) => s.keys());
  const signing = keys.filter((k) => k.scope === AUDIT_SIGNING_SCOPE);
  if (signing.length === 0) return null;
  const signer = await loadOrCreateAuditSigner({
    master,
    store: {
      getKeys: async () => signing,
      putKey: async () => {
        throw new Error('a migration does not create keys');
      },
    },
  });
  return signer.publicKeyPem;
}

export interface VerifyStoresOptions {
  master?: MasterKeyProvider;
  /** Audit-signing public key (auditPublicKeyOf); absent: the chain check is skipped. */
  auditPublicKey?: string | null;
}

export async function verifyStores(copied: readonly CopiedScope[], to: Endpoint, opts: VerifyStoresOptions = {}): Promise<MigrationReport> {
  const checks: CheckRow[] = [];
  for (const c of copied) {
    const target = await storeOf(to, c.scope);
    const rows = await withSnapshot(to.openSnapshot(c.scope), (readBack) =>
      verifyScope(c, target, readBack, {
        ...(opts.master ? { master: opts.master } : {}),
        ...(opts.auditPublicKey ? { auditPublicKey: opts.auditPublicKey } : {}),
      }),
    );
    checks.push(...rows);
  }
  const sum = (f: (c: CopiedScope) => number) => copied.reduce((n, c) => n + f(c), 0);
  return {
    scopes: copied.map((c) => c.scope),
    copied: {
      keys: sum((c) => c.keys.length),
      records: sum((c) => c.records.size),
      points: sum((c) => c.points.size),
      audit: sum((c) => c.audit.size),
      checkpoints: sum((c) => c.checkpoints),
    },
    checks,
    ok: checks.every((c) => c.ok),
  };
}

/** Copy, then verify: the whole migration of `which` from one location to another. */
export async function migrateStores(opts: CopyStoresOptions & { master?: MasterKeyProvider }): Promise<MigrationReport> {
  const auditPublicKey = opts.master ? await auditPublicKeyOf(opts.from, opts.master) : null;
  const copied = await copyStores(opts);
  return verifyStores(copied, opts.to, { ...(opts.master ? { master: opts.master } : {}), auditPublicKey });
}
