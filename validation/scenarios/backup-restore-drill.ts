// docs/backup.md "The restore drill": a k = 2 backup of the platform to four directory targets
// (sealed records, points, wrapped keys, audit chains with signed checkpoints in two tenants and
// the platform store), then one target deleted and another's shard corrupted; the restore from
// what is left, into an empty data directory, must verify every check (counts, key digests,
// audit heads and chains, a sample opened with the master key) and name both bad targets; with a
// third target lost it must refuse (the rebuild fails before any store is opened). Figures: sizes and times.
import { rm, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { takeBackup } from '../../platform/backup/backup.ts';
import { rebuildBackup } from '../../platform/backup/rebuild.ts';
import { restoreBackup } from '../../platform/backup/restore.ts';
import { DirectoryTarget } from '../../platform/backup/targets.ts';
import { sqliteSnapshots } from '../../platform/backup/snapshot.ts';
import { createSqliteStorage } from '../../platform/storage/sqlite/index.ts';
import { openRig } from '../support/backup-rig.ts';
import type { Scenario } from '../types.ts';

export const backupRestoreDrill: Scenario = {
  id: 'backup.restore-drill',
  title: 'A k = 2 of 4 backup restores and verifies with one target lost and one corrupted',
  requirement: 'docs/backup.md (restore drill); ASVS 4.0.3 8.1.5, 8.1.6; ETSI EN 303 645 5.9-1',
  indicator: 'restore checks that fail, with 2 of 4 targets bad; whether a third bad target is refused',
  criterion: '0 failed checks and both bad targets named; with 3 bad targets the rebuild refuses with one error naming the missing shards',
  profile: 'fast',
  timeoutMs: 90_000,
  async run(ctx) {
    const perTenant = ctx.profile === 'full' ? 2000 : 300;
    const rig = await openRig(ctx.tmpDir('drill-source-'));
    ctx.defer(() => rig.close({ remove: false }));
    await rig.fill('tenant-a', 'a', perTenant);
    await rig.fill('tenant-b', 'b', Math.ceil(perTenant / 3));
    await rig.audit.checkpoint('tenant-a');
    await rig.audit.checkpoint('tenant-b');
    await rig.audit.checkpoint('_platform');

    const dirs = ['t1', 't2', 't3', 't4'].map((t) => ctx.tmpDir(`drill-${t}-`));
    const targets = dirs.map((d) => new DirectoryTarget(d));
    const backup = await takeBackup({ source: sqliteSnapshots(rig.dataDir), of: { platform: true }, targets, k: 2, master: rig.master });
    ctx.log(`backup ${backup.manifest.id}: ${backup.manifest.bundle.bytes} bytes in ${backup.seconds.toFixed(2)} s`);

    // Disaster on two of four targets.
    await rm(join(dirs[1]!, backup.manifest.id), { recursive: true, force: true });
    const shard = join(dirs[2]!, backup.manifest.id, 'shard-2.bin');
    const bytes = await readFile(shard);
    bytes[bytes.length >> 1]! ^= 0xff;
    await writeFile(shard, bytes);

    const destDir = ctx.tmpDir('drill-restored-');
    const dest = await createSqliteStorage({ dataDir: destDir });
    const started = Date.now();
    let report;
    try {
      const rebuilt = await rebuildBackup({ targets, master: rig.master });
      report = await restoreBackup({ backup: rebuilt, storage: dest, master: rig.master });
    } finally {
      await dest.close();
    }
    const restoreSeconds = (Date.now() - started) / 1000;
    const bad = report.targets.filter((t) => !t.ok).map((t) => t.label);
    const failed = report.checks.filter((c) => !c.ok);

    // A third target lost: below k, refused, nothing written.
    await rm(join(dirs[3]!, backup.manifest.id), { recursive: true, force: true });
    let refusal = '';
    try {
      await rebuildBackup({ targets, master: rig.master });
    } catch (err) {
      refusal = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    }
    // Temporary paths out of the report: targets are named by their number.
    for (const [i, d] of dirs.entries()) refusal = refusal.split(d).join(`target ${i + 1}`);

    const namedBoth = bad.includes(dirs[1]!) && bad.includes(dirs[2]!);
    return {
      measured: failed.length,
      unit: 'failed checks',
      pass: report.ok && failed.length === 0 && namedBoth && /cannot be restored/.test(refusal),
      evidence: {
        backupId: backup.manifest.id,
        stores: backup.manifest.stores.map((s) => s.scope),
        pointsPerTenant: { 'tenant-a': perTenant, 'tenant-b': Math.ceil(perTenant / 3) },
        bundleBytes: backup.manifest.bundle.bytes,
        shardBytes: backup.manifest.erasure.shardBytes,
        k: 2,
        n: 4,
        backupSeconds: Number(backup.seconds.toFixed(3)),
        restoreSeconds: Number(restoreSeconds.toFixed(3)),
        checks: report.checks.length,
        failedChecks: failed.map((c) => `${c.scope} · ${c.check}`),
        badTargetsNamed: bad.length,
        targetVerdicts: report.targets.map((t) => ({ target: dirs.indexOf(t.label) + 1, ok: t.ok, problem: t.problem ?? null })),
        refusalWithThreeBad: refusal,
      },
    };
  },
};
