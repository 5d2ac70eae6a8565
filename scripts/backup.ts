// `npm run backup -- --to DIR DIR… [--k N]`: an online, signed, k-of-n backup of the platform
// or of one tenant (platform/backup/backup.ts; docs/backup.md). Runs beside a running platform.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { takeBackup } from '../platform/backup/backup.ts';
import { providerFor, readMasterKey } from '../platform/backup/master-key-source.ts';
import { postgresSnapshots, sqliteSnapshots, type SnapshotSource } from '../platform/backup/snapshot.ts';
import { snapshotsOf } from '../platform/storage/snapshot.ts';
import { targetFor } from '../platform/backup/targets.ts';
import { TENANT_ID_PATTERN } from '../platform/storage/port.ts';

export const BACKUP_HELP = `Back up the platform (or one tenant) to n targets, any k of which restore it.

Usage:
  npm run backup -- --to <dir> [<dir>…] [--k <n>] [--tenant <id>] [--data-dir <dir>]

Options:
  --to <dir>…        one target per shard: independent disks, volumes or shares (1 to 16)
  --k <n>            shards needed to restore (default: half the targets, rounded up)
  --tenant <id>      back up this tenant only (default: the platform store and every tenant)
  --data-dir <dir>   data directory to read (default CUSTODIA_DATA_DIR or ./data); read-only,
                     the platform may keep running. With CUSTODIA_STORE_URL=postgres://… the
                     stores are read from PostgreSQL (one REPEATABLE READ snapshot per store);
                     with mongodb://… (or MONGODB_URI) from MongoDB (one snapshot session per
                     store on a replica set; page by page on a standalone server)
  --help             this text

The master key (CUSTODIA_MASTER_KEY or <data-dir>/master.key) only unwraps the platform's audit
key to sign the manifest; nothing is decrypted. Exit status: 0 written and read back, 1 failure,
2 bad arguments.`;

const argsSchema = z
  .object({
    to: z.array(z.string().min(1)).min(1, 'needs at least one target').max(16, 'takes at most 16 targets'),
    k: z.coerce.number().int().min(1).optional(),
    tenant: z.string().regex(TENANT_ID_PATTERN, 'must be 2-40 of a-z, 0-9 and "-", starting with a letter').optional(),
    dataDir: z.string().min(1),
  })
  .strict();

export async function main(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let args: z.infer<typeof argsSchema>;
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: {
        to: { type: 'string', multiple: true },
        k: { type: 'string' },
        tenant: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      console.log(BACKUP_HELP);
      return 0;
    }
    // `--to A B C` as well as `--to A --to B`: bare words are more targets.
    const parsed = argsSchema.safeParse({
      to: [...(values.to ?? []), ...positionals],
      k: values.k,
      tenant: values.tenant,
      dataDir: values['data-dir'] ?? env.CUSTODIA_DATA_DIR ?? './data',
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`--${String(issue.path[0] ?? '')} ${issue.message}`);
    }
    args = parsed.data;
  } catch (err) {
    console.error(`backup: ${err instanceof Error ? err.message.split('\n')[0] : String(err)} (see --help)`);
    return 2;
  }
  try {
    const storeUrl = env.CUSTODIA_STORE_URL;
    const mongoUri = env.MONGODB_URI ?? (/^mongodb(\+srv)?:\/\//.test(storeUrl ?? '') ? storeUrl : undefined);
    const dataDir = resolve(args.dataDir);
    const { key } = await readMasterKey({ envHex: env.CUSTODIA_MASTER_KEY, dataDir });
    const targets = args.to.map(targetFor);
    const k = args.k ?? Math.ceil(targets.length / 2);
    let source: SnapshotSource = sqliteSnapshots(dataDir);
    let from = dataDir;
    let closeSource = async () => undefined as void;
    if (storeUrl && /^postgres(ql)?:\/\//.test(storeUrl)) {
      const { createPostgresStorage } = await import('../platform/storage/postgres/index.ts');
      const pg = await createPostgresStorage({ storeUrl });
      source = postgresSnapshots(pg);
      from = pg.url;
      closeSource = () => pg.close();
    } else if (mongoUri) {
      // A replica set gives one point-in-time snapshot per store; a standalone mongod reads per
      // page, so pause ingest while backing one up (docs/backup.md).
      const { createMongoStorage, redactUri } = await import('../platform/storage/mongo/index.ts');
      const mongo = await createMongoStorage({ dataDir, mongodbUri: mongoUri });
      source = snapshotsOf(mongo);
      from = `${redactUri(mongoUri)} (${mongo.server.mode})`;
      closeSource = () => mongo.close();
    }
    console.log(`backing up ${args.tenant ? `tenant ${args.tenant}` : 'the platform'} from ${from} to ${targets.length} targets, any ${k} restore it`);
    const result = await takeBackup({
      source,
      of: args.tenant ? { tenant: args.tenant } : { platform: true },
      targets,
      k,
      master: providerFor(key),
      onProgress: (line) => console.log(line),
    }).finally(closeSource);
    key.fill(0);
    for (const t of result.targets) console.log(`  shard ${t.shard} (${t.bytes} bytes) → ${t.label}`);
    console.log(`backup ${result.manifest.id} written and read back in ${result.seconds.toFixed(1)} s`);
    return 0;
  } catch (err) {
    console.error(`backup: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

if (process.argv[1]?.endsWith('scripts/backup.ts')) main().then((code) => process.exit(code));
