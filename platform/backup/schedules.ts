// The scheduled backups of a deployment (docs/backup.md "Scheduled backups", "Backups per
// region"): one schedule for the default location (the platform store and the tenants of regions
// without targets of their own, written to BACKUP_TARGETS) and, with CUSTODIA_REGIONS, one per
// region that names backupTargets (that region's tenants only, written to its targets only).
// Each schedule's last run is kept in the platform store, so a restart shows it at once.
import type { Config } from '../config.ts';
import type { MasterKeyProvider } from '../crypto/types.ts';
import type { AuditSink } from '../services/audit-sink.ts';
import type { SealedRecords } from '../services/records.ts';
import type { StorageProvider } from '../storage/port.ts';
import { RegionalStorage } from '../storage/regions.ts';
import { BackupScheduler, type BackupRun, type BackupRunStore } from './scheduler.ts';
import { composeSnapshots, snapshotSourceOf, type SnapshotSource } from './snapshot.ts';
import { closeTargets, targetFor, type BackupTarget } from './targets.ts';

export const DEFAULT_SCHEDULE = 'default';
const RUN_KIND = 'backup.last-run';

export interface BackupPlan {
  /** DEFAULT_SCHEDULE or the region's name. */
  name: string;
  region?: string;
  targets: string[];
  k: number;
}

/** The schedules a configuration asks for (pure). */
export function backupPlans(config: Pick<Config, 'backup' | 'regions'>): BackupPlan[] {
  if (!config.backup) return [];
  const plans: BackupPlan[] = [{ name: DEFAULT_SCHEDULE, targets: config.backup.targets, k: config.backup.k }];
  for (const [region, loc] of Object.entries(config.regions ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (loc.backupTargets.length === 0) continue;
    plans.push({ name: region, region, targets: loc.backupTargets, k: loc.backupK ?? Math.ceil(loc.backupTargets.length / 2) });
  }
  return plans;
}

/** Regions whose tenants are backed up to their own targets, never to the default ones. */
export const regionsWithTargets = (config: Pick<Config, 'regions'>) =>
  new Set(Object.entries(config.regions ?? {}).filter(([, l]) => l.backupTargets.length > 0).map(([r]) => r));

/** The last run of each schedule as a sealed record of the platform store. */
export function savedRuns(records: SealedRecords, name: string): BackupRunStore {
  return {
    load: async () => (await records.get<BackupRun>(RUN_KIND, name))?.data ?? null,
    save: (run) => records.put(RUN_KIND, name, run),
  };
}

export class BackupSchedules {
  constructor(
    readonly byName: ReadonlyMap<string, BackupScheduler>,
    private readonly targets: readonly BackupTarget[],
  ) {}

  get default(): BackupScheduler {
    return this.byName.get(DEFAULT_SCHEDULE)!;
  }

  /** Regions with a schedule of their own, sorted. */
  regions(): string[] {
    return [...this.byName.keys()].filter((n) => n !== DEFAULT_SCHEDULE);
  }

  /** The schedule that backs up a tenant of this region. */
  forRegion(region: string | undefined): BackupScheduler {
    return (region && this.byName.get(region)) || this.default;
  }

  /** The default schedule's last run. */
  last(): BackupRun | null {
    return this.default.last();
  }

  /** One run of the default schedule now. */
  runOnce(): Promise<BackupRun> {
    return this.default.runOnce();
  }

  /** One run of every schedule now. */
  runAll(): Promise<BackupRun[]> {
    return Promise.all([...this.byName.values()].map((s) => s.runOnce()));
  }

  async loadLast(): Promise<void> {
    for (const s of this.byName.values()) await s.loadLast();
  }

  start(): void {
    for (const s of this.byName.values()) s.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.byName.values()].map((s) => s.stop()));
    closeTargets(this.targets);
  }
}

export interface SchedulesOptions {
  config: Pick<Config, 'backup' | 'regions'>;
  storage: StorageProvider;
  master: MasterKeyProvider;
  audit: Pick<AuditSink, 'record'>;
  records: SealedRecords;
  now?: () => number;
  onError?: (err: unknown) => void;
}

/** Builds the schedules, or null when scheduled backups are off. Throws when a location has no
 *  snapshot reader (MongoDB). */
export function buildSchedules(opts: SchedulesOptions): BackupSchedules | null {
  const plans = backupPlans(opts.config);
  if (plans.length === 0) return null;
  const regional = opts.storage instanceof RegionalStorage ? opts.storage : null;
  const readerOf = (p: StorageProvider): SnapshotSource => {
    const source = snapshotSourceOf(p);
    if (!source) throw new Error(`scheduled backups need a snapshot reader, which the ${p.kind} store has not yet (unset BACKUP_INTERVAL_MINUTES)`);
    return source;
  };
  const home = readerOf(regional ? regional.home : opts.storage);
  const own = regionsWithTargets(opts.config);
  const all: BackupTarget[] = [];
  const byName = new Map<string, BackupScheduler>();
  for (const plan of plans) {
    // Placement is read at each run: tenants are placed after the services are built, and move.
    const source = plan.region
      ? composeSnapshots({ platform: home, tenants: readerOf(regional!.providerOf(plan.region)), include: (t) => regional!.regionOf(t) === plan.region })
      : composeSnapshots({ platform: home, tenants: home, include: (t) => !own.has(regional?.regionOf(t) ?? '') });
    const targets = plan.targets.map(targetFor);
    all.push(...targets);
    byName.set(
      plan.name,
      new BackupScheduler({
        source,
        ...(plan.region ? { of: { region: plan.region } } : {}),
        runs: savedRuns(opts.records, plan.name),
        targets,
        k: plan.k,
        keep: opts.config.backup!.keep,
        intervalMs: opts.config.backup!.intervalMs,
        master: opts.master,
        audit: opts.audit,
        ...(opts.now ? { now: opts.now } : {}),
        ...(opts.onError ? { onError: opts.onError } : {}),
      }),
    );
  }
  return new BackupSchedules(byName, all);
}
