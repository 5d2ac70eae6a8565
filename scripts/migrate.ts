// `npm run migrate -- --from <location> --to <location> (--all | --platform | --tenant <id>)`:
// copies stores between a sqlite data directory, PostgreSQL and MongoDB in any direction as
// stored bytes (nothing is decrypted), then verifies the copy and prints a report.
// The copy and the checks live in platform/storage/migration/; README "Migration" explains use.
import { MIGRATE_HELP, parseMigrateArgs, runMigration } from '../platform/storage/migration/index.ts';

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Returns the exit status: 0 all checks match, 1 mismatch or failure, 2 bad arguments. */
export async function main(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<number> {
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
    return await runMigration(args, env, log);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`migrate: ${message.replace(/\s+/g, ' ')}`);
    return 1;
  }
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
