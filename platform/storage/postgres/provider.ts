// The PostgreSQL storage adapter, chosen when the store URL is postgres:// or postgresql://
// (../index.ts loads this folder only then). One small connection pool for the process; one
// schema per tenant plus the platform's, in the URL's database (names: ./schema.ts schemaName):
//   <prefix>platform        platform store (scope "_platform")
//   <prefix>t_<tenantId>    one per tenant, created on first use and cached
// Sessions run with synchronous_commit = on (checked at start-up) and a search_path holding
// no application schema, so only the schema-qualified statements of ./store.ts reach any table.
// The per-scope cache, open checks and drop order come from ../shared/provider-base.ts.
import pg from 'pg';
import { PLATFORM_SCOPE, TENANT_ID_PATTERN } from '../port.ts';
import { ScopedStorage } from '../shared/provider-base.ts';
import { DEFAULT_SCHEMA_PREFIX, assertSchemaPrefix, ensureSchema, schemaName, tablesOf } from './schema.ts';
import { PgSnapshot } from './snapshot.ts';
import { PgStore } from './store.ts';
import { withClient } from './client.ts';

export interface PostgresStorageOptions {
  /** postgres:// or postgresql:// connection string. */
  url: string;
  /** Schema name prefix (default "custodia_"); tests use a unique one per provider. */
  schemaPrefix?: string;
  /** Connections in the pool (default 4: the platform is one process on a few cores). */
  poolSize?: number;
  /** How long start-up and each checkout wait for a connection before failing (default 5 s). */
  connectTimeoutMs?: number;
}

/** Oldest server the DDL runs on (EXECUTE FUNCTION in triggers: PostgreSQL 11). */
const MIN_SERVER_MAJOR = 11;

export class PostgresStorage extends ScopedStorage<PgStore> {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #prefix: string;

  private constructor(
    pool: pg.Pool,
    prefix: string,
    /** The URL with its password replaced, for logs. */
    readonly url: string,
    readonly serverVersion: string,
  ) {
    super();
    this.#pool = pool;
    this.#prefix = prefix;
  }

