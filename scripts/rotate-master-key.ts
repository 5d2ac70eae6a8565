// `npm run keys:rotate-master`: replaces the master key while the platform is stopped. Every
// wrapped key is re-wrapped (no data is re-encrypted); the old key file is replaced atomically
// at the end. With the key file (default): the new key is first written to master.key.next
// (0600), so an interrupted rotation is finished by running the command again, and the platform
// refuses to start until it is. With CUSTODIA_MASTER_KEY: the new key is printed once; set it
// before the next start.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig, type Config } from '../platform/config.ts';
import { createKeyring } from '../platform/crypto/keyring.ts';
import { createMasterKeyProvider, EnvMasterKeyProvider, masterKeyPath, nextKeyPath } from '../platform/crypto/master-key.ts';
import { rewrapUnderNewMaster } from '../platform/crypto/master-rotation.ts';
import { acquireDataLock } from '../platform/data-lock.ts';
import { Scopes } from '../platform/services/scopes.ts';
import { createStorage } from '../platform/storage/index.ts';
import { PLATFORM_SCOPE } from '../platform/storage/port.ts';
import { TenantRegistry } from '../platform/tenancy/tenants.ts';

export async function rotateMasterKey(config: Config): Promise<{ rewrapped: number; alreadyNew: number; newKeyHex?: string }> {
  const lock = await acquireDataLock(config.dataDir);
  const storage = await createStorage(config);
  try {
    const nextFile = nextKeyPath(masterKeyPath(config));
    let nextHex: string;
    if (config.masterKeyHex) nextHex = randomBytes(32).toString('hex');
    else if (existsSync(nextFile)) nextHex = (await readFile(nextFile, 'utf8')).trim();
    else {
      nextHex = randomBytes(32).toString('hex');
      const handle = await open(nextFile, 'wx', 0o600);
      await handle.writeFile(`${nextHex}\n`);
      await handle.sync();
      await handle.close();
    }
    // The current key: the configured one (the platform refuses to start while .next exists,
    // so open the provider before reading it as current).
    const from = await createMasterKeyProvider(config, { allowPendingRotation: true });
    const to = new EnvMasterKeyProvider(nextHex);
    const scopes: Scopes = new Scopes(storage, createKeyring({ master: from, storeFor: (s) => scopes.store(s) }));
    const tenants = await new TenantRegistry(await scopes.records(PLATFORM_SCOPE), storage, scopes.keyring).list();
    const stores = [PLATFORM_SCOPE, ...tenants.map((t) => t.id)];
    const report = await rewrapUnderNewMaster({
      stores: await Promise.all(stores.map(async (scope) => ({ scope, store: await scopes.store(scope) }))),
      from,
      to,
    });
    if (config.masterKeyHex) return { ...report, newKeyHex: nextHex };
    await rename(nextFile, masterKeyPath(config));
    return report;
  } finally {
    await storage.close();
    await lock.release();
  }
}

if (process.argv[1]?.endsWith('rotate-master-key.ts')) {
  rotateMasterKey(loadConfig())
    .then((r) => {
      console.log(`master key rotated: ${r.rewrapped} keys re-wrapped${r.alreadyNew ? `, ${r.alreadyNew} already under the new key` : ''}; no data was re-encrypted`);
      if (r.newKeyHex) console.log(`set CUSTODIA_MASTER_KEY=${r.newKeyHex} before the next start (shown once)`);
    })
    .catch((err: unknown) => {
      console.error(`keys:rotate-master failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
