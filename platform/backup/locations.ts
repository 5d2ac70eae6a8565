// Where the offline backup tools read and write under residency (docs/backup.md "Backups per
// region"): which region a location, a tenant or a target belongs to, and a snapshot reader for
// a location. Pure functions first; the reader opens PostgreSQL only when a location is one.
import { backupLocation, type RegionLocation } from '../config.ts';
import { postgresSnapshots, sqliteSnapshots, type SnapshotSource } from './snapshot.ts';
import { snapshotsOf } from '../storage/snapshot.ts';

export type Location = Pick<RegionLocation, 'dataDir' | 'storeUrl' | 'mongodbUri'>;
type Regions = Readonly<Record<string, RegionLocation>>;

export const locationKey = (loc: Location): string => loc.storeUrl ?? loc.mongodbUri ?? loc.dataDir ?? '';

/** The region stored in the default location, if one is (at most one can be). */
export function regionAt(regions: Regions, home: Location): string | undefined {
  return Object.entries(regions).find(([, loc]) => locationKey(loc) === locationKey(home))?.[0];
}

/** Targets that another region (or, for a region's backup, nobody else) owns: a backup may not
 *  put a byte of one region on another region's targets. */
export function foreignTargets(regions: Regions, region: string | undefined, targets: readonly string[]): { target: string; owner: string }[] {
  const out: { target: string; owner: string }[] = [];
  for (const t of targets) {
    const where = backupLocation(t);
    for (const [name, loc] of Object.entries(regions)) {
      if (name !== region && loc.backupTargets.includes(where)) out.push({ target: t, owner: name });
    }
  }
  return out;
}

/** Whether a backup of the default location includes the tenants stored there: not when they
 *  belong to a region that has backup targets of its own. */
export function homeTenantsIncluded(regions: Regions | undefined, home: Location): boolean {
  if (!regions) return true;
  const region = regionAt(regions, home);
  return !region || regions[region]!.backupTargets.length === 0;
}

export interface OpenedLocation {
  source: SnapshotSource;
  /** Safe to print: a directory or a URL without its password. */
  label: string;
  close(): Promise<void>;
}

/** A snapshot reader over a location: a sqlite data directory or a PostgreSQL database. */
export async function openLocation(loc: Location): Promise<OpenedLocation> {
  const mongoUri = loc.mongodbUri ?? (/^mongodb(\+srv)?:\/\//.test(loc.storeUrl ?? '') ? loc.storeUrl : undefined);
  if (mongoUri) {
    // A replica set gives one point-in-time snapshot per store; a standalone mongod reads per
    // page, so pause ingest while backing one up (docs/backup.md).
    const { createMongoStorage, redactUri } = await import('../storage/mongo/index.ts');
    const mongo = await createMongoStorage({ dataDir: loc.dataDir ?? '.', mongodbUri: mongoUri });
    return { source: snapshotsOf(mongo), label: `${redactUri(mongoUri)} (${mongo.server.mode})`, close: () => mongo.close() };
  }
  if (loc.storeUrl && /^postgres(ql)?:\/\//.test(loc.storeUrl)) {
    const { createPostgresStorage } = await import('../storage/postgres/index.ts');
    const pg = await createPostgresStorage({ storeUrl: loc.storeUrl });
    return { source: postgresSnapshots(pg), label: pg.url, close: () => pg.close() };
  }
  if (!loc.dataDir) throw new Error('a location is a data directory or a postgres:// URL');
  return { source: sqliteSnapshots(loc.dataDir), label: loc.dataDir, close: async () => undefined };
}

/** The region whose location holds this tenant's store (by tenant → region), if any. */
export async function regionHolding(regions: Regions, tenant: string, open: (loc: Location) => Promise<OpenedLocation> = openLocation): Promise<string | undefined> {
  for (const [name, loc] of Object.entries(regions)) {
    const opened = await open(loc);
    try {
      if ((await opened.source.tenants()).includes(tenant)) return name;
    } finally {
      await opened.close();
    }
  }
  return undefined;
}
