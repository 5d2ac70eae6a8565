// The migration's command line (scripts/migrate.ts runs it): flags checked with zod, the master
// key found, both locations opened, the report printed. Exit status: 0 when every check matches,
// 1 on a mismatch or an error, 2 on bad arguments.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { MASTER_KEY_FILE, createMasterKeyProvider } from '../../crypto/master-key.ts';
import type { MasterKeyProvider } from '../../crypto/types.ts';
import { TENANT_ID_PATTERN } from '../port.ts';
import { locationKind, openDestination, openSource, type Opened } from './locations.ts';
import { migrateStores, type Endpoint, type Which } from './migrate.ts';
import { formatReport } from './report.ts';
import type { SnapshotCapable } from '../snapshot.ts';

export const MIGRATE_HELP = `Copy Custodia stores from one location to another — sqlite data directory, PostgreSQL or
MongoDB, in any direction — as stored bytes (nothing is decrypted), then verify the copy.

Usage:
  npm run migrate -- --from <location> --to <location> (--all | --platform | --tenant <id>) [options]

A location is a sqlite data directory, a PostgreSQL URL (postgres:// or postgresql://) or a
MongoDB URI (mongodb:// or mongodb+srv://): the value the platform gets as CUSTODIA_DATA_DIR or
CUSTODIA_STORE_URL.

Options:
  --from <location>      where to read (default ./data); a sqlite source is opened read-only
  --from-data-dir <dir>  the same as --from <dir> (earlier name)
  --to <location>        where to write; every store copied must be empty there
  --all                  the platform store and every tenant's
  --platform             the platform's own store only (tenant registry, users, platform audit)
  --tenant <id>          one tenant's store (a-z, 0-9 and "-", 2-40 characters)
  --sample <n>           values per store opened with the master key on both sides (default 20;
                         0 skips that check, the audit signature check and the need for the key)
  --batch-size <n>       records or points per destination commit (default 500)
  --replace              drop a tenant's existing destination store first (never the platform's)
  --help                 this text

Verified after the copy: records per kind, points per series, key scopes and wrapped key bytes,
audit heads and checkpoints; every row compared with the source's; every audit chain with its
signed checkpoints; a sample of opened values.
The master key comes from CUSTODIA_MASTER_KEY, or from master.key in the sqlite data directory
(source first, else destination, else CUSTODIA_DATA_DIR or ./data).`;

const location = z.string().trim().min(1, 'needs a location');

const argsSchema = z
  .object({
    from: location.default('./data'),
    fromDataDir: location.optional(),
    to: location.refine((v) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || locationKind(v) !== 'sqlite', {
      message: 'must be a directory, postgres:// or postgresql://, mongodb:// or mongodb+srv://',
    }),
    all: z.boolean().default(false),
    platform: z.boolean().default(false),
    tenant: z.string().regex(TENANT_ID_PATTERN, 'must be 2-40 of a-z, 0-9 and "-", starting with a letter').optional(),
    sample: z.coerce.number().int().min(0).max(100_000).default(20),
    batchSize: z.coerce.number().int().min(1).max(10_000).default(500),
    replace: z.boolean().default(false),
  })
  .strict()
  .transform(({ fromDataDir, ...a }) => ({ ...a, from: fromDataDir ?? a.from }))
  .refine((a) => [a.all, a.platform, a.tenant !== undefined].filter(Boolean).length === 1, {
    message: 'give exactly one of --all, --platform or --tenant <id>',
  })
  .refine((a) => resolveLocation(a.from) !== resolveLocation(a.to), { message: '--from and --to name the same location' });

export type MigrateArgs = z.infer<typeof argsSchema>;

function resolveLocation(v: string): string {
  return locationKind(v) === 'sqlite' ? resolve(v) : v;
}

const FLAGS = {
  from: '--from',
  fromDataDir: '--from-data-dir',
  to: '--to',
  all: '--all',
  platform: '--platform',
  tenant: '--tenant',
  sample: '--sample',
  batchSize: '--batch-size',
  replace: '--replace',
} as const;
const SWITCHES = new Set(['all', 'platform', 'replace']);

