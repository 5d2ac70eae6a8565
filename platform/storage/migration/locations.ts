// Where a migration reads or writes: a sqlite data directory, a PostgreSQL URL or a MongoDB URI,
// told apart by the scheme as CUSTODIA_STORE_URL is (../index.ts). Adapters other than sqlite are
// loaded only when named. A sqlite source is read through read-only connections alone, so the
// platform may keep running on it and its files are never written.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createSqliteStorage } from '../sqlite/index.ts';
import { SqliteSnapshot, sqliteTenants } from '../sqlite/snapshot.ts';
import type { SnapshotCapable } from '../snapshot.ts';
import type { Endpoint } from './migrate.ts';

export type LocationKind = 'sqlite' | 'postgres' | 'mongo';

export const POSTGRES_URL = /^postgres(ql)?:\/\//;
export const MONGODB_URI = /^mongodb(\+srv)?:\/\//;

export function locationKind(location: string): LocationKind {
  if (POSTGRES_URL.test(location)) return 'postgres';
  if (MONGODB_URI.test(location)) return 'mongo';
  return 'sqlite';
}

export interface Opened<P> {
  kind: LocationKind;
  provider: P;
  /** For messages: the directory, or the URL with its secrets hidden. */
  label: string;
  /** Server and layout, for the report's header. */
  describe: string;
  close(): Promise<void>;
}

export interface LocationOptions {
  /** PostgreSQL schema / MongoDB database name prefix (tests use a unique one). */
  prefix?: string;
}

/** A location to write to (a sqlite directory is created when missing). */
export async function openDestination(location: string, opts: LocationOptions = {}): Promise<Opened<Endpoint>> {
  const kind = locationKind(location);
  if (kind === 'postgres') {
    const { createPostgresStorage } = await import('../postgres/index.ts');
    const pg = await createPostgresStorage({ storeUrl: location }, opts.prefix ? { schemaPrefix: opts.prefix } : {});
    return { kind, provider: pg, label: pg.url, describe: `PostgreSQL ${pg.serverVersion}, schema per tenant`, close: () => pg.close() };
  }
  if (kind === 'mongo') {
    const { createMongoStorage, redactUri } = await import('../mongo/index.ts');
    const mongo = await createMongoStorage({ dataDir: '.', mongodbUri: location }, opts.prefix ? { dbPrefix: opts.prefix } : {});
    const s = mongo.server;
    return { kind, provider: mongo, label: redactUri(location), describe: `MongoDB ${s.version}, ${s.mode}, ${s.writes} writes`, close: () => mongo.close() };
  }
  const dir = resolve(location);
  const sqlite = await createSqliteStorage({ dataDir: dir });
  return { kind, provider: sqlite, label: dir, describe: 'sqlite, one file per tenant', close: () => sqlite.close() };
}

/** A location to read from; a sqlite directory must hold a platform store already. */
export async function openSource(location: string, opts: LocationOptions = {}): Promise<Opened<SnapshotCapable>> {
  if (locationKind(location) !== 'sqlite') return openDestination(location, opts);
  const dir = resolve(location);
  if (!existsSync(join(dir, 'platform.db'))) throw new Error(`no sqlite data directory at ${dir} (platform.db is missing)`);
  const provider: SnapshotCapable = {
    openSnapshot: async (scope) => SqliteSnapshot.open(dir, scope),
    snapshotTenants: () => sqliteTenants(dir),
  };
  return { kind: 'sqlite', provider, label: dir, describe: 'sqlite, read-only', close: async () => undefined };
}
