// `npm run keys:rotate-master`: replaces the master key while the platform is stopped. Every
// wrapped key is re-wrapped (no data is re-encrypted); the old key file is replaced atomically
// at the end. With the key file (default): the new key is first written to master.key.next
// (0600), so an interrupted rotation is finished by running the command again, and the platform
// refuses to start until it is. With CUSTODIA_MASTER_KEY: the new key is printed once; set it
// before the next start. With CUSTODIA_MASTER_KEY_PROVIDER=pkcs11: the key file's keys move into
// the HSM token (docs/keys.md): each is re-wrapped by the token and checked before it is stored;
// the key file then opens nothing and is removed with --remove-file-key. Every run is audited
// in the platform scope. Inside the token: `-- --to-key-label <new>` generates a new key there and
// moves every key to it.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createAudit } from '../platform/audit/log.ts';
import { loadOrCreateAuditSigner } from '../platform/audit/signer.ts';
import { loadConfig, type Config } from '../platform/config.ts';
import { createKeyring } from '../platform/crypto/keyring.ts';
import { createMasterKeyProvider, EnvMasterKeyProvider, masterKeyPath, nextKeyPath } from '../platform/crypto/master-key.ts';
import { rewrapUnderNewMaster, type RewrapReport } from '../platform/crypto/master-rotation.ts';
import type { MasterKeyProvider } from '../platform/crypto/types.ts';
import { acquireDataLock } from '../platform/data-lock.ts';
import { Scopes } from '../platform/services/scopes.ts';
import { createStorage } from '../platform/storage/index.ts';
import { PLATFORM_SCOPE, type StorageProvider as Storage } from '../platform/storage/port.ts';
import { TenantRegistry } from '../platform/tenancy/tenants.ts';

export interface RotationResult {
  rewrapped: number;
  alreadyNew: number;
  newKeyHex?: string;
  /** File → HSM: the key file that no longer wraps anything, and whether it was removed. */
  fileKey?: { path: string; removed: boolean };
  /** HSM → HSM: the label to configure as CUSTODIA_PKCS11_KEY_LABEL from now on. */
  newKeyLabel?: string;
}

export interface RotationOptions {
  /** File → HSM: delete the key file once every key is re-wrapped by the token and checked. */
  removeFileKey?: boolean;
  /** HSM → HSM: the label of the token key to move to (generated when missing); set
   *  CUSTODIA_PKCS11_KEY_LABEL to it before the next start. */
  toKeyLabel?: string;
}

export async function rotateMasterKey(config: Config, opts: RotationOptions = {}): Promise<RotationResult> {
  const lock = await acquireDataLock(config.dataDir);
  const storage = await createStorage(config);
  try {
    if (config.hsm && opts.toKeyLabel) return await rotateInsideHsm({ ...config, hsm: config.hsm }, storage, opts.toKeyLabel);
    if (config.hsm) return await moveIntoHsm(config, storage, opts);
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
    const report = await rewrapAll(storage, from, to);
    if (config.masterKeyHex) return { ...report, newKeyHex: nextHex };
    await rename(nextFile, masterKeyPath(config));
    return report;
  } finally {
    await storage.close();
    await lock.release();
  }
}

/** File → HSM: the key file is the current key, the token's key the new one. */
async function moveIntoHsm(config: Config, storage: Storage, opts: { removeFileKey?: boolean }): Promise<RotationResult> {
  const keyFile = masterKeyPath(config);
  if (!existsSync(keyFile)) {
    throw new Error(
      `CUSTODIA_MASTER_KEY_PROVIDER=pkcs11 moves the key file's keys into the token, but there is no key file at ${keyFile}; ` +
        'nothing to move (to replace the token key itself, pass --to-key-label <new label>)',
    );
  }
  const from = await createMasterKeyProvider({ dataDir: config.dataDir, masterKeyFile: keyFile }, { allowPendingRotation: true });
  const to = await createMasterKeyProvider(config);
  try {
    const report = await rewrapAll(storage, from, to);
    // Every key is now wrapped by the token and was checked to unwrap: the file opens nothing.
    if (opts.removeFileKey) await unlink(keyFile);
    return { ...report, fileKey: { path: keyFile, removed: Boolean(opts.removeFileKey) } };
  } finally {
    await to.close?.();
  }
}

/** HSM → HSM: a new key in the same token replaces the configured one. */
async function rotateInsideHsm(config: Config & { hsm: NonNullable<Config['hsm']> }, storage: Storage, toKeyLabel: string): Promise<RotationResult> {
  if (toKeyLabel === config.hsm.keyLabel) throw new Error(`--to-key-label must name a new key, not the current one (${toKeyLabel})`);
  const from = await createMasterKeyProvider(config);
  try {
    const to = await createMasterKeyProvider({ ...config, hsm: { ...config.hsm, keyLabel: toKeyLabel } });
    try {
      return { ...(await rewrapAll(storage, from, to)), newKeyLabel: toKeyLabel };
    } finally {
      await to.close?.();
    }
  } finally {
    await from.close?.();
  }
}

async function rewrapAll(storage: Storage, from: MasterKeyProvider, to: MasterKeyProvider): Promise<RewrapReport> {
  const scopes: Scopes = new Scopes(storage, createKeyring({ master: from, storeFor: (s) => scopes.store(s) }));
  const tenants = await new TenantRegistry(await scopes.records(PLATFORM_SCOPE), storage, scopes.keyring).list();
  const stores = [PLATFORM_SCOPE, ...tenants.map((t) => t.id)];
  const report = await rewrapUnderNewMaster({
    stores: await Promise.all(stores.map(async (scope) => ({ scope, store: await scopes.store(scope) }))),
    from,
    to,
  });
  // Audited with the signing key as now wrapped by the new master key.
  const signer = await loadOrCreateAuditSigner({ master: to, store: await storage.platform() });
  const audit = createAudit({ storeFor: (s) => scopes.store(s), signer });
  await audit.record(PLATFORM_SCOPE, {
    actor: 'system:keys-rotate-master',
    action: 'key.master.rotate',
    target: to.keyId,
    outcome: 'success',
    details: { from: from.keyId, to: to.keyId, rewrapped: report.rewrapped, alreadyNew: report.alreadyNew, scopes: report.scopes },
  });
  await audit.close();
  return report;
}

if (process.argv[1]?.endsWith('rotate-master-key.ts')) {
  const labelAt = process.argv.indexOf('--to-key-label');
  const toKeyLabel = labelAt > 0 ? process.argv[labelAt + 1] : undefined;
  rotateMasterKey(loadConfig(), { removeFileKey: process.argv.includes('--remove-file-key'), ...(toKeyLabel ? { toKeyLabel } : {}) })
    .then((r) => {
      console.log(`master key rotated: ${r.rewrapped} keys re-wrapped${r.alreadyNew ? `, ${r.alreadyNew} already under the new key` : ''}; no data was re-encrypted`);
      if (r.newKeyHex) console.log(`set CUSTODIA_MASTER_KEY=${r.newKeyHex} before the next start (shown once)`);
      if (r.fileKey?.removed) console.log(`the key file ${r.fileKey.path} opened nothing any more and was removed`);
      else if (r.newKeyLabel) console.log(`set CUSTODIA_PKCS11_KEY_LABEL=${r.newKeyLabel} before the next start; the old token key then opens nothing and can be destroyed`);
      else if (r.fileKey) console.log(`every key is now wrapped in the token; remove ${r.fileKey.path} (and its copies) or rerun with --remove-file-key`);
    })
    .catch((err: unknown) => {
      console.error(`keys:rotate-master failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
