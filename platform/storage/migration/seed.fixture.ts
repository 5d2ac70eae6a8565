// Test data for the migration tests: a platform store and two tenants written the way the
// platform writes them — values sealed by the keyring under tenant and subject keys, one subject
// crypto-shredded, readings in several series, and real audit chains with signed checkpoints.
// Synthetic values only.
import { createAudit } from '../../audit/log.ts';
import { loadOrCreateAuditSigner } from '../../audit/signer.ts';
import { verifyChain } from '../../audit/verify.ts';
import { SERIES_COLLECTION } from '../../crypto/collections.ts';
import { createKeyring } from '../../crypto/keyring.ts';
import type { MasterKeyProvider } from '../../crypto/types.ts';
import { ErasedError } from '../../errors.ts';
import { PLATFORM_SCOPE, type StorageProvider, type Store, type StoredAuditEntry } from '../port.ts';
import type { SnapshotCapable } from '../snapshot.ts';

export const TENANTS = ['tenant-a', 'tenant-b'] as const;
const T0 = 1_700_000_000_000;

const storeOf = (p: StorageProvider, scope: string): Promise<Store> => (scope === PLATFORM_SCOPE ? p.platform() : p.tenant(scope));

/** Writes the platform store and TENANTS; returns the audit-signing public key. */
export async function seedStores(provider: StorageProvider, master: MasterKeyProvider): Promise<string> {
  const platform = await provider.platform();
  const signer = await loadOrCreateAuditSigner({ master, store: platform, now: () => T0 });
  const keyring = createKeyring({ master, storeFor: (scope) => storeOf(provider, scope) });
  let clock = T0;
  const audit = createAudit({ storeFor: (scope) => storeOf(provider, scope), signer, checkpointEvery: 4, now: () => ++clock });

  await platform.commit({
    put: await Promise.all(
      TENANTS.map(async (t, i) => ({
        kind: 'tenant',
        id: t,
        subject: null,
        index: { 't:status': 'active' },
        body: await keyring.sealJson({ tenant: PLATFORM_SCOPE, collection: 'tenant', id: t }, { name: `Tenant ${i}` }),
        createdAt: T0 + i,
        updatedAt: T0 + i,
      })),
    ),
  });
  for (const t of TENANTS) await audit.record(PLATFORM_SCOPE, { actor: 'system:test', action: 'tenant.create', target: `tenant:${t}`, outcome: 'success', details: {} });

  for (const tenant of TENANTS) {
    const store = await provider.tenant(tenant);
    const seal = (collection: string, id: string, subject: string | null, value: unknown) => keyring.sealJson({ tenant, collection, id, subject }, value);
    const put = [];
    for (let i = 0; i < 7; i++) {
      const kind = i < 4 ? 'patient' : 'device';
      const subject = i % 2 === 0 ? `s${i % 3}` : null;
      put.push({ kind, id: `r${i}`, subject, index: { 't:status': i % 2 ? 'on' : 'off' }, body: await seal(kind, `r${i}`, subject, { i }), createdAt: T0 + i, updatedAt: T0 + 10 * i });
    }
    put.push({ kind: 'patient', id: 'r-erased', subject: 's9', index: {}, body: await seal('patient', 'r-erased', 's9', {}), createdAt: T0, updatedAt: T0 });
    const points = [];
    for (let i = 0; i < 12; i++) {
      const subject = i % 3 === 0 ? 's1' : null;
      points.push({ series: `dev-${i % 3}`, id: `pt-${i}`, ts: T0 + (i % 5), subject, body: await seal(SERIES_COLLECTION, `pt-${i}`, subject, { spo2: 90 + (i % 9) }) });
    }
    await store.commit({ put, points });
    await keyring.shred(tenant, 's9');
    for (let i = 0; i < 6; i++) {
      await audit.record(tenant, { actor: 'system:test', action: 'record.read', target: `record:r${i}`, outcome: 'success', details: { n: i } });
    }
  }
  await audit.close(); // a final signed checkpoint on every chain
  keyring.clearCache();
  return signer.publicKeyPem;
}

export interface OpenedEverything {
  values: number;
  erased: number;
  failures: string[];
}

/** Opens every record and point of every store with a fresh keyring over `provider`'s own keys. */
export async function openEverything(provider: StorageProvider & SnapshotCapable, master: MasterKeyProvider): Promise<OpenedEverything> {
  const keyring = createKeyring({ master, storeFor: (scope) => storeOf(provider, scope) });
  const out: OpenedEverything = { values: 0, erased: 0, failures: [] };
  const attempt = async (tenant: string, collection: string, item: { id: string; subject: string | null; body: Buffer }) => {
    try {
      await keyring.openJson({ tenant, collection, id: item.id, subject: item.subject }, item.body);
      out.values++;
    } catch (err) {
      if (err instanceof ErasedError) out.erased++;
      else out.failures.push(`${tenant} ${collection}/${item.id}`);
    }
  };
  for (const scope of [PLATFORM_SCOPE, ...(await provider.snapshotTenants())]) {
    const snapshot = await provider.openSnapshot(scope);
    try {
      for await (const page of snapshot.records(100)) for (const r of page) await attempt(scope, r.kind, r);
      for await (const page of snapshot.points(100)) for (const p of page) await attempt(scope, SERIES_COLLECTION, p);
    } finally {
      await snapshot.close();
    }
  }
  keyring.clearCache();
  return out;
}

/** Every chain (platform and tenants) verified with the signing key: scope → "ok n/m" or the break. */
export async function verifyChains(provider: StorageProvider & SnapshotCapable, publicKey: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const scope of [PLATFORM_SCOPE, ...(await provider.snapshotTenants())]) {
    const store = await storeOf(provider, scope);
    const entries: StoredAuditEntry[] = await store.readAudit(1, 10_000);
    const verdict = verifyChain({ scope, entries, checkpoints: await store.listCheckpoints(), publicKey });
    out[scope] = verdict.ok ? `ok ${verdict.entries} entries, ${verdict.checkpoints} checkpoints` : `broken at #${verdict.firstBrokenSeq}: ${verdict.reason}`;
  }
  return out;
}
