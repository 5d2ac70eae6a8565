// `npm run start:mongo`: the same demo as `npm start`, stored in MongoDB instead of sqlite.
// It starts a private one-member replica set (mongodb-memory-server, wiredTiger, data under
// <CUSTODIA_DATA_DIR>/mongo so it survives restarts), points MONGODB_URI at it and runs the normal
// start script. A replica set rather than a lone mongod because the adapter commits each batch in
// a transaction only there (platform/storage/mongo/store.ts). See docs/mongodb.md.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const HOW_TO_FIX =
  'set MONGOMS_SYSTEM_BINARY to a mongod binary (MongoDB 4.4 or newer), ' +
  'or set MONGODB_URI to an existing server and use `npm start`';

/** A fixed port: the replica set's configuration (kept in the data files) names host and port, so
 *  a restart on another port would find no member of its own set. */
const portSchema = z.coerce.number().int().min(1).max(65535).default(27027);

interface StartScript {
  main: (env?: NodeJS.ProcessEnv) => Promise<void>;
}

/** One line on stderr, exit status 1: the only way this script reports a failure to start. */
function fail(line: string): never {
  console.error(`start:mongo: ${line}`);
  process.exit(1);
}

const firstLine = (err: unknown) =>
  (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim().slice(0, 240);

export async function startMongo(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env.MONGODB_URI) {
    fail('MONGODB_URI is already set; to run on that server use `npm start` (start:mongo starts a MongoDB of its own)');
  }
  const port = portSchema.safeParse(env.CUSTODIA_MONGO_PORT || undefined);
  if (!port.success) fail('CUSTODIA_MONGO_PORT must be a port number (1-65535)');
  const dbPath = join(resolve(env.CUSTODIA_DATA_DIR || './data'), 'mongo');
  mkdirSync(dbPath, { recursive: true, mode: 0o700 });

  let mms: typeof import('mongodb-memory-server');
  try {
    mms = await import('mongodb-memory-server');
  } catch {
    fail(`mongodb-memory-server is not installed (a dev dependency: run npm install without --omit=dev); or ${HOW_TO_FIX}`);
  }

  // Resolving the binary first tells "cannot get mongod" apart from "mongod would not start".
  try {
    await mms.MongoBinary.getPath();
  } catch (err) {
    fail(`could not obtain a mongod binary (${firstLine(err)}); ${HOW_TO_FIX}`);
  }

  let replSet: InstanceType<typeof mms.MongoMemoryReplSet>;
  try {
    replSet = await mms.MongoMemoryReplSet.create({
      replSet: {
        count: 1,
        name: 'custodia',
        storageEngine: 'wiredTiger',
        // Its own process group: Ctrl+C in the terminal reaches the platform, which stops first;
        // mongod is stopped after it (below).
        spawn: { detached: true },
      },
      instanceOpts: [{ dbPath, port: port.data, storageEngine: 'wiredTiger' }],
    });
  } catch (err) {
    fail(`mongod did not start on port ${port.data} with data in ${dbPath} (${firstLine(err)}); ${HOW_TO_FIX}`);
  }

  // scripts/start.ts stops the simulators and the platform on SIGINT/SIGTERM and then exits; at
  // exit, mongod gets SIGTERM, on which it shuts down cleanly on its own (flushing its journal).
  const pids = replSet.servers.flatMap((s) => s.instanceInfo?.instance.mongodProcess?.pid ?? []);
  process.once('exit', () => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  });

  env.MONGODB_URI = replSet.getUri();
  console.log(`start:mongo: MongoDB replica set at ${env.MONGODB_URI} (data in ${dbPath})`);
  try {
    const start = (await import('./start.ts')) as Partial<StartScript>;
    if (typeof start.main !== 'function') throw new Error('scripts/start.ts exports no main()');
    await start.main(env);
  } catch (err) {
    await replSet.stop({ doCleanup: false, force: false }).catch(() => undefined);
    fail(`custodia failed to start: ${firstLine(err)}`);
  }
}

if (process.argv[1]?.endsWith('scripts/start-mongo.ts')) {
  startMongo().catch((err: unknown) => fail(firstLine(err)));
}
