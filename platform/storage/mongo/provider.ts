// The MongoDB storage adapter (docs/architecture.md "Storage port"), chosen when MONGODB_URI is set
// (../index.ts loads this folder only then). One connection for the process; one database per
// tenant plus the platform's (names: ./encoding.ts databaseName):
//   <prefix>platform        platform store (scope "_platform")
//   <prefix>t_<tenantId>    one per tenant, opened lazily and cached
// mongoose supplies the connection, its per-database handles (useDb) and its connection state;
// the stores use the driver's collections directly (./store.ts), because they move opaque sealed
// bytes and need exact control of sessions and write concerns, which model casting would only
// get in the way of. The per-scope cache, open checks and drop order come from
// ../shared/provider-base.ts.
import mongoose, { type Connection, type mongo } from 'mongoose';
import { PLATFORM_SCOPE, TENANT_ID_PATTERN } from '../port.ts';
import { ScopedStorage } from '../shared/provider-base.ts';
import {
  DEFAULT_DB_PREFIX,
  assertDbPrefix,
  databaseName,
  describeConnectError,
  parseServerVersion,
  redactUri,
  serverModeFromHello,
  supportsTransactions,
  type ServerMode,
} from './encoding.ts';
import { ensureSchema } from './schema.ts';
import { MongoSnapshot } from './snapshot.ts';
import { MongoStore, writeConcernFor, type WriteMode } from './store.ts';

export interface MongoStorageOptions {
  /** mongodb:// or mongodb+srv:// connection string. */
  uri: string;
  /** Database name prefix (default "custodia_"); tests use a unique one per run. */
  dbPrefix?: string;
  /** How long start-up waits for a usable server before failing (default 5 s). */
  serverSelectionTimeoutMS?: number;
  /** Force the standalone write path even on a replica set (tests of the fallback). */
  forceStandaloneWrites?: boolean;
}

export interface MongoServerInfo {
  version: string;
  mode: ServerMode;
  /** "transactions" on a replica set or sharded cluster, else "standalone" (see ./store.ts). */
  writes: WriteMode;
  /** The URI with secrets replaced, for logs. */
  uri: string;
}

/** Oldest server the bundled driver speaks to (mongodb 7.x driver: MongoDB 4.4). */
const MIN_SERVER_VERSION: [number, number] = [4, 4];

export class MongoStorage extends ScopedStorage<MongoStore> {
  readonly kind = 'mongo' as const;
  readonly #conn: Connection;
  readonly #prefix: string;

  private constructor(
    conn: Connection,
    prefix: string,
    readonly server: MongoServerInfo,
  ) {
    super();
    this.#conn = conn;
    this.#prefix = prefix;
  }

  /** Use `createMongoStorage`. Connects at once, so a bad URI or credentials fail at start-up. */
  static async open(opts: MongoStorageOptions): Promise<MongoStorage> {
    const prefix = opts.dbPrefix ?? DEFAULT_DB_PREFIX;
    assertDbPrefix(prefix);
    const timeoutMs = opts.serverSelectionTimeoutMS ?? 5000;
    const conn = mongoose.createConnection(opts.uri, {
      serverSelectionTimeoutMS: timeoutMs,
      appName: 'custodia',
      // No models are used; nothing must wait silently in a mongoose buffer while disconnected.
      bufferCommands: false,
      autoIndex: false,
      autoCreate: false,
    });
    try {
      await conn.asPromise();
      const admin = conn.getClient().db('admin');
      const hello = await helloOf(admin);
      const build = await admin.command({ buildInfo: 1 });
      const version = String(build.version ?? 'unknown');
      const [major, minor] = parseServerVersion(version);
      if (major < MIN_SERVER_VERSION[0] || (major === MIN_SERVER_VERSION[0] && minor < MIN_SERVER_VERSION[1])) {
        throw new Error(`MongoDB ${version} is too old: ${MIN_SERVER_VERSION.join('.')} or newer is needed`);
      }
      const mode = serverModeFromHello(hello);
      const writes: WriteMode =
        !opts.forceStandaloneWrites && supportsTransactions(mode, hello) ? 'transactions' : 'standalone';
      const storage = new MongoStorage(conn, prefix, { version, mode, writes, uri: redactUri(opts.uri) });
      // Open the platform database now: missing privileges show at start-up, not on first use.
      await storage.platform();
      return storage;
    } catch (err) {
      await conn.close(true).catch(() => undefined);
      if (err instanceof Error && /too old/.test(err.message)) throw err;
      throw new Error(describeConnectError(err, opts.uri, timeoutMs), { cause: err });
    }
  }

