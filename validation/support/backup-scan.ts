// Evidence for the residency of backups: what identifies a tenant's data (its id, the tails of
// its sealed bodies and wrapped keys, its audit hashes), and every backup on a set of targets
// rebuilt and laid out as bytes, so a scan sees through the compression of the shards.
import { providerFor, readMasterKey } from '../../platform/backup/master-key-source.ts';
import { rebuildBackup } from '../../platform/backup/rebuild.ts';
import { sqliteSnapshots } from '../../platform/backup/snapshot.ts';
import { closeTargets, targetFor } from '../../platform/backup/targets.ts';

const TAIL = 24;

export async function tenantNeedles(dataDir: string, tenant: string): Promise<(string | Buffer)[]> {
  const snapshot = await sqliteSnapshots(dataDir).open(tenant);
  const out: (string | Buffer)[] = [tenant];
  try {
    for (const k of await snapshot.keys()) out.push(k.wrapped.subarray(-TAIL));
    for await (const page of snapshot.records(500)) for (const r of page) out.push(r.body.subarray(-TAIL));
    for await (const page of snapshot.points(500)) for (const p of page) out.push(p.body.subarray(-TAIL));
    for await (const page of snapshot.audit(500)) for (const e of page) out.push(e.hash);
  } finally {
    await snapshot.close();
  }
  return out;
}

/** Every backup on these targets, rebuilt with the master key of `masterDir`. */
export async function decodedBackups(locations: readonly string[], masterDir: string): Promise<{ ids: string[]; scopes: string[]; bytes: Buffer }> {
  const { key } = await readMasterKey({ dataDir: masterDir });
  const targets = locations.map(targetFor);
  try {
    const ids = [...new Set((await Promise.all(targets.map((t) => t.list()))).flat())].sort();
    const scopes: string[] = [];
    const parts: Buffer[] = [];
    for (const backupId of ids) {
      const backup = await rebuildBackup({ targets, master: providerFor(key), backupId });
      for (const s of backup.sections) {
        scopes.push(s.scope);
        parts.push(Buffer.from(JSON.stringify(s)), ...s.keys.map((k) => k.wrapped), ...s.records.map((r) => r.body), ...s.points.map((p) => p.body));
      }
    }
    return { ids, scopes, bytes: Buffer.concat(parts) };
  } finally {
    key.fill(0);
    closeTargets(targets);
  }
}

/** How many of the needles occur in the bytes. */
export const hitsIn = (bytes: Buffer, needles: readonly (string | Buffer)[]) => needles.filter((n) => bytes.includes(typeof n === 'string' ? Buffer.from(n) : n)).length;
