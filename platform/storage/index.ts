// Chooses the storage adapter from configuration by the store URL's scheme: sqlite by default,
// PostgreSQL for postgres:// (config.storeUrl), MongoDB for mongodb:// (config.mongodbUri, also
// set from the MONGODB_URI alias). The other adapters (./postgres, ./mongo) are loaded only when
// configured, so a sqlite deployment never loads pg or mongoose.
import type { Config } from '../config.ts';
import type { StorageProvider } from './port.ts';
import { RegionalStorage } from './regions.ts';
import { createSqliteStorage } from './sqlite/index.ts';

export type StorageConfig = Pick<Config, 'dataDir' | 'mongodbUri'> & Partial<Pick<Config, 'storeUrl' | 'regions'>>;

interface MongoModule {
  createMongoStorage: (config: StorageConfig) => Promise<StorageProvider>;
}

interface PostgresModule {
  createPostgresStorage: (config: StorageConfig) => Promise<StorageProvider>;
}

export interface StorageFactoryDeps {
  /** Loads the mongo adapter module; replaceable in tests. */
  loadMongo?: () => Promise<unknown>;
  /** Loads the postgres adapter module; replaceable in tests. */
  loadPostgres?: () => Promise<unknown>;
}

// Computed specifiers: the module may not exist yet in a given build, and the type checker must
// not require it.
const MONGO_MODULE = new URL('./mongo/index.ts', import.meta.url).href;
const POSTGRES_MODULE = new URL('./postgres/index.ts', import.meta.url).href;
const defaultLoadMongo = (): Promise<unknown> => import(MONGO_MODULE);
const defaultLoadPostgres = (): Promise<unknown> => import(POSTGRES_MODULE);

export const isPostgresUrl = (url: string | undefined): url is string => /^postgres(ql)?:\/\//.test(url ?? '');

export async function createStorage(config: StorageConfig, deps: StorageFactoryDeps = {}): Promise<StorageProvider> {
  if (config.regions) return createRegionalStorage(config, config.regions, deps);
  return createOne(config, deps);
}

/** Residency: the default location keeps the platform store; each region opens its own provider
 *  (a region whose location is the default one shares the default provider). */
async function createRegionalStorage(
  config: StorageConfig,
  regions: NonNullable<Config['regions']>,
  deps: StorageFactoryDeps,
): Promise<RegionalStorage> {
  const home = await createOne(config, deps);
  const homeKey = config.storeUrl ?? config.mongodbUri ?? config.dataDir;
  const byRegion = new Map<string, StorageProvider>();
  try {
    for (const [name, loc] of Object.entries(regions)) {
      const key = loc.storeUrl ?? loc.mongodbUri ?? loc.dataDir;
      if (key === homeKey) {
        byRegion.set(name, home);
        continue;
      }
      const regional: StorageConfig = loc.dataDir
        ? { dataDir: loc.dataDir }
        : { dataDir: config.dataDir, ...(loc.storeUrl ? { storeUrl: loc.storeUrl } : {}), ...(loc.mongodbUri ? { mongodbUri: loc.mongodbUri } : {}) };
      byRegion.set(name, await createOne(regional, deps));
    }
  } catch (err) {
    await Promise.allSettled([...new Set([home, ...byRegion.values()])].map((p) => p.close()));
    throw err;
  }
  return new RegionalStorage(home, byRegion);
}

async function createOne(config: StorageConfig, deps: StorageFactoryDeps): Promise<StorageProvider> {
  if (isPostgresUrl(config.storeUrl)) {
    const create = await loadFactory<PostgresModule>(
      deps.loadPostgres ?? defaultLoadPostgres,
      'createPostgresStorage',
      'the PostgreSQL adapter is unavailable (CUSTODIA_STORE_URL is postgres:// but platform/storage/postgres',
    );
    return create(config);
  }
  if (!config.mongodbUri) return createSqliteStorage({ dataDir: config.dataDir });
  const create = await loadFactory<MongoModule>(
    deps.loadMongo ?? defaultLoadMongo,
    'createMongoStorage',
    'the MongoDB adapter is unavailable (MONGODB_URI is set but platform/storage/mongo',
  );
  return create(config);
}

async function loadFactory<M>(load: () => Promise<unknown>, name: keyof M & string, what: string): Promise<M[keyof M]> {
  let mod: unknown;
  try {
    mod = await load();
  } catch (cause) {
    throw new Error(`${what} failed to load)`, { cause });
  }
  const create = (mod as Record<string, unknown> | null)?.[name];
  if (typeof create !== 'function') {
    throw new Error(`${what.replace(/ \(.*/, '')} (its module exports no ${name})`);
  }
  return create as M[keyof M];
}
