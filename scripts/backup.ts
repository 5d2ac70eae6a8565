// `npm run backup -- --to TARGET… [--k N]`: an online, signed, k-of-n backup of the platform, of
// one tenant or of one region's tenants (platform/backup/backup.ts; docs/backup.md). Runs beside
// a running platform. Under CUSTODIA_REGIONS a tenant's bytes go to its region's targets only.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { takeBackup } from '../platform/backup/backup.ts';
import { foreignTargets, homeTenantsIncluded, locationKey, openLocation, regionAt, regionHolding, type Location, type OpenedLocation } from '../platform/backup/locations.ts';
import { openToolMasterKey } from '../platform/backup/master-key-source.ts';
import { composeSnapshots } from '../platform/backup/snapshot.ts';
import { closeTargets, targetFor } from '../platform/backup/targets.ts';
import { loadConfig, type Config } from '../platform/config.ts';
import { TENANT_ID_PATTERN } from '../platform/storage/port.ts';

export const BACKUP_HELP = `Back up the platform (or one tenant) to n targets, any k of which restore it.

Usage:
  npm run backup -- --to <target> [<target>…] [--k <n>] [--tenant <id> | --region <name>] [--data-dir <dir>]

Options:
  --to <target>…     one target per shard (1 to 16): a directory (independent disks, volumes or
                     shares) or s3://bucket/prefix?endpoint=<url>&region=<r>&profile=<p>.
                     Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or a profile
                     of AWS_SHARED_CREDENTIALS_FILE (mode 0600), never from the target.
                     Default: the region's backupTargets (CUSTODIA_REGIONS), else BACKUP_TARGETS
  --k <n>            shards needed to restore (default: half the targets, rounded up)
  --tenant <id>      back up this tenant only (default: the platform store and every tenant of
                     the default location); under CUSTODIA_REGIONS, from its region's location
  --region <name>    back up the tenants of this region (CUSTODIA_REGIONS) to its own targets
  --data-dir <dir>   data directory to read (default CUSTODIA_DATA_DIR or ./data); read-only,
                     the platform may keep running. With CUSTODIA_STORE_URL=postgres://… the
                     stores are read from PostgreSQL (one REPEATABLE READ snapshot per store);
                     with mongodb://… (or MONGODB_URI) from MongoDB (one snapshot session per
                     store on a replica set; page by page on a standalone server)
  --help             this text

The master key (CUSTODIA_MASTER_KEY, <data-dir>/master.key, or the PKCS#11 token under
CUSTODIA_MASTER_KEY_PROVIDER=pkcs11) only unwraps the platform's audit key to sign the manifest;
nothing is decrypted. Exit status: 0 written and read back, 1 failure,
2 bad arguments.`;

const argsSchema = z
  .object({
    to: z.array(z.string().min(1)).max(16, 'takes at most 16 targets'),
    k: z.coerce.number().int().min(1).optional(),
    tenant: z.string().regex(TENANT_ID_PATTERN, 'must be 2-40 of a-z, 0-9 and "-", starting with a letter').optional(),
    region: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'is not a region name').optional(),
    dataDir: z.string().min(1),
  })
  .strict();

type BackupArgs = z.infer<typeof argsSchema>;

export async function main(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let args: BackupArgs;
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: {
        to: { type: 'string', multiple: true },
        k: { type: 'string' },
        tenant: { type: 'string' },
        region: { type: 'string' },
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
      region: values.region,
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
  if (args.tenant && args.region) {
    console.error('backup: --tenant and --region exclude each other: a tenant is backed up from its own region (see --help)');
    return 2;
  }
  try {
    return await backup(args, env);
  } catch (err) {
    console.error(`backup: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

/** What to read and where to write: the region is --region, or the tenant's (found by where its
 *  store is), or none (the default location). */
async function plan(args: BackupArgs, config: Config, home: Location) {
  const regions = config.regions;
  if (args.region && !regions?.[args.region]) {
    throw new Error(`--region ${args.region}: CUSTODIA_REGIONS names ${regions ? Object.keys(regions).sort().join(', ') : 'no regions'}`);
  }
  const region = args.region ?? (regions && args.tenant ? ((await regionHolding(regions, args.tenant)) ?? regionAt(regions, home)) : undefined);
  // A region stored in the default location and without targets of its own uses BACKUP_TARGETS.
  const own = region ? regions![region]!.backupTargets : [];
  const shared = !region || (own.length === 0 && locationKey(regions![region]!) === locationKey(home));
  const to = args.to.length > 0 ? args.to : shared ? (config.backup?.targets ?? []) : own;
  if (to.length === 0) throw new Error(`--to needs at least one target${region ? ` (region ${region} names no backupTargets)` : ' (BACKUP_TARGETS is not set)'}`);
  const foreign = regions ? foreignTargets(regions, region, to) : [];
  if (foreign.length > 0) {
    throw new Error(`${foreign.map((f) => `${f.target} is a backup target of region ${f.owner}`).join('; ')}: a backup of ${region ? `region ${region}` : 'the default location'} never goes there`);
  }
  const location: Location = region ? regions![region]! : home;
  return { region, to, location };
}

async function backup(args: BackupArgs, env: NodeJS.ProcessEnv): Promise<number> {
  const config = loadConfig({ ...env, CUSTODIA_DATA_DIR: args.dataDir });
  const dataDir = resolve(args.dataDir);
  const home: Location = config.storeUrl ? { storeUrl: config.storeUrl, ...(config.mongodbUri ? { mongodbUri: config.mongodbUri } : {}), dataDir } : { dataDir };
  const { region, to, location } = await plan(args, config, home);
  const targets = to.map(targetFor);
  const k = args.k ?? Math.ceil(targets.length / 2);
  const key = await openToolMasterKey({ envHex: env.CUSTODIA_MASTER_KEY, dataDir, hsm: config.hsm });
  let platform: OpenedLocation | undefined;
  let opened: OpenedLocation | undefined;
  try {
    platform = await openLocation(home);
    opened = region && location !== home ? await openLocation(location) : platform;
    const source = composeSnapshots({
      platform: platform.source,
      tenants: opened.source,
      // The default location's backup leaves out tenants whose region has targets of its own.
      include: region || args.tenant ? () => true : () => homeTenantsIncluded(config.regions, home),
    });
    const what = args.tenant ? `tenant ${args.tenant}` : region ? `the tenants of region ${region}` : 'the platform';
    console.log(`backing up ${what} from ${opened.label} to ${targets.length} targets, any ${k} restore it`);
    const result = await takeBackup({
      source,
      of: args.tenant ? { tenant: args.tenant, ...(region ? { region } : {}) } : region ? { region } : { platform: true },
      targets,
      k,
      master: key.master,
      onProgress: (line) => console.log(line),
    });
    for (const t of result.targets) console.log(`  shard ${t.shard} (${t.bytes} bytes) → ${t.label}`);
    console.log(`backup ${result.manifest.id} written and read back in ${result.seconds.toFixed(1)} s`);
    return 0;
  } finally {
    await key.close();
    closeTargets(targets);
    if (opened && opened !== platform) await opened.close();
    await platform?.close();
  }
}

if (process.argv[1]?.endsWith('scripts/backup.ts')) main().then((code) => process.exit(code));
