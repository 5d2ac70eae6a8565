// Master-key providers (interface: ./types.ts). The master key only wraps and unwraps the
// tenants' data and index keys (./keyring.ts); it never seals data itself. A KMS-backed provider
// can replace these without touching the keyring.
//
// Key file format: `<dataDir>/master.key` holds the 256-bit key as 64 hexadecimal characters
// followed by a newline (readable when an operator backs it up, no encoding surprises). It is
// created on first start with mode 0600 in a 0700 directory, and the platform refuses to start
// when the file is accessible by group or others (ASVS 4.0.3 V6.4.1: secrets stored with access
// control; the same rule ssh applies to private keys).
import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, mkdir, open, unlink } from 'node:fs/promises';
import { dirname, join, relative, isAbsolute, resolve } from 'node:path';
import { KEY_BYTES, toKeyObject, unwrapKey, wrapKey } from './aead.ts';
import type { Pkcs11Settings } from './pkcs11-master-key.ts';
import type { MasterKeyProvider } from './types.ts';

export const MASTER_KEY_FILE = 'master.key';
/** Written by `npm run keys:rotate-master` before it re-wraps; gone when the rotation finished. */
export const NEXT_MASTER_KEY_FILE = 'master.key.next';
const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/** First 8 hex characters of sha256(key): tells master-key versions apart, reveals nothing useful. */
export function masterKeyFingerprint(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex').slice(0, 8);
}

/** A master key held in process memory (as a KeyObject), whatever its source. */
abstract class LocalMasterKeyProvider implements MasterKeyProvider {
  readonly keyId: string;
  readonly #key: KeyObject;
  readonly #fingerprint: string;

  protected constructor(source: 'file' | 'env', raw: Buffer) {
    if (raw.length !== KEY_BYTES) throw new Error(`master key must be ${KEY_BYTES} bytes`);
    this.#fingerprint = masterKeyFingerprint(raw);
    this.keyId = `${source}:${this.#fingerprint}`;
    this.#key = toKeyObject(raw);
  }

  async wrap(plainKey: Buffer, context: string): Promise<Buffer> {
    if (!context) throw new Error('a wrap context is required');
    return wrapKey(this.#key, plainKey, context);
  }

  async unwrap(wrapped: Buffer, context: string, keyId: string): Promise<Buffer> {
    // Compare fingerprints only, so the same key moved from the file to the environment (or back)
    // still opens what it wrapped.
    const fingerprint = keyId.slice(keyId.indexOf(':') + 1);
    if (fingerprint !== this.#fingerprint) {
      throw new Error(
        `key was wrapped by master key ${keyId}, but the configured master key is ${this.keyId}; ` +
          'configure the master key that wrapped it',
      );
    }
    try {
      return unwrapKey(this.#key, wrapped, context);
    } catch {
      throw new Error(`master key ${this.keyId} could not unwrap the key for ${context}: wrong context or tampered bytes`);
    }
  }
}

/** The default provider: a key file in the data directory, created on first start. */
export class FileMasterKeyProvider extends LocalMasterKeyProvider {
  private constructor(
    readonly path: string,
    raw: Buffer,
  ) {
    super('file', raw);
  }

  /** Reads `<dataDir>/master.key` (or `opts.path`), creating the directory (0700) and the key
   *  (0600) when missing. */
  static async open(dataDir: string, opts: { allowPendingRotation?: boolean; path?: string } = {}): Promise<FileMasterKeyProvider> {
    const path = opts.path ?? join(dataDir, MASTER_KEY_FILE);
    if (!opts.allowPendingRotation && existsSync(nextKeyPath(path))) {
      throw new Error('a master-key rotation was interrupted; run `npm run keys:rotate-master` to finish it before starting');
    }
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const existing = await readKeyFile(path);
    const raw = existing ?? (await createKeyFile(path));
    return new FileMasterKeyProvider(path, raw);
  }
}

/** The key from configuration (`CUSTODIA_MASTER_KEY`, 64 hexadecimal characters). */
export class EnvMasterKeyProvider extends LocalMasterKeyProvider {
  constructor(hex: string) {
    // Never echo the value: it is the key.
    if (typeof hex !== 'string' || !HEX_KEY.test(hex)) {
      throw new Error('master key must be 64 hexadecimal characters (a 256-bit key)');
    }
    super('env', Buffer.from(hex, 'hex'));
  }
}

/** The key file: `CUSTODIA_MASTER_KEY_FILE`, or `master.key` in the data directory. */
export function masterKeyPath(config: { dataDir: string; masterKeyFile?: string }): string {
  return config.masterKeyFile ?? join(config.dataDir, MASTER_KEY_FILE);
}

/** Where a rotation writes the next key before it replaces the current one. */
export const nextKeyPath = (keyPath: string) => `${keyPath}.next`;

/** Pure: whether the key file lies inside the data directory, i.e. a copy of the data directory
 *  (a backup, a stolen disk) carries the key that opens it (ASVS 6.4.1). */
export function keyBesideData(keyPath: string, dataDir: string): boolean {
  const rel = relative(resolve(dataDir), resolve(keyPath));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The HSM token when configured (CUSTODIA_MASTER_KEY_PROVIDER=pkcs11), else the environment key,
 *  otherwise the key file. */
export async function createMasterKeyProvider(
  config: { dataDir: string; masterKeyHex?: string; masterKeyFile?: string; hsm?: Pkcs11Settings },
  opts: { allowPendingRotation?: boolean } = {},
): Promise<MasterKeyProvider> {
  if (config.hsm) {
    // Loaded on demand: the native PKCS#11 binding is only needed by deployments that use it.
    const { Pkcs11MasterKeyProvider } = await import('./pkcs11-master-key.ts');
    return Pkcs11MasterKeyProvider.open(config.hsm);
  }
  if (config.masterKeyHex) return new EnvMasterKeyProvider(config.masterKeyHex);
  return FileMasterKeyProvider.open(config.dataDir, { ...opts, path: masterKeyPath(config) });
}

/** Returns the key bytes, or null when the file does not exist. */
async function readKeyFile(path: string): Promise<Buffer | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    // fstat on the opened handle: the mode checked is the mode of the file actually read.
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`master key ${path} is not a regular file`);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
      throw new Error(
        `master key file ${path} is accessible by group or others (mode ${mode}); refusing to start. ` +
          `Restrict it with: chmod 600 ${path}`,
      );
    }
    const text = (await handle.readFile('utf8')).trim();
    if (!HEX_KEY.test(text)) {
      throw new Error(`master key file ${path} is malformed: expected 64 hexadecimal characters`);
    }
    return Buffer.from(text, 'hex');
  } finally {
    await handle.close();
  }
}

/** Writes a fresh key to a private temporary file, then links it into place: the key file appears
 *  complete or not at all, and a concurrent first start never overwrites another's key. */
async function createKeyFile(path: string): Promise<Buffer> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(`${randomBytes(KEY_BYTES).toString('hex')}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(tmp);
  }
  await syncDirectory(dirname(path));
  const raw = await readKeyFile(path);
  if (!raw) throw new Error(`master key file ${path} disappeared while it was being created`);
  return raw;
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not every platform can fsync a directory; the key file itself is already synced.
  }
}
