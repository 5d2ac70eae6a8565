// Moving stores between adapters without decrypting (docs/architecture.md "Storage port",
// README "Migration"): ./migrate.ts copies and verifies, ./cli.ts is the command line.
export { Reservoir, keysDigest, keyStoreOver, readOnlyKeyStore, targetHoldsData } from './compare.ts';
export { copyScope, snapshotIsEmpty, type CopiedScope } from './copy.ts';
export { MIGRATE_HELP, parseMigrateArgs, runMigration, type MigrateArgs } from './cli.ts';
export { openDestination, openSource, locationKind } from './locations.ts';
export {
  DestinationNotEmptyError,
  auditPublicKeyOf,
  copyStores,
  migrateStores,
  verifyStores,
  type Endpoint,
  type MigrationReport,
  type Which,
} from './migrate.ts';
export { formatReport, formatTable } from './report.ts';
export { verifyScope, type CheckRow } from './verify.ts';
