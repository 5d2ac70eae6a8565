// `npm run restore -- --from TARGET…`: rebuilds a backup from any k of its targets into an empty
// data directory (or MongoDB database), whole platform or one tenant, verifies it and prints a
// report (platform/backup/rebuild.ts and restore.ts; docs/backup.md). A backup of a region's
// tenants is restored into that region's location (CUSTODIA_REGIONS) and nowhere else.
import { existsSync } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { openToolMasterKey } from '../platform/backup/master-key-source.ts';
import { rebuildBackup } from '../platform/backup/rebuild.ts';
import { formatRestoreReport, restoreBackup } from '../platform/backup/restore.ts';
import { closeTargets, targetFor } from '../platform/backup/targets.ts';
import type { Manifest } from '../platform/backup/format.ts';
import { loadConfig, type RegionLocation } from '../platform/config.ts';
import { MASTER_KEY_FILE } from '../platform/crypto/master-key.ts';
import { acquireDataLock } from '../platform/data-lock.ts';
import { createStorage } from '../platform/storage/index.ts';
import { TENANT_ID_PATTERN } from '../platform/storage/port.ts';

export const RESTORE_HELP = `Restore a backup from its targets (any k of the n it was written to), verify it, print a report.

Usage:
  npm run restore -- --from <dir> [<dir>…] [options]

Options:
  --from <target>…         the backup's targets (directories or s3:// specs, see backup --help);
                           damaged or missing ones are reported and skipped
  --to-data-dir <dir>      data directory to restore into (default CUSTODIA_DATA_DIR or ./data);
                           the stores restored must be empty there (with MONGODB_URI: that database)
  --tenant <id>            restore this tenant only, leaving every other store untouched
  --region <name>          require the backup to be of this region (CUSTODIA_REGIONS); a region's
                           backup is always restored into its region's location
  --id <backup id>         which backup (default: the newest on any target)
  --master-key-file <f>    the master key as a file (64 hex characters); or CUSTODIA_MASTER_KEY;
                           or the token of CUSTODIA_MASTER_KEY_PROVIDER=pkcs11;
  --shares <file>…         or custodian share files (npm run keys:escrow), enough of them
  --public-key <pem>       also require the manifest to be signed by this audit key
  --sample <n>             sealed values opened per store to prove they open (default 20)
  --help                   this text

Exit status: 0 restored and verified, 1 failure or a failed check, 2 bad arguments.`;

const argsSchema = z
  .object({
    from: z.array(z.string().min(1)).min(1, 'needs at least one target'),
    dataDir: z.string().min(1),
    tenant: z.string().regex(TENANT_ID_PATTERN, 'must be 2-40 of a-z, 0-9 and "-", starting with a letter').optional(),
    region: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'is not a region name').optional(),
    id: z.string().regex(/^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$/, 'is not a backup id').optional(),
    masterKeyFile: z.string().min(1).optional(),
    shares: z.array(z.string().min(1)).optional(),
    publicKey: z.string().min(1).optional(),
    sample: z.coerce.number().int().min(0).max(100_000).default(20),
  })
  .strict();
type RestoreArgs = z.infer<typeof argsSchema>;

const FLAGS = {
  from: { type: 'string', multiple: true },
  'to-data-dir': { type: 'string' },
  tenant: { type: 'string' },
  region: { type: 'string' },
  id: { type: 'string' },
  'master-key-file': { type: 'string' },
  shares: { type: 'string', multiple: true },
  'public-key': { type: 'string' },
  sample: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Bare words belong to the list flag that precedes them (`--from A B C`, `--shares x y z`). */
function parse(argv: readonly string[], env: NodeJS.ProcessEnv): RestoreArgs | 'help' {
  const { values, tokens } = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true, tokens: true });
  if (values.help) return 'help';
  const lists: Record<'from' | 'shares', string[]> = { from: [], shares: [] };
  let current: 'from' | 'shares' | null = null;
  for (const t of tokens) {
    if (t.kind === 'option') {
      current = t.name === 'from' || t.name === 'shares' ? t.name : null;
      if (current && t.value !== undefined) lists[current].push(t.value);
    } else if (t.kind === 'positional') {
      if (!current) throw new Error(`unexpected argument ${JSON.stringify(t.value)}`);
      lists[current].push(t.value);
    }
  }
  const parsed = argsSchema.safeParse({
    from: lists.from,
    dataDir: values['to-data-dir'] ?? env.CUSTODIA_DATA_DIR ?? './data',
    tenant: values.tenant,
    region: values.region,
    id: values.id,
    masterKeyFile: values['master-key-file'],
    shares: lists.shares.length ? lists.shares : undefined,
    publicKey: values['public-key'],
    sample: values.sample,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`--${String(issue.path[0] ?? '')} ${issue.message}`);
  }
  return parsed.data;
}

