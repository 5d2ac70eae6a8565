// A small real platform state for the backup tests: sqlite stores in a temporary data
// directory, the real keyring, sealed records and points, audit chains with signed checkpoints.
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAudit } from '../../platform/audit/log.ts';
import { loadOrCreateAuditSigner } from '../../platform/audit/signer.ts';
import { createKeyring } from '../../platform/crypto/keyring.ts';
import { EnvMasterKeyProvider } from '../../platform/crypto/master-key.ts';
import { Scopes } from '../../platform/services/scopes.ts';
import { PLATFORM_SCOPE } from '../../platform/storage/port.ts';
import { createSqliteStorage } from '../../platform/storage/sqlite/index.ts';
import type { BackupTarget } from '../../platform/backup/targets.ts';

export const MASTER_HEX = 'ab'.repeat(32);

/** Opens (or creates) a data directory with the real adapter, keyring and audit log. */
export async function openRig(dataDir = mkdtempSync(join(tmpdir(), 'custodia-backup-')), masterHex = MASTER_HEX) {
  const master = new EnvMasterKeyProvider(masterHex);
  const storage = await createSqliteStorage({ dataDir });
  const scopes: Scopes = new Scopes(storage, createKeyring({ master, storeFor: (s) => scopes.store(s) }));
  const signer = await loadOrCreateAuditSigner({ master, store: await storage.platform() });
  const audit = createAudit({ storeFor: (s) => scopes.store(s), signer, checkpointEvery: 3 });
  return {
    dataDir,
    master,
    storage,
    scopes,
    signer,
    audit,
    /** Sealed records, points and audit entries for one tenant, tagged so tests can tell them apart. */
    async fill(tenant: string, tag: string, n = 5) {
      const records = await scopes.records(tenant);
      for (let i = 0; i < n; i++) await records.put('note', `${tag}-${i}`, { text: `${tag} note ${i}` }, { subject: i % 2 ? `subj-${i}` : null });
      const store = await scopes.store(tenant);
      const points = await Promise.all(
        Array.from({ length: n }, async (_, i) => ({
          series: 'dev-1',
          id: `${tag}-p${i}`,
          ts: 1_700_000_000_000 + i,
          subject: null,
          body: await scopes.keyring.sealJson({ tenant, collection: 'series', id: `${tag}-p${i}` }, { value: i }),
        })),
      );
      await store.commit({ points });
      for (let i = 0; i < n; i++) await audit.record(tenant, { actor: 'system:test', action: 'test.write', target: `note:${tag}-${i}`, outcome: 'success' });
      await audit.record(PLATFORM_SCOPE, { actor: 'system:test', action: 'test.fill', target: `tenant:${tenant}`, outcome: 'success' });
    },
    async close({ remove = true } = {}) {
      await audit.close();
      await storage.close();
      if (remove) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Targets in memory, for tests of what rebuild makes of damaged targets. */
export class MemoryTarget implements BackupTarget {
  readonly objects = new Map<string, Buffer>();
  constructor(readonly label: string) {}
  async put(id: string, name: string, data: Uint8Array) {
    this.objects.set(`${id}/${name}`, Buffer.from(data));
  }
  async get(id: string, name: string) {
    return this.objects.get(`${id}/${name}`) ?? null;
  }
  async list() {
    return [...new Set([...this.objects.keys()].map((k) => k.split('/')[0]!))].sort();
  }
}
