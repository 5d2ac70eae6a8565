// Takes a backup: reads each store through a consistent snapshot (the platform may keep
// ingesting), writes its rows as stored into one bundle, erasure-codes the bundle into one shard
// per target (any k rebuild it), signs the manifest with the platform's audit key and writes
// shard and manifest to every target, then reads them back. Nothing is decrypted; the master key
// is needed only to unwrap the signing key. Format: ./format.ts; restore: ./restore.ts.
import { randomBytes } from 'node:crypto';
import { AUDIT_SIGNING_SCOPE, loadOrCreateAuditSigner, type AuditSigner } from '../audit/signer.ts';
import type { MasterKeyProvider } from '../crypto/types.ts';
import { keysDigest } from '../storage/migration/compare.ts';
import { PLATFORM_SCOPE, type StoredKey } from '../storage/port.ts';
import { reedSolomon, type ErasureCodec } from './erasure.ts';
import { BACKUP_FORMAT, SectionWriter, newBackupId, packBundle, sha256, signManifest, type Manifest, type StoreSummary } from './format.ts';
import type { SnapshotSource, StoreSnapshot } from './snapshot.ts';
import { MANIFEST_FILE, shardFile, type BackupTarget } from './targets.ts';

export interface BackupOptions {
  source: SnapshotSource;
  of: Manifest['of'];
  targets: readonly BackupTarget[];
  k: number;
  master: MasterKeyProvider;
  codec?: ErasureCodec;
  pageSize?: number;
  now?: () => Date;
  onProgress?: (line: string) => void;
}

export interface BackupResult {
  manifest: Manifest;
  /** Target i holds shard i. */
  targets: { label: string; shard: number; bytes: number }[];
  seconds: number;
}

/** A read-only key store over the platform snapshot's keys: a backup never creates a key. */
function signerFrom(master: MasterKeyProvider, keys: StoredKey[]): Promise<AuditSigner> {
  const signing = keys.filter((k) => k.scope === AUDIT_SIGNING_SCOPE);
  if (signing.length === 0) throw new Error('the platform store holds no audit signing key (has the platform ever started?)');
  return loadOrCreateAuditSigner({
    master,
    store: {
      getKeys: async () => signing,
      putKey: async () => {
        throw new Error('a backup does not create keys');
      },
    },
  });
}

export async function takeBackup(opts: BackupOptions): Promise<BackupResult> {
  const started = Date.now();
  const n = opts.targets.length;
  const codec = opts.codec ?? reedSolomon;
  const pageSize = opts.pageSize ?? 1000;
  const progress = opts.onProgress ?? (() => undefined);
  if (!Number.isInteger(opts.k) || opts.k < 1 || opts.k > n) throw new Error(`k must be between 1 and the number of targets (${n}), got ${opts.k}`);
  const labels = new Set(opts.targets.map((t) => t.label));
  if (labels.size !== n) throw new Error('the same target is named twice: each shard needs its own target');

  const platformSnapshot = await opts.source.open(PLATFORM_SCOPE);
  const texts: string[] = [];
  const stores: StoreSummary[] = [];
  let signer: AuditSigner;
  let signingKey: StoredKey;
  try {
    const platformKeys = await platformSnapshot.keys();
    signer = await signerFrom(opts.master, platformKeys);
    signingKey = platformKeys.find((k) => k.scope === AUDIT_SIGNING_SCOPE)!;
    if ('platform' in opts.of) {
      await addStore(platformSnapshot, texts, stores, pageSize, progress);
    }
  } finally {
    await platformSnapshot.close();
  }
  // A region's backup holds its tenants' stores only: the platform store stays with the default
  // location's backups, and its key above only signs the manifest.
  const tenants = 'tenant' in opts.of ? [opts.of.tenant] : await opts.source.tenants();
  if (tenants.length === 0 && !('platform' in opts.of)) throw new Error(`region ${'region' in opts.of ? opts.of.region : ''} holds no tenant store to back up`);
  for (const tenant of tenants) {
    const snapshot = await opts.source.open(tenant);
    try {
      await addStore(snapshot, texts, stores, pageSize, progress);
    } finally {
      await snapshot.close();
    }
  }

  const bundle = packBundle(texts);
  const shards = codec.encode(bundle, opts.k, n);
  const now = (opts.now ?? (() => new Date()))();
  const manifest: Manifest = {
    format: BACKUP_FORMAT,
    id: newBackupId(now, randomBytes(4).toString('hex')),
    createdAt: now.getTime(),
    of: opts.of,
    masterKeyId: opts.master.keyId,
    stores,
    bundle: { bytes: bundle.length, sha256: sha256(bundle), encoding: 'ndjson+gzip' },
    erasure: {
      codec: 'reed-solomon/cauchy/gf256',
      k: opts.k,
      n,
      shardBytes: shards[0]!.length,
      shards: shards.map((s, index) => ({ index, sha256: sha256(s) })),
    },
    signer: { keyId: signer.keyId, wrapped: signingKey.wrapped.toString('base64'), wrappedBy: signingKey.wrappedBy },
  };
  const signed = Buffer.from(`${JSON.stringify(signManifest(manifest, (d) => signer.sign(d)), null, 1)}\n`);
  progress(`bundle ${bundle.length} bytes → ${n} shards of ${shards[0]!.length} bytes (any ${opts.k} restore it)`);

  // Shard first, manifest last: a target with a manifest holds a complete backup.
  const failures: string[] = [];
  await Promise.all(
    opts.targets.map(async (target, i) => {
      try {
        await target.put(manifest.id, shardFile(i), shards[i]!);
        await target.put(manifest.id, MANIFEST_FILE, signed);
        const back = await target.get(manifest.id, shardFile(i));
        if (!back || sha256(back) !== manifest.erasure.shards[i]!.sha256) throw new Error('the shard read back differs from the one written');
      } catch (err) {
        failures.push(`${target.label}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
  if (failures.length > 0) throw new Error(`backup ${manifest.id} could not be written to every target: ${failures.join('; ')}`);
  return {
    manifest,
    targets: opts.targets.map((t, i) => ({ label: t.label, shard: i, bytes: shards[i]!.length })),
    seconds: (Date.now() - started) / 1000,
  };
}

async function addStore(
  snapshot: StoreSnapshot,
  texts: string[],
  stores: StoreSummary[],
  pageSize: number,
  progress: (line: string) => void,
): Promise<void> {
  const section = new SectionWriter(snapshot.scope);
  section.addKeys(await snapshot.keys());
  for await (const page of snapshot.records(pageSize)) section.addRecords(page);
  for await (const page of snapshot.points(pageSize)) section.addPoints(page);
  for await (const page of snapshot.audit(pageSize)) section.addAudit(page);
  section.addCheckpoints(await snapshot.checkpoints());
  const { text, summary } = section.finish(keysDigest);
  texts.push(text);
  stores.push(summary);
  const records = Object.values(summary.records).reduce((a, b) => a + b, 0);
  const points = Object.values(summary.points).reduce((a, b) => a + b, 0);
  progress(`  ${snapshot.scope}: ${summary.keys} keys, ${records} records, ${points} points, ${summary.audit} audit entries`);
}