/** Parsed flags, `'help'`, or one line saying what is wrong (the CLI adds "see --help"). */
export function parseMigrateArgs(argv: readonly string[]): MigrateArgs | 'help' | { error: string } {
  const raw: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const name = Object.keys(FLAGS).find((k) => FLAGS[k as keyof typeof FLAGS] === flag);
    if (!name) return { error: `unknown argument ${JSON.stringify(arg)}` };
    if (SWITCHES.has(name)) {
      if (eq > 0) return { error: `${flag} takes no value` };
      raw[name] = true;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) return { error: `${flag} needs a value` };
    raw[name] = value;
  }
  if (raw.to === undefined) return { error: '--to is required' };
  const parsed = argsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = FLAGS[String(issue.path[0] ?? '') as keyof typeof FLAGS];
    return { error: flag ? `${flag} ${issue.message}` : issue.message };
  }
  return parsed.data;
}

const which = (a: MigrateArgs): Which => (a.all ? { all: true } : a.platform ? { platform: true } : { tenant: a.tenant! });

const what = (a: MigrateArgs): string => (a.all ? 'every store' : a.platform ? 'the platform store' : `tenant ${a.tenant}`);

const NAMES = { sqlite: 'sqlite', postgres: 'PostgreSQL', mongo: 'MongoDB' } as const;

/** How the platform is told to use the destination (secrets hidden). */
const settingFor = (dest: Opened<unknown>): string =>
  dest.kind === 'sqlite' ? `CUSTODIA_DATA_DIR=${dest.label}` : `CUSTODIA_STORE_URL=${dest.label}`;

/** Runs a migration; `log` gets the report. Returns the exit status. */
export async function runMigration(args: MigrateArgs, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<number> {
  const master = args.sample > 0 ? await masterKey(args, env) : undefined;
  let source: Opened<SnapshotCapable> | undefined;
  let dest: Opened<Endpoint> | undefined;
  try {
    source = await openSource(args.from);
    dest = await openDestination(args.to);
    log(`migrating ${what(args)}`);
    log(`  from ${source.label} (${source.describe})`);
    log(`  to   ${dest.label} (${dest.describe})`);
    const started = Date.now();
    const report = await migrateStores({
      from: source.provider,
      to: dest.provider,
      which: which(args),
      replace: args.replace,
      batchSize: args.batchSize,
      sample: args.sample,
      ...(master ? { master } : {}),
      onProgress: progressPrinter(log),
    });
    log(`copied and verified in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    log('');
    log(formatReport(report, `source (${source.kind})`, `destination (${dest.kind})`));
    if (!report.ok) return 1;
    log(`all checks match: ${what(args)} can run on ${NAMES[dest.kind]} (${settingFor(dest)}).`);
    return 0;
  } finally {
    await source?.close();
    await dest?.close();
  }
}

/** The same master key the platform uses; never created here (a new key would open nothing). */
async function masterKey(args: MigrateArgs, env: NodeJS.ProcessEnv): Promise<MasterKeyProvider> {
  const hex = env.CUSTODIA_MASTER_KEY;
  const dirs = [args.from, args.to].filter((l) => locationKind(l) === 'sqlite').map((d) => resolve(d));
  const dataDir = dirs.find((d) => existsSync(join(d, MASTER_KEY_FILE))) ?? resolve(env.CUSTODIA_DATA_DIR ?? './data');
  if (!hex && !existsSync(join(dataDir, MASTER_KEY_FILE))) {
    throw new Error(
      `no master key: set CUSTODIA_MASTER_KEY or keep ${MASTER_KEY_FILE} in the sqlite data directory; ` +
        'or pass --sample 0 to skip opening sealed values',
    );
  }
  return createMasterKeyProvider({ dataDir, ...(hex ? { masterKeyHex: hex } : {}) });
}

/** One line per phase, refreshed at most once a second. */
function progressPrinter(log: (line: string) => void): (line: string) => void {
  let last = 0;
  let phase = '';
  return (line) => {
    const now = Date.now();
    const head = line.replace(/: \d+$/, '');
    if (head !== phase || now - last >= 1000) {
      phase = head;
      last = now;
      log(line);
    }
  };
}
