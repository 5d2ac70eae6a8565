// Backup and restore benchmark: `npx tsx bench/backup.bench.ts [--points N] [--k K] [--n N]`.
// Fills a temporary data directory with N sealed readings (100 series), takes a k-of-n backup to
// directory targets, drops one target, restores into an empty directory, and prints the times,
// sizes and peak RSS, plus the erasure codec's throughput on 32 MiB. Figures, not assertions.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { takeBackup } from '../platform/backup/backup.ts';
import { reedSolomon } from '../platform/backup/erasure.ts';
import { rebuildBackup } from '../platform/backup/rebuild.ts';
import { restoreBackup } from '../platform/backup/restore.ts';
import { sqliteSnapshots } from '../platform/backup/snapshot.ts';
import { DirectoryTarget } from '../platform/backup/targets.ts';
import { createSqliteStorage } from '../platform/storage/sqlite/index.ts';
import { openRig } from '../validation/support/backup-rig.ts';

const { values } = parseArgs({ options: { points: { type: 'string' }, k: { type: 'string' }, n: { type: 'string' } }, strict: true });
const opts = z
  .object({ points: z.coerce.number().int().min(1000).default(100_000), k: z.coerce.number().int().min(1).default(2), n: z.coerce.number().int().min(2).max(16).default(4) })
  .refine((o) => o.k < o.n, 'k must be below n (one target is dropped)')
  .parse(values);

const seconds = (t: number) => ((performance.now() - t) / 1000).toFixed(2);
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const root = await mkdtemp(join(tmpdir(), 'custodia-bench-backup-'));
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
try {
  const rig = await openRig(join(root, 'data'));
  const store = await rig.storage.tenant('acme');
  for (let b = 0; b < opts.points / 1000; b++) {
    const points = await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        const id = `p-${b}-${i}`;
        const body = await rig.scopes.keyring.sealJson({ tenant: 'acme', collection: 'series', id }, { value: i, hr: 70, spo2: 97 });
        return { series: `dev-${i % 100}`, id, ts: 1_700_000_000_000 + b * 1000 + i, subject: null, body };
      }),
    );
    await store.commit({ points });
  }
  await rig.close({ remove: false });

  const targets = Array.from({ length: opts.n }, (_, i) => new DirectoryTarget(join(root, `t${i}`)));
  let t = performance.now();
  peak = 0;
  const backup = await takeBackup({ source: sqliteSnapshots(rig.dataDir), of: { platform: true }, targets, k: opts.k, master: rig.master });
  console.log(`backup   ${opts.points} points: ${seconds(t)} s, bundle ${mb(backup.manifest.bundle.bytes)} MB, ${opts.n} shards of ${mb(backup.manifest.erasure.shardBytes)} MB, peak RSS ${mb(peak)} MB`);

  await rm(targets[0]!.root, { recursive: true });
  t = performance.now();
  peak = 0;
  const rebuilt = await rebuildBackup({ targets, master: rig.master });
  const storage = await createSqliteStorage({ dataDir: join(root, 'restored') });
  const report = await restoreBackup({ backup: rebuilt, storage, master: rig.master });
  await storage.close();
  console.log(`restore  from ${opts.n - 1} of ${opts.n} targets: ${seconds(t)} s, ${report.ok ? 'verified' : 'CHECKS FAILED'}, peak RSS ${mb(peak)} MB`);

  const data = randomBytes(32 * 1024 * 1024);
  t = performance.now();
  const shards = reedSolomon.encode(data, opts.k, opts.n);
  const enc = (performance.now() - t) / 1000;
  const parity = new Map(shards.map((s, i) => [i, s] as const).slice(opts.n - opts.k));
  t = performance.now();
  reedSolomon.decode(parity, opts.k, opts.n, data.length);
  const dec = (performance.now() - t) / 1000;
  console.log(`erasure  ${opts.k}-of-${opts.n} on 32 MiB: encode ${(32 / enc).toFixed(0)} MiB/s, decode from the last ${opts.k} shards ${(32 / dec).toFixed(0)} MiB/s`);
} finally {
  clearInterval(sampler);
  await rm(root, { recursive: true, force: true });
}
