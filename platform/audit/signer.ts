// The Ed25519 key that signs audit checkpoints. Its private half is stored only wrapped by the
// master key (platform store, scope "audit-signing", version 1); its public half is exported as
// audit-signing.pub.pem so anyone holding that file can verify a chain (./verify.ts).
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as signWith,
  verify as verifyWith,
  type KeyObject,
} from 'node:crypto';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MasterKeyProvider } from '../crypto/types.ts';
import type { Store, StoredKey } from '../storage/port.ts';

export const AUDIT_SIGNING_SCOPE = 'audit-signing';
export const AUDIT_SIGNING_VERSION = 1;
/** Wrapping context: a wrapped audit key cannot be unwrapped as any other kind of key. */
export const AUDIT_SIGNING_CONTEXT = 'custodia-audit-signing|v1';
export const PUBLIC_KEY_FILE = 'audit-signing.pub.pem';

export interface AuditSigner {
  /** First 16 hex characters of sha256 over the public key (SPKI DER). */
  readonly keyId: string;
  readonly publicKeyPem: string;
  sign(data: Buffer): Buffer;
  verify(data: Buffer, signature: Buffer): boolean;
  /** Writes `audit-signing.pub.pem` into `dir` (created if needed); returns the file's path. */
  exportPublicKey(dir: string): Promise<string>;
}

export function auditKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** A signer over an Ed25519 private key already in hand (tests, tools). */
export function createAuditSigner(privateKey: KeyObject): AuditSigner {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError('the audit signer needs an Ed25519 private key');
  }
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    keyId: auditKeyId(publicKey),
    publicKeyPem,
    sign: (data) => signWith(null, data, privateKey),
    verify: (data, signature) => {
      try {
        return verifyWith(null, data, publicKey, signature);
      } catch {
        return false;
      }
    },
    exportPublicKey: (dir) => writePublicKeyFile(publicKeyPem, dir),
  };
}

export interface LoadAuditSignerOptions {
  master: MasterKeyProvider;
  /** The platform store. */
  store: Pick<Store, 'getKeys' | 'putKey'>;
  now?: () => number;
}

/** Loads the audit signing key, creating and storing it (wrapped) on first use. */
export async function loadOrCreateAuditSigner({ master, store, now = Date.now }: LoadAuditSignerOptions): Promise<AuditSigner> {
  const existing = pickKey(await store.getKeys(AUDIT_SIGNING_SCOPE));
  if (existing) return unwrapSigner(master, existing);

  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  try {
    const wrapped = await master.wrap(der, AUDIT_SIGNING_CONTEXT);
    await store.putKey({
      scope: AUDIT_SIGNING_SCOPE,
      version: AUDIT_SIGNING_VERSION,
      wrapped,
      wrappedBy: master.keyId,
      createdAt: now(),
    });
  } finally {
    der.fill(0);
  }
  // Read back what was stored, so the signer in use is always the one a later start reloads.
  const stored = pickKey(await store.getKeys(AUDIT_SIGNING_SCOPE));
  if (!stored) throw new Error('the audit signing key could not be stored');
  return unwrapSigner(master, stored);
}

function pickKey(keys: StoredKey[]): StoredKey | undefined {
  return keys.find((k) => k.scope === AUDIT_SIGNING_SCOPE && k.version === AUDIT_SIGNING_VERSION);
}

async function unwrapSigner(master: MasterKeyProvider, stored: StoredKey): Promise<AuditSigner> {
  const der = await master.unwrap(stored.wrapped, AUDIT_SIGNING_CONTEXT, stored.wrappedBy);
  try {
    return createAuditSigner(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  } finally {
    der.fill(0);
  }
}

async function writePublicKeyFile(publicKeyPem: string, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, PUBLIC_KEY_FILE);
  // Write then rename: a verifier never reads a half-written key. Public, so world-readable.
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, publicKeyPem, { mode: 0o644 });
  await chmod(temp, 0o644);
  await rename(temp, file);
  return file;
}
