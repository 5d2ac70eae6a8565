// The MongoDB adapter's public entry; see ./provider.ts (connection and databases), ./store.ts
// (the Store port over one database), ./schema.ts (collections and indexes) and docs/mongodb.md.
export { createMongoStorage, MongoStorage, type MongoServerInfo, type MongoStorageOptions } from './provider.ts';
export { MongoStore, type WriteMode } from './store.ts';
export { DEFAULT_DB_PREFIX, databaseName, redactUri } from './encoding.ts';
export { MONGO_SCHEMA_VERSION } from './schema.ts';
