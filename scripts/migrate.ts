// `npm run migrate -- --tenant <id> --to mongodb://… | postgres://…`: copies one sqlite store to
// MongoDB or PostgreSQL as stored bytes (nothing is decrypted), then verifies both sides and
// prints a table.
// The copy and the checks live in platform/storage/mongo/migration.ts; docs/mongodb.md explains
// when and how to use this.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MASTER_KEY_FILE, createMasterKeyProvider } from '../platform/crypto/master-key.ts';
import type { MasterKeyProvider } from '../platform/crypto/types.ts';
import { PLATFORM_SCOPE } from '../platform/storage/port.ts';
import { createMongoStorage, redactUri, type MongoStorage } from '../platform/storage/mongo/index.ts';
import { createPostgresStorage, redactPgUrl, type PostgresStorage } from '../platform/storage/postgres/index.ts';
import {
  MIGRATE_HELP,
  SqliteExport,
  copyStore,
  formatTable,
  parseMigrateArgs,
  targetHoldsData,
  verifyCopy,
  type MigrateArgs,
  type TargetStore,
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

/** Where the copy goes: the same steps for MongoDB and PostgreSQL, through the Store port. */
interface Target {
  describe: string;
  /** Database (MongoDB) or schema (PostgreSQL) holding the scope, for messages. */
  place: string;
  store(): Promise<TargetStore>;
  dropTenant(): Promise<void>;
  close(): Promise<void>;
  /** How the platform is told to use this store. */
  setting: string;
  name: string;
}

async function openTarget(args: MigrateArgs, scope: string, dataDir: string): Promise<Target> {
  if (/^postgres(ql)?:\/\//.test(args.to)) {
    const storage: PostgresStorage = await createPostgresStorage({ storeUrl: args.to });
    return {
      describe: `PostgreSQL ${storage.serverVersion}, schema per tenant`,
      place: `schema ${storage.schemaName(scope)}`,
      store: () => (args.platform ? storage.platformStore() : storage.tenantStore(scope)),
      dropTenant: () => storage.dropTenant(scope),
      close: () => storage.close(),
      setting: `CUSTODIA_STORE_URL=${storage.url}`,
      name: 'PostgreSQL',
    };
  }
  const storage: MongoStorage = await createMongoStorage({ dataDir, mongodbUri: args.to });
  return {
    describe: `MongoDB ${storage.server.version}, ${storage.server.mode}, ${storage.server.writes} writes`,
    place: storage.databaseName(scope),
    store: () => (args.platform ? storage.platformStore() : storage.tenantStore(scope)),
    dropTenant: () => storage.dropTenant(scope),
    close: () => storage.close(),
    setting: `MONGODB_URI=${redactUri(args.to)}`,
    name: 'MongoDB',
  };
}

async function migrate(args: MigrateArgs, env: NodeJS.ProcessEnv): Promise<number> {
  const scope = args.platform ? PLATFORM_SCOPE : args.tenant!;
  const label = args.platform ? 'the platform store' : `tenant ${scope}`;
  const dataDir = resolve(args.fromDataDir);
  const master = args.sample > 0 ? await masterKey(dataDir, env) : undefined;

  const source = SqliteExport.open(dataDir, scope);
  let target: Target | undefined;
  try {
    const shown = /^postgres(ql)?:\/\//.test(args.to) ? redactPgUrl(args.to) : redactUri(args.to);
    log(`migrating ${label}: ${source.file} → ${shown}`);
    target = await openTarget(args, scope, dataDir);
    log(`target: ${target.describe}`);

    let store = await target.store();
    const kinds = source.recordCounts().keys();
    if (await targetHoldsData(store, kinds)) {
      if (!args.replace || args.platform) {
        throw new Error(
          `${target.place} already holds data for ${label}; ` +
            (args.platform ? 'drop it by hand first' : 'pass --replace to drop it first'),
        );
      }
      log(`dropping the existing ${target.place} (--replace)`);
      await target.dropTenant();
      store = await target.store();
    }

    const started = Date.now();
    const copied = await copyStore(source, store, {
      batchSize: args.batchSize,
      sample: args.sample,
      onProgress: progressPrinter(),
    });
    log(
      `copied ${copied.keys} keys, ${copied.records} records, ${copied.points} points, ${copied.audit} audit entries ` +
        `and ${copied.checkpoints} checkpoints in ${((Date.now() - started) / 1000).toFixed(1)} s; verifying…`,
    );

    const rows = await verifyCopy(source, store, {
      ...(master ? { master } : {}),
      sampledRecords: copied.sampledRecords,
      sampledPoints: copied.sampledPoints,
    });
    log('');
    log(formatTable(rows));
    log('');
    const bad = rows.filter((r) => !r.ok).length;
    if (bad > 0) {
      log(`${bad} check(s) do not match: do not switch ${label} to ${target.name}; investigate, then rerun with --replace.`);
      return 1;
    }
    log(`all checks match: ${label} can run on ${target.name} (${target.setting}).`);
    return 0;
  } finally {
    source.close();
    await target?.close();
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
