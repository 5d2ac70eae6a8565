// Reading a backup back from its targets: finds a manifest whose signature verifies under the
// platform audit key (derived from the wrapped key with the master key, so a forged manifest
// cannot name its own key), checks every shard against the manifest's hashes, and rebuilds the
// bundle from any k good shards. Each target gets a verdict the restore report prints.
import { createPrivateKey } from 'node:crypto';
import { AUDIT_SIGNING_CONTEXT, createAuditSigner, type AuditSigner } from '../audit/signer.ts';
import type { MasterKeyProvider } from '../crypto/types.ts';
import { reedSolomon, type ErasureCodec } from './erasure.ts';
import { manifestPayload, parseSignedManifest, sha256, unpackBundle, type Manifest, type StoreSection } from './format.ts';
import { MANIFEST_FILE, shardFile, type BackupTarget } from './targets.ts';

export interface TargetVerdict {
  label: string;
  /** Shard index found on the target, when one was. */
  shard: number | null;
  ok: boolean;
  /** What is wrong, in a few words ("shard missing", "shard altered (hash differs)"…). */
  problem?: string;
}

export interface RebuiltBackup {
  manifest: Manifest;
  signer: AuditSigner;
  sections: StoreSection[];
  targets: TargetVerdict[];
}

export interface RebuildOptions {
  targets: readonly BackupTarget[];
  master: MasterKeyProvider;
  /** Default: the newest backup id found on any target. */
  backupId?: string;
  /** When given, the signing key must also match this published key (audit-signing.pub.pem). */
  publicKeyPem?: string;
  codec?: ErasureCodec;
}

async function signerOf(manifest: Manifest, master: MasterKeyProvider): Promise<AuditSigner> {
  const der = await master.unwrap(Buffer.from(manifest.signer.wrapped, 'base64'), AUDIT_SIGNING_CONTEXT, manifest.signer.wrappedBy);
  try {
    return createAuditSigner(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  } finally {
    der.fill(0);
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function rebuildBackup(opts: RebuildOptions): Promise<RebuiltBackup> {
  const codec = opts.codec ?? reedSolomon;
  const id = opts.backupId ?? (await newestId(opts.targets));

  // 1. A manifest that verifies. Every target holds a copy; a damaged copy only marks its target.
  const manifestProblems = new Map<number, string>();
  let chosen: { manifest: Manifest; signer: AuditSigner; text: string } | undefined;
  const texts = await Promise.all(opts.targets.map((t) => t.get(id, MANIFEST_FILE).catch((err: unknown) => new Error(message(err)))));
  for (const [i, raw] of texts.entries()) {
    if (raw === null) {
      manifestProblems.set(i, 'manifest missing');
      continue;
    }
    if (raw instanceof Error) {
      manifestProblems.set(i, `unreadable (${raw.message})`);
      continue;
    }
    const text = raw.toString('utf8');
    if (chosen) {
      if (text !== chosen.text) manifestProblems.set(i, 'manifest differs from the verified copy');
      continue;
    }
    try {
      const signed = parseSignedManifest(text);
      if (signed.manifest.id !== id) throw new Error(`manifest names backup ${signed.manifest.id}`);
      const signer = await signerOf(signed.manifest, opts.master);
      if (signer.keyId !== signed.manifest.signer.keyId) throw new Error('manifest names another signing key');
      if (!signer.verify(manifestPayload(signed.manifest), Buffer.from(signed.signature, 'base64'))) {
        throw new Error('manifest signature does not verify');
      }
      if (opts.publicKeyPem !== undefined && opts.publicKeyPem.trim() !== signer.publicKeyPem.trim()) {
        throw new Error('manifest was signed by a key other than the published audit key');
      }
      chosen = { manifest: signed.manifest, signer, text };
    } catch (err) {
      manifestProblems.set(i, `manifest rejected: ${message(err)}`);
    }
  }
  if (!chosen) {
    const why = opts.targets.map((t, i) => `${t.label}: ${manifestProblems.get(i) ?? 'no manifest'}`).join('; ');
    throw new Error(`no target holds a valid signed manifest for backup ${id} (${why})`);
  }
  const { manifest, signer } = chosen;
  const { k, n, shardBytes } = manifest.erasure;

  // 2. Shards, each judged by its hash in the manifest.
  const good = new Map<number, Uint8Array>();
  const verdicts: TargetVerdict[] = [];
  await Promise.all(
    opts.targets.map(async (target, i) => {
      const found = await findShard(target, id, n).catch((err: unknown) => ({ error: message(err) }));
      let verdict: TargetVerdict;
      if ('error' in found) verdict = { label: target.label, shard: null, ok: false, problem: `unreadable (${found.error})` };
      else if (found.index === null) verdict = { label: target.label, shard: null, ok: false, problem: 'shard missing' };
      else {
        const { index, data } = found;
        const expected = manifest.erasure.shards.find((s) => s.index === index);
        if (!expected) verdict = { label: target.label, shard: index, ok: false, problem: `shard ${index} is not in the manifest` };
        else if (data.length !== shardBytes)
          verdict = { label: target.label, shard: index, ok: false, problem: `shard ${index} truncated (${data.length} of ${shardBytes} bytes)` };
        else if (sha256(data) !== expected.sha256)
          verdict = { label: target.label, shard: index, ok: false, problem: `shard ${index} altered (hash differs)` };
        else if (good.has(index)) verdict = { label: target.label, shard: index, ok: true, problem: `duplicate of shard ${index}` };
        else {
          good.set(index, data);
          verdict = { label: target.label, shard: index, ok: true };
        }
      }
      const manifestProblem = manifestProblems.get(i);
      if (manifestProblem) verdict = { ...verdict, ok: false, problem: [verdict.problem, manifestProblem].filter(Boolean).join('; ') };
      verdicts[i] = verdict;
    }),
  );
  if (good.size < k) {
    const bad = verdicts.filter((v) => !v.ok || v.problem).map((v) => `${v.label}: ${v.problem}`);
    const present = new Set(good.keys());
    const missing = manifest.erasure.shards.map((s) => s.index).filter((s) => !present.has(s));
    throw new Error(
      `backup ${id} cannot be restored: ${good.size} intact shard(s), ${k} needed; ` +
        `shards missing or damaged: ${missing.join(', ')}${bad.length ? ` (${bad.join('; ')})` : ''}` +
        (opts.backupId ? '' : '; an older backup can be chosen with --id'),
    );
  }

  // 3. The bundle: rebuilt, hashed, then split into stores whose content hashes must match.
  const bundle = codec.decode(good, k, n, manifest.bundle.bytes);
  if (sha256(bundle) !== manifest.bundle.sha256) throw new Error(`backup ${id}: the rebuilt bundle does not match its hash`);
  const sections = unpackBundle(bundle, manifest.stores);
  return { manifest, signer, sections, targets: verdicts };
}

/** The shard a target holds (a target holds one; its index is in the file name). */
async function findShard(target: BackupTarget, id: string, n: number): Promise<{ index: number | null; data: Buffer }> {
  for (let index = 0; index < n; index++) {
    const data = await target.get(id, shardFile(index));
    if (data) return { index, data };
  }
  return { index: null, data: Buffer.alloc(0) };
}

async function newestId(targets: readonly BackupTarget[]): Promise<string> {
  const ids = (await Promise.all(targets.map((t) => t.list().catch(() => [] as string[])))).flat().sort();
  const newest = ids.at(-1);
  if (!newest) throw new Error(`no backup found on ${targets.map((t) => t.label).join(', ')}`);
  return newest;
}
