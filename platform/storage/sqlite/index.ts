// The sqlite adapter's public entry; see ./provider.ts (files and lifecycle) and ./store.ts.
export { createSqliteStorage, SqliteStorage, type SqliteStorageOptions } from './provider.ts';
export { SqliteStore } from './store.ts';
export { SCHEMA_VERSION } from './schema.ts';
