// Chooses the storage adapter from configuration: sqlite by default, MongoDB when MONGODB_URI is
// set. The mongo adapter (./mongo/index.ts) is loaded only when configured, so a sqlite
// deployment never loads mongoose.
import type { Config } from '../config.ts';
import type { StorageProvider } from './port.ts';
import { createSqliteStorage } from './sqlite/index.ts';

export type StorageConfig = Pick<Config, 'dataDir' | 'mongodbUri'>;

interface MongoModule {
  createMongoStorage: (config: StorageConfig) => Promise<StorageProvider>;
}

export interface StorageFactoryDeps {
  /** Loads the mongo adapter module; replaceable in tests. */
  loadMongo?: () => Promise<unknown>;
}

// A computed specifier: the module may not exist yet in a given build, and the type checker must
// not require it.
const MONGO_MODULE = new URL('./mongo/index.ts', import.meta.url).href;
const defaultLoadMongo = (): Promise<unknown> => import(MONGO_MODULE);

export async function createStorage(config: StorageConfig, deps: StorageFactoryDeps = {}): Promise<StorageProvider> {
  if (!config.mongodbUri) return createSqliteStorage({ dataDir: config.dataDir });

  let mod: unknown;
  try {
    mod = await (deps.loadMongo ?? defaultLoadMongo)();
  } catch (cause) {
    throw new Error('the MongoDB adapter is unavailable (MONGODB_URI is set but platform/storage/mongo failed to load)', {
      cause,
    });
  }
  const create = (mod as Partial<MongoModule> | null)?.createMongoStorage;
  if (typeof create !== 'function') {
    throw new Error('the MongoDB adapter is unavailable (platform/storage/mongo exports no createMongoStorage)');
  }
  return create(config);
}
