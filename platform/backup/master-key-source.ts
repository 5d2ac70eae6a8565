// Which master key a backup tool uses, first found of: custodians' shares, a key file named on the
// command line, CUSTODIA_MASTER_KEY, the data directory's master.key — never a new one (a new key
// would open nothing).
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

async function readKeyFile(file: string): Promise<{ key: Buffer; from: string }> {
  const text = (await readFile(file, 'utf8')).trim();
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new Error(`${file} is not a master key file (64 hexadecimal characters)`);
  return { key: Buffer.from(text, 'hex'), from: file };
}
