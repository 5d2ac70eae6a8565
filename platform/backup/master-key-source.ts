// Which master key a backup tool uses, first found of: custodians' shares, a key file named on the
// command line, CUSTODIA_MASTER_KEY, the data directory's master.key — never a new one (a new key
// would open nothing). Under CUSTODIA_MASTER_KEY_PROVIDER=pkcs11 the key never leaves its token:
// the tools open the token as the platform does and every wrap and unwrap happens inside it.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvMasterKeyProvider, MASTER_KEY_FILE, createMasterKeyProvider } from '../crypto/master-key.ts';
import type { MasterKeyProvider } from '../crypto/types.ts';
import type { Pkcs11Settings } from '../crypto/pkcs11-master-key.ts';
import { combineMasterKey, loadSecretSharing, parseShare, type SecretSharing } from './escrow.ts';

export interface MasterKeySources {
  envHex?: string | undefined;
  keyFile?: string | undefined;
  shareFiles?: readonly string[] | undefined;
  dataDir?: string | undefined;
  loadSharing?: () => Promise<SecretSharing>;
  /** Mention restore's --master-key-file and --shares in the error. */
  offerFlags?: boolean;
}

/** The raw key and where it came from. */
export async function readMasterKey(src: MasterKeySources): Promise<{ key: Buffer; from: string }> {
  if (src.shareFiles && src.shareFiles.length > 0) {
    const files = await Promise.all(src.shareFiles.map(async (f) => parseShare(await readFile(f, 'utf8'))));
    const key = await combineMasterKey(await (src.loadSharing ?? loadSecretSharing)(), files);
    return { key, from: `${files.length} custodian shares` };
  }
  if (src.keyFile) return readKeyFile(src.keyFile);
  if (src.envHex) {
    new EnvMasterKeyProvider(src.envHex); // validates the value without echoing it
    return { key: Buffer.from(src.envHex, 'hex'), from: 'CUSTODIA_MASTER_KEY' };
  }
  if (src.dataDir && existsSync(join(src.dataDir, MASTER_KEY_FILE))) return readKeyFile(join(src.dataDir, MASTER_KEY_FILE));
  const where = src.dataDir ? ` or keep ${join(src.dataDir, MASTER_KEY_FILE)}` : '';
  throw new Error(`no master key: set CUSTODIA_MASTER_KEY${where}${src.offerFlags ? ', pass --master-key-file, or give custodian shares with --shares' : ''}`);
}

export const providerFor = (key: Buffer) => new EnvMasterKeyProvider(key.toString('hex'));

export interface ToolMasterKey {
  master: MasterKeyProvider;
  from: string;
  /** The raw key when the tool holds one (never for a token); zeroed by `close`. */
  key: Buffer | null;
  close(): Promise<void>;
}

/** The master key a tool works with: custodians' shares or a key file named on the command line
 *  first (a restore on a machine without the token), then the platform's token when configured,
 *  then the raw key as readMasterKey finds it. */
export async function openToolMasterKey(src: MasterKeySources & { hsm?: Pkcs11Settings | undefined }): Promise<ToolMasterKey> {
  const explicit = Boolean(src.keyFile) || (src.shareFiles?.length ?? 0) > 0;
  if (src.hsm && !explicit) {
    const master = await createMasterKeyProvider({ dataDir: src.dataDir ?? '.', hsm: src.hsm });
    const label = src.hsm.tokenLabel ?? `slot ${src.hsm.slot ?? 0}`;
    const closable = master as MasterKeyProvider & { close?: () => Promise<void> };
    return { master, from: `PKCS#11 token "${label}", key "${src.hsm.keyLabel}"`, key: null, close: async () => closable.close?.() };
  }
  const { key, from } = await readMasterKey(src);
  return { master: providerFor(key), from, key, close: async () => void key.fill(0) };
}

async function readKeyFile(file: string): Promise<{ key: Buffer; from: string }> {
  const text = (await readFile(file, 'utf8')).trim();
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new Error(`${file} is not a master key file (64 hexadecimal characters)`);
  return { key: Buffer.from(text, 'hex'), from: file };
}
