// docs/backup.md "Backups per region": a platform with two regions, each with a directory and an
// S3 bucket (a local S3-protocol server) as its backup targets. A tenant of eu-south and the
// eu-west test tenants get synthetic readings, a record and audit entries; every schedule runs
// once. Then the eu-west targets and the default targets are scanned for the eu-south tenant's
// bytes (its id, the tails of its sealed bodies and wrapped keys, its audit hashes): raw, and
// every backup there rebuilt and decompressed. The default backup holds the platform store, which
// names every tenant (registry, platform audit), so there only the tenant's data is looked for.
// The control finds every needle in eu-south's backups.
import { join } from 'node:path';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import { decodedBackups, hitsIn, tenantNeedles } from '../support/backup-scan.ts';
import { startLocalS3, useS3rverCredentials } from '../support/s3-server.ts';
import { scanDir } from '../support/scan.ts';
import type { Scenario } from '../types.ts';

const SOUTH = 'tenant-south';

export const backupRegionResidency: Scenario = {
  id: 'backup.region-residency',
  title: "No byte of an eu-south tenant reaches eu-west's backup targets",
  requirement: 'docs/backup.md "Backups per region"; GDPR art. 44; ASVS 4.0.3 8.1.5; issue #14',
  indicator: "hits of the eu-south tenant's needles in eu-west's and the default backup targets (raw files, S3 bucket storage, rebuilt backups)",
  criterion: "0 hits; every schedule's run verified; the control finds every needle in eu-south's rebuilt backups",
  profile: 'fast',
  timeoutMs: 90_000,
  async run(ctx) {
    const restoreEnv = useS3rverCredentials();
    ctx.defer(restoreEnv);
    const s3 = await startLocalS3(['west-bucket', 'south-bucket']);
    ctx.defer(() => s3.close());
    const west = ctx.tmpDir('bres-west-');
    const south = ctx.tmpDir('bres-south-');
    const westDir = ctx.tmpDir('bres-west-t-');
    const southDir = ctx.tmpDir('bres-south-t-');
    const homeTargets = [ctx.tmpDir('bres-home-t-')];
    const westTargets = [westDir, s3.target('west-bucket', 'custodia')];
    const southTargets = [southDir, s3.target('south-bucket', 'custodia')];
    const regions = { 'eu-west': { dataDir: west, backupTargets: westTargets, backupK: 1 }, 'eu-south': { dataDir: south, backupTargets: southTargets, backupK: 1 } };
    const h = await ctx.boot({ config: { regions, backup: { intervalMs: 3_600_000, keep: 3, targets: homeTargets, k: 1 } } });
    const created = await (await h.as('root-admin')).post('/api/v1/tenants', { id: SOUTH, name: 'South Operator', region: 'eu-south' });
    if (created.status !== 201) throw new Error(`tenant: ${created.status} ${JSON.stringify(created.body)}`);
    const readings = ctx.profile === 'full' ? 2000 : 200;
    const t0 = 1_700_000_000_000;
    for (const [tenant, series] of [[SOUTH, 's-probe'], ['tenant-a', 'w-probe']] as const) {
      await runInTenant(systemContext('validation', asTenantId(tenant)), () =>
        h.platform.services.series.append(Array.from({ length: readings }, (_, i) => ({ series, id: `${series}-${i}`, ts: t0 + i, subject: null, data: { value: i } }))),
      );
      await (await h.platform.services.scopes.records(tenant)).put('note', 'n-1', { text: `synthetic note of ${tenant}` });
      await h.platform.services.audit.record(tenant, { actor: 'system:validation', action: 'test.write', target: 'note:n-1', outcome: 'success' });
    }

    const started = Date.now();
    const runs = await h.platform.services.backups!.runAll();
    const seconds = (Date.now() - started) / 1000;
    ctx.log(runs.map((r) => `${r.region ?? 'default'}: ${r.stores.join(',')} ${r.bytes ?? 0} bytes ${r.ok ? 'verified' : r.error}`).join('; '));

    const needles = await tenantNeedles(south, SOUTH);
    const rawHits = [westDir, join(s3.directory, 'west-bucket'), ...homeTargets].flatMap((d) => scanDir(d, needles));
    const westDecoded = await decodedBackups(westTargets, h.config.dataDir);
    const homeDecoded = await decodedBackups(homeTargets, h.config.dataDir);
    const southDecoded = await decodedBackups(southTargets, h.config.dataDir);
    // The platform store (default location, default targets) names every tenant by design
    // (registry, platform audit): there only the tenant's data is looked for, not its id.
    const dataNeedles = needles.filter((n) => n !== SOUTH);
    const decodedHits = hitsIn(westDecoded.bytes, needles) + hitsIn(homeDecoded.bytes, dataNeedles);
    const control = hitsIn(southDecoded.bytes, needles);
    const hits = rawHits.length + decodedHits;
    return {
      measured: hits,
      unit: 'hits',
      pass: hits === 0 && runs.every((r) => r.ok && r.verification?.ok) && control === needles.length && westDecoded.scopes.length > 0,
      evidence: {
        readingsPerTenant: readings,
        runs: runs.map((r) => ({ schedule: r.region ?? 'default', stores: r.stores, bytes: r.bytes ?? 0, k: r.k, n: r.n, verified: r.verification?.ok ?? false })),
        secondsForAllSchedules: Number(seconds.toFixed(2)),
        needles: needles.length,
        rawHits: rawHits.length,
        decodedHits,
        westBackupStores: westDecoded.scopes,
        defaultBackupStores: homeDecoded.scopes,
        controlNeedlesFoundInSouth: control,
      },
    };
  },
};
