// Which master key a backup tool uses: CUSTODIA_MASTER_KEY, a key file, custodians' shares, or
// the data directory's master.key — never a new one (a new key would open nothing).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvMasterKeyProvider, MASTER_KEY_FILE } from '../crypto/master-key.ts';
import { combineMasterKey, loadSecretSharing, parseShare, type SecretSharing } from './escrow.ts';

export interface MasterKeySources {
  envHex?: string | undefined;
  keyFile?: string | undefined;
  shareFiles?: readonly string[] | undefined;
  dataDir?: string | undefined;
  loadSharing?: () => Promise<SecretSharing>;
}

/** The raw key and where it came from. */
export async function readMasterKey(src: MasterKeySources): Promise<{ key: Buffer; from: string }> {
  if (src.shareFiles && src.shareFiles.length > 0) {
    const files = await Promise.all(src.shareFiles.map(async (f) => parseShare(await readFile(f, 'utf8'))));
    const key = await combineMasterKey(await (src.loadSharing ?? loadSecretSharing)(), files);
    return { key, from: `${files.length} custodian shares` };
  }
  if (src.envHex) {
    new EnvMasterKeyProvider(src.envHex); // validates the value without echoing it
    return { key: Buffer.from(src.envHex, 'hex'), from: 'CUSTODIA_MASTER_KEY' };
  }
  const file = src.keyFile ?? (src.dataDir ? join(src.dataDir, MASTER_KEY_FILE) : undefined);
  if (file && existsSync(file)) {
    const text = (await readFile(file, 'utf8')).trim();
    if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new Error(`${file} is not a master key file (64 hexadecimal characters)`);
    return { key: Buffer.from(text, 'hex'), from: file };
  }
  throw new Error('no master key: set CUSTODIA_MASTER_KEY, pass --master-key-file, or give custodian shares with --shares');
}

export const providerFor = (key: Buffer) => new EnvMasterKeyProvider(key.toString('hex'));
