// Master-key escrow: the master key split into Shamir shares for custodians, any `threshold` of
// which rebuild it (`npm run keys:escrow`, `npm run restore -- --shares …`). The arithmetic is
// left to a maintained, audited library behind `SecretSharing`; only the share files are ours.
// Without the master key (or enough shares) a backup is unreadable: it holds only sealed data and
// keys wrapped by the master key.
import { createHash } from 'node:crypto';

export interface SecretSharing {
  split(secret: Uint8Array, shares: number, threshold: number): Promise<Uint8Array[]>;
  combine(shares: Uint8Array[]): Promise<Uint8Array>;
}

/** The npm package this build expects (audited, zero-dependency); loaded only when escrow is used. */
export const SHAMIR_PACKAGE = 'shamir-secret-sharing';

/** A computed specifier: the package is optional, and the type checker must not require it. */
export async function loadSecretSharing(specifier: string = SHAMIR_PACKAGE): Promise<SecretSharing> {
  let mod: Partial<SecretSharing>;
  try {
    mod = (await import(specifier)) as Partial<SecretSharing>;
  } catch {
    throw new Error(`master-key escrow needs the npm package ${SHAMIR_PACKAGE}, which is not installed`);
  }
  if (typeof mod.split !== 'function' || typeof mod.combine !== 'function') {
    throw new Error(`${SHAMIR_PACKAGE} does not export split and combine`);
  }
  return { split: mod.split, combine: mod.combine };
}

const SHARE_HEADER = 'custodia-master-key-share/1';

/** First 8 hex characters of sha256(key), as master-key ids show it (platform/crypto/master-key.ts). */
export const fingerprintOf = (key: Uint8Array) => createHash('sha256').update(key).digest('hex').slice(0, 8);

export interface ShareFile {
  /** Fingerprint of the master key the share belongs to (reveals nothing about the key). */
  fingerprint: string;
  threshold: number;
  shares: number;
  number: number;
  share: Buffer;
}

export function formatShare(s: ShareFile): string {
  return [
    SHARE_HEADER,
    `master-key ${s.fingerprint}`,
    `share ${s.number} of ${s.shares}, any ${s.threshold} rebuild the key`,
    s.share.toString('hex'),
    '',
  ].join('\n');
}

export function parseShare(text: string): ShareFile {
  const lines = text.trim().split('\n').map((l) => l.trim());
  const fp = /^master-key ([0-9a-f]{8})$/.exec(lines[1] ?? '');
  const of = /^share (\d+) of (\d+), any (\d+) rebuild the key$/.exec(lines[2] ?? '');
  const hex = lines[3] ?? '';
  if (lines[0] !== SHARE_HEADER || !fp || !of || !/^(?:[0-9a-f]{2})+$/.test(hex)) throw new Error('not a Custodia master-key share file');
  return { fingerprint: fp[1]!, number: Number(of[1]), shares: Number(of[2]), threshold: Number(of[3]), share: Buffer.from(hex, 'hex') };
}

export async function splitMasterKey(sss: SecretSharing, key: Buffer, shares: number, threshold: number): Promise<ShareFile[]> {
  if (!Number.isInteger(threshold) || !Number.isInteger(shares) || threshold < 2 || shares < threshold || shares > 255) {
    throw new Error(`need 2 ≤ threshold ≤ shares ≤ 255, got ${threshold} of ${shares}`);
  }
  // The library wants plain Uint8Arrays (not Buffers); the copy is wiped once split.
  const plain = new Uint8Array(key);
  const parts = await sss.split(plain, shares, threshold).finally(() => plain.fill(0));
  const fingerprint = fingerprintOf(key);
  return parts.map((share, i) => ({ fingerprint, threshold, shares, number: i + 1, share: Buffer.from(share) }));
}

/** Rebuilds the key from share files; all must belong to one key and be enough of them. */
export async function combineMasterKey(sss: SecretSharing, files: readonly ShareFile[]): Promise<Buffer> {
  if (files.length === 0) throw new Error('no shares given');
  const { fingerprint, threshold } = files[0]!;
  if (files.some((f) => f.fingerprint !== fingerprint)) throw new Error('the shares belong to different master keys');
  const distinct = new Map(files.map((f) => [f.number, f]));
  if (distinct.size < threshold) throw new Error(`${distinct.size} distinct share(s) given, ${threshold} needed`);
  const rebuilt = await sss.combine([...distinct.values()].map((f) => new Uint8Array(f.share)));
  const key = Buffer.from(rebuilt);
  rebuilt.fill(0);
  if (fingerprintOf(key) !== fingerprint) throw new Error('the shares do not rebuild the master key they name (a share is damaged)');
  return key;
}