  /** Use `createPostgresStorage`. Connects at once, so a bad URL or credentials fail at start-up. */
  static async open(opts: PostgresStorageOptions): Promise<PostgresStorage> {
    const prefix = opts.schemaPrefix ?? DEFAULT_SCHEMA_PREFIX;
    assertSchemaPrefix(prefix);
    const timeoutMs = opts.connectTimeoutMs ?? 5000;
    const redacted = redactPgUrl(opts.url);
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 4,
      connectionTimeoutMillis: timeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: 'custodia',
      keepAlive: true,
      options: '-c search_path=pg_catalog -c synchronous_commit=on',
    });
    // An idle connection the server closes (restart, failover) must not crash the process;
    // the next checkout opens a fresh one, and a failing checkout surfaces as that call's error.
    pool.on('error', () => undefined);
    try {
      const res = await pool.query<{ v: string; n: string; sc: string }>(
        `SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n,
                current_setting('synchronous_commit') AS sc`,
      );
      const row = res.rows[0]!;
      if (Number(row.n) < MIN_SERVER_MAJOR * 10_000) {
        throw new StartupError(`PostgreSQL ${row.v} at ${redacted} is too old: ${MIN_SERVER_MAJOR} or newer is needed`);
      }
      // The PUBACK-after-commit promise needs a COMMIT that returns only once it is on disk.
      if (row.sc !== 'on' && row.sc !== 'remote_apply') {
        throw new StartupError(`PostgreSQL at ${redacted} runs with synchronous_commit = ${row.sc}; the store needs on`);
      }
      const storage = new PostgresStorage(pool, prefix, redacted, row.v);
      // Open the platform schema now: missing privileges show at start-up, not on first use.
      await storage.platform();
      return storage;
    } catch (err) {
      await pool.end().catch(() => undefined);
      if (err instanceof StartupError) throw err;
      // The driver's messages do not quote the URL, but make sure no password slips through.
      const password = passwordOf(opts.url);
      const line = describeConnectError(err, redacted);
      throw new Error(password ? line.split(password).join('***') : line);
    }
  }

  protected async openStore(scope: string): Promise<PgStore> {
    const schema = schemaName(scope, this.#prefix);
    await withClient(this.#pool, (client) => ensureSchema(client, schema, scope));
    return new PgStore({ scope, tables: tablesOf(schema), pool: this.#pool, isOpen: () => !this.closed });
  }

  protected detachStore(store: PgStore): void {
    store.markDropped();
  }

  protected async removeTenant(tenantId: string): Promise<void> {
    const schema = schemaName(tenantId, this.#prefix);
    await withClient(this.#pool, async (client) => {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`custodia-schema:${schema}`]);
        await client.query(`DROP SCHEMA IF EXISTS ${tablesOf(schema).schema} CASCADE`);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  protected async closeEngine(): Promise<void> {
    await this.#pool.end();
  }

  /** The settings a pooled session runs with (for /readyz diagnostics and tests). */
  async sessionSettings(): Promise<{ synchronousCommit: string; searchPath: string }> {
    this.assertOpen();
    const res = await this.#pool.query<{ sc: string; sp: string }>(
      `SELECT current_setting('synchronous_commit') AS sc, current_setting('search_path') AS sp`,
    );
    return { synchronousCommit: res.rows[0]!.sc, searchPath: res.rows[0]!.sp };
  }

  /** A consistent read-only view of one store (backups, region moves): ./snapshot.ts. */
  async openSnapshot(scope: string): Promise<PgSnapshot> {
    this.assertOpen();
    const schema = schemaName(scope, this.#prefix);
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    return PgSnapshot.begin(scope, client, tablesOf(schema), (err) => {
      client.off('error', onError);
      client.release(err ?? broken);
    });
  }

  /** Tenants that have a schema, sorted (the tenant part of `<prefix>t_<id>`). */
  async snapshotTenants(): Promise<string[]> {
    this.assertOpen();
    const head = `${this.#prefix}t_`;
    const res = await this.#pool.query<{ nspname: string }>(
      'SELECT nspname FROM pg_namespace WHERE left(nspname, length($1)) = $1 ORDER BY nspname COLLATE "C"',
      [head],
    );
    return res.rows.map((r) => r.nspname.slice(head.length)).filter((id) => TENANT_ID_PATTERN.test(id));
  }

  /** The schema a scope lives in (for operators and tests). */
  schemaName(scope: string): string {
    return schemaName(scope, this.#prefix);
  }
}

class StartupError extends Error {}

/** The URL with its password (and any secret-looking parameter) replaced by ***. */
export function redactPgUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '(unparsable connection string)';
  }
  if (u.password) u.password = '***';
  for (const name of [...u.searchParams.keys()]) {
    if (/pass|secret|token|sslkey/i.test(name)) u.searchParams.set(name, '***');
  }
  return u.toString();
}

function passwordOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}

/** One line naming the server (password hidden) and what went wrong. */
export function describeConnectError(err: unknown, redactedUrl: string): string {
  const code = (err as { code?: unknown } | null)?.code;
  const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
  if (code === '28P01' || code === '28000') {
    return `PostgreSQL at ${redactedUrl} rejected the credentials (${message}); check the user and password in CUSTODIA_STORE_URL`;
  }
  if (code === '3D000') return `PostgreSQL at ${redactedUrl}: ${message}; create the database first`;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return `PostgreSQL at ${redactedUrl} is unreachable (${message})`;
  if (/timeout/i.test(message)) return `PostgreSQL at ${redactedUrl} is unreachable (no answer within the connect timeout)`;
  return `PostgreSQL at ${redactedUrl} could not be used: ${message}`;
}

/** The entry ../index.ts calls when the store URL is postgres:// or postgresql://. */
export async function createPostgresStorage(
  config: { storeUrl?: string },
  options: Omit<PostgresStorageOptions, 'url'> = {},
): Promise<PostgresStorage> {
  if (!config.storeUrl || !/^postgres(ql)?:\/\//.test(config.storeUrl)) {
    throw new Error('the PostgreSQL adapter needs CUSTODIA_STORE_URL=postgres://…');
  }
  return PostgresStorage.open({ ...options, url: config.storeUrl });
}
