// Finds a PostgreSQL server for the tests and hands out throw-away databases on it.
//   CUSTODIA_TEST_PG_URL set → that server (a role with CREATEDB; .ci/run creates one)
//   unset                   → the local default below (password from PGPASSWORD or ~/.pgpass)
// Each caller gets its own database named custodia_pgtest_<random>, dropped when done, so test
// files running in parallel never see each other's schemas. When no server answers, tests print
// SKIP_NOTICE and register themselves as skipped: they never pass silently.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_SKIP_NOTICE = 'skipped: no PostgreSQL reachable (set CUSTODIA_TEST_PG_URL)';

const DEFAULT_URL = 'postgres://custodia_test@127.0.0.1:5432/postgres';

let found: Promise<string | null> | undefined;

/** The admin URL of a reachable server (a role allowed to create databases), or null. */
export function findPostgres(): Promise<string | null> {
  found ??= (async () => {
    const url = process.env.CUSTODIA_TEST_PG_URL || DEFAULT_URL;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return url;
    } catch {
      return null;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return found;
}

export interface TestDatabase {
  /** Connection URL of the fresh database (same role as the admin URL). */
  url: string;
  name: string;
  drop: () => Promise<void>;
}

/** Creates an empty database for one test file or harness; `drop` removes it (and ends any
 *  connection a killed child process left behind). */
export async function createTestDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `custodia_pgtest_${randomBytes(5).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  let dropped = false;
  return {
    url: u.toString(),
    name,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      // FORCE cannot end an autovacuum worker busy on the database for a role without
      // pg_signal_backend (.ci/run grants it); such a worker is done within moments.
      for (let attempt = 1; ; attempt++) {
        try {
          return await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
        } catch (err) {
          if ((err as { code?: string }).code !== '42501' || attempt >= 20) throw err;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    },
  };
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}