export async function main(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let args: RestoreArgs | 'help';
  try {
    args = parse(argv, env);
  } catch (err) {
    console.error(`restore: ${err instanceof Error ? err.message.split('\n')[0] : String(err)} (see --help)`);
    return 2;
  }
  if (args === 'help') {
    console.log(RESTORE_HELP);
    return 0;
  }
  try {
    return await restore(args, env);
  } catch (err) {
    console.error(`restore: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

async function restore(args: RestoreArgs, env: NodeJS.ProcessEnv): Promise<number> {
  const dataDir = resolve(args.dataDir);
  const { hsm } = loadConfig({ ...env, CUSTODIA_DATA_DIR: dataDir });
  const opened = await openToolMasterKey({ envHex: env.CUSTODIA_MASTER_KEY, keyFile: args.masterKeyFile, shareFiles: args.shares, dataDir, offerFlags: true, hsm });
  const { master, from, key } = opened;
  console.log(`master key from ${from}`);
  const targets = args.from.map(targetFor);
  const backup = await rebuildBackup({
    targets,
    master,
    ...(args.id ? { backupId: args.id } : {}),
    ...(args.publicKey ? { publicKeyPem: await readFile(args.publicKey, 'utf8') } : {}),
  }).finally(() => closeTargets(targets));
  const { of } = backup.manifest;
  const region = destinationRegion(of, args.region, env);
  const whole = args.tenant === undefined && 'platform' in of;
  const where: Omit<RegionLocation, 'backupTargets'> = region ? region.location : { dataDir, ...(env.MONGODB_URI ? { mongodbUri: env.MONGODB_URI } : {}) };
  const into = where.storeUrl ?? (where.mongodbUri ? 'MongoDB' : where.dataDir);
  const what = args.tenant ? `tenant ${args.tenant}` : 'platform' in of ? 'the platform' : 'tenant' in of ? `tenant ${of.tenant}` : `the tenants of region ${of.region}`;
  console.log(`restoring ${what} from backup ${backup.manifest.id} into ${region ? `region ${region.name}: ` : ''}${into}`);

  const keyFile = join(dataDir, MASTER_KEY_FILE);
  if (whole && key && !env.CUSTODIA_MASTER_KEY && existsSync(keyFile) && (await readFile(keyFile, 'utf8')).trim().toLowerCase() !== key.toString('hex')) {
    throw new Error(`${keyFile} holds another master key; the restored data needs the backup's (restore into an empty data directory)`);
  }
  const lockDir = where.dataDir ?? dataDir;
  await mkdir(lockDir, { recursive: true, mode: 0o700 });
  const lock = await acquireDataLock(lockDir);
  const storage = await createStorage(region ? { dataDir: where.dataDir ?? dataDir, mongodbUri: where.mongodbUri, ...(where.storeUrl ? { storeUrl: where.storeUrl } : {}) } : { dataDir, mongodbUri: env.MONGODB_URI });
  try {
    const report = await restoreBackup({
      backup,
      storage,
      master,
      ...(args.tenant ? { tenant: args.tenant } : {}),
      sample: args.sample,
      onProgress: (line) => console.log(line),
    });
    if (whole) {
      // The restored platform starts with the same keys: audit public key and (unless it comes
      // from the environment or stays in its token) the master key file.
      await backup.signer.exportPublicKey(dataDir);
      if (key && !env.CUSTODIA_MASTER_KEY && !existsSync(keyFile)) await writeKeyFile(keyFile, key);
    }
    console.log('');
    console.log(formatRestoreReport(report));
    return report.ok ? 0 : 1;
  } finally {
    await opened.close();
    await storage.close();
    await lock.release();
  }
}

/** Residency: a backup that names a region goes back into that region's location only. */
function destinationRegion(of: Manifest['of'], asked: string | undefined, env: NodeJS.ProcessEnv): { name: string; location: RegionLocation } | undefined {
  const region = 'region' in of ? of.region : undefined;
  if (asked !== undefined && asked !== region) {
    throw new Error(`the backup is ${region ? `of region ${region}` : 'of the default location'}; it is not restored into region ${asked}`);
  }
  if (!region) return undefined;
  const location = loadConfig(env).regions?.[region];
  if (!location) throw new Error(`the backup holds tenants of region ${region}, and CUSTODIA_REGIONS names no location for it`);
  return { name: region, location };
}

async function writeKeyFile(file: string, key: Buffer): Promise<void> {
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.writeFile(`${key.toString('hex')}\n`);
  } finally {
    await handle.close();
  }
}

if (process.argv[1]?.endsWith('scripts/restore.ts')) main().then((code) => process.exit(code));
