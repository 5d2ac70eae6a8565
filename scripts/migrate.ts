// `npm run migrate -- --tenant <id> --to mongodb://…`: copies one sqlite store to MongoDB as
// stored bytes (nothing is decrypted), then verifies both sides and prints a table.
// The copy and the checks live in platform/storage/mongo/migration.ts; docs/mongodb.md explains
// when and how to use this.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MASTER_KEY_FILE, createMasterKeyProvider } from '../platform/crypto/master-key.ts';
import type { MasterKeyProvider } from '../platform/crypto/types.ts';
import { PLATFORM_SCOPE } from '../platform/storage/port.ts';
import { createMongoStorage, redactUri, type MongoStorage, type MongoStore } from '../platform/storage/mongo/index.ts';
import {
  MIGRATE_HELP,
  SqliteExport,
  copyStore,
  formatTable,
  parseMigrateArgs,
  targetHoldsData,
  verifyCopy,
  type MigrateArgs,
} from '../platform/storage/mongo/migration.ts';

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Returns the exit status: 0 all checks match, 1 mismatch or failure, 2 bad arguments. */
export async function main(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const args = parseMigrateArgs(argv);
  if (args === 'help') {
    log(MIGRATE_HELP);
    return 0;
  }
  if ('error' in args) {
    console.error(`migrate: ${args.error} (see --help)`);
    return 2;
  }
  try {
    return await migrate(args, env);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`migrate: ${message.replace(/\s+/g, ' ')}`);
    return 1;
  }
}

async function migrate(args: MigrateArgs, env: NodeJS.ProcessEnv): Promise<number> {
  const scope = args.platform ? PLATFORM_SCOPE : args.tenant!;
  const label = args.platform ? 'the platform store' : `tenant ${scope}`;
  const dataDir = resolve(args.fromDataDir);
  const master = args.sample > 0 ? await masterKey(dataDir, env) : undefined;

  const source = SqliteExport.open(dataDir, scope);
  let storage: MongoStorage | undefined;
  try {
    log(`migrating ${label}: ${source.file} → ${redactUri(args.to)}`);
    storage = await createMongoStorage({ dataDir, mongodbUri: args.to });
    log(`target: MongoDB ${storage.server.version}, ${storage.server.mode}, ${storage.server.writes} writes`);

    let target: MongoStore = args.platform ? await storage.platformStore() : await storage.tenantStore(scope);
    const kinds = source.recordCounts().keys();
    if (await targetHoldsData(target, kinds)) {
      if (!args.replace || args.platform) {
        throw new Error(
          `${storage.databaseName(scope)} already holds data for ${label}; ` +
            (args.platform ? 'drop that database by hand first' : 'pass --replace to drop it first'),
        );
      }
      log(`dropping the existing ${storage.databaseName(scope)} (--replace)`);
      await storage.dropTenant(scope);
      target = await storage.tenantStore(scope);
    }

    const started = Date.now();
    const copied = await copyStore(source, target, {
      batchSize: args.batchSize,
      sample: args.sample,
      onProgress: progressPrinter(),
    });
    log(
      `copied ${copied.keys} keys, ${copied.records} records, ${copied.points} points, ${copied.audit} audit entries ` +
        `and ${copied.checkpoints} checkpoints in ${((Date.now() - started) / 1000).toFixed(1)} s; verifying…`,
    );

    const rows = await verifyCopy(source, target, {
      ...(master ? { master } : {}),
      sampledRecords: copied.sampledRecords,
      sampledPoints: copied.sampledPoints,
    });
    log('');
    log(formatTable(rows));
    log('');
    const bad = rows.filter((r) => !r.ok).length;
    if (bad > 0) {
      log(`${bad} check(s) do not match: do not switch ${label} to MongoDB; investigate, then rerun with --replace.`);
      return 1;
    }
    log(`all checks match: ${label} can run on MongoDB (MONGODB_URI=${redactUri(args.to)}).`);
    return 0;
  } finally {
    source.close();
    await storage?.close();
  }
}

/** The same master key the platform uses; never created here (a new key would open nothing). */
async function masterKey(dataDir: string, env: NodeJS.ProcessEnv): Promise<MasterKeyProvider> {
  const hex = env.CUSTODIA_MASTER_KEY;
  if (!hex && !existsSync(join(dataDir, MASTER_KEY_FILE))) {
    throw new Error(
      `no master key: set CUSTODIA_MASTER_KEY or keep ${join(dataDir, MASTER_KEY_FILE)}; ` +
        'or pass --sample 0 to skip opening sealed values',
    );
  }
  return createMasterKeyProvider({ dataDir, ...(hex ? { masterKeyHex: hex } : {}) });
}

/** One line per phase, refreshed at most once a second. */
function progressPrinter(): (what: string, copied: number) => void {
  let last = 0;
  let phase = '';
  return (what, copied) => {
    const now = Date.now();
    if (what !== phase || now - last >= 1000) {
      phase = what;
      last = now;
      log(`  ${what}: ${copied}`);
    }
  };
}

if (process.argv[1]?.endsWith('scripts/migrate.ts')) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`migrate: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