  protected async openStore(scope: string): Promise<MongoStore> {
    const db = this.#db(scope);
    await ensureSchema(db, scope, writeConcernFor(this.server.writes));
    return new MongoStore({
      scope,
      db,
      client: this.#conn.getClient(),
      mode: this.server.writes,
      isConnected: () => this.isConnected(),
    });
  }

  /** After dropTenant, a handed-out store fails instead of recreating an unindexed database. */
  protected detachStore(store: MongoStore): void {
    store.markDropped();
  }

  protected async removeTenant(tenantId: string): Promise<void> {
    await this.#db(tenantId).dropDatabase({ writeConcern: writeConcernFor(this.server.writes) });
  }

  protected async closeEngine(): Promise<void> {
    await this.#conn.close();
  }

  /** A read-only view of one store for backups, region moves and migration (./snapshot.ts):
   *  point-in-time on a replica set, per page on a standalone server. */
  async openSnapshot(scope: string): Promise<MongoSnapshot> {
    const store = await this.storeOf(scope); // checks the scope and that the database is ours
    return MongoSnapshot.begin(store.scope, this.#db(scope), this.#conn.getClient(), this.server.writes);
  }

  /** Tenants that have a database, sorted (the tenant part of `<prefix>t_<id>`). */
  async snapshotTenants(): Promise<string[]> {
    this.assertOpen();
    const head = `${this.#prefix}t_`;
    const { databases } = await this.#conn.getClient().db('admin').admin().listDatabases({ nameOnly: true });
    return databases
      .map((d) => d.name)
      .filter((name) => name.startsWith(head))
      .map((name) => name.slice(head.length))
      .filter((id) => TENANT_ID_PATTERN.test(id))
      .sort();
  }

  /** The database a scope lives in (for operators and tests). */
  databaseName(scope: string): string {
    return databaseName(scope, this.#prefix);
  }

  /** False while the driver has no usable server: mongoose tracks it from the driver's
   *  server and topology events (readyState 1 = connected). */
  isConnected(): boolean {
    return !this.closed && this.#conn.readyState === mongoose.ConnectionStates.connected;
  }

  #db(scope: string): mongo.Db {
    const name = databaseName(scope, this.#prefix);
    // useDb shares the base connection's pool; useCache keeps one handle per database name.
    // Its `db` is the driver's client.db(name), set at once while connected; asking the client
    // directly covers a moment of disconnection (the handle is the same either way).
    const child = this.#conn.useDb(name, { useCache: true });
    return child.db ?? this.#conn.getClient().db(name);
  }
}

/** `hello` (MongoDB 4.4.2+), or the legacy `isMaster` on older 4.4 patch releases. */
async function helloOf(admin: mongo.Db): Promise<Record<string, unknown>> {
  try {
    return await admin.command({ hello: 1 });
  } catch {
    return admin.command({ isMaster: 1 });
  }
}

/** The entry ../index.ts calls when `config.mongodbUri` is set. */
export async function createMongoStorage(
  config: { dataDir: string; mongodbUri?: string },
  options: Omit<MongoStorageOptions, 'uri'> = {},
): Promise<MongoStorage> {
  if (!config.mongodbUri) throw new Error('the MongoDB adapter needs MONGODB_URI');
  return MongoStorage.open({ ...options, uri: config.mongodbUri });
}
