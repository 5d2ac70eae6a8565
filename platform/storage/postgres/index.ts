// The PostgreSQL adapter's public entry; see ./provider.ts (pool, schemas, lifecycle) and ./store.ts.
export { createPostgresStorage, PostgresStorage, redactPgUrl, type PostgresStorageOptions } from './provider.ts';
export { PgStore } from './store.ts';
export { SCHEMA_VERSION, schemaName } from './schema.ts';
