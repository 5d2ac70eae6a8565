// Scheduled backups while the platform runs (docs/backup.md "Scheduled backups"): every
// BACKUP_INTERVAL_MINUTES a signed k-of-n backup of the default location, or of one region's
// tenants (./schedules.ts builds one scheduler per region with targets), is taken
// (./backup.ts), then verified by rebuilding it from the targets (manifest signature, every
// shard's hash, the bundle's hash; ./rebuild.ts), then older backups beyond BACKUP_KEEP are
// pruned. Each run is audited in the platform chain; the last run's outcome is kept for
// GET /api/v1/backups/last, and saved so that a restart shows it at once.
import type { MasterKeyProvider } from '../crypto/types.ts';
import type { AuditSink } from '../services/audit-sink.ts';
import { takeBackup } from './backup.ts';
import { rebuildBackup } from './rebuild.ts';
import type { Manifest } from './format.ts';
import type { SnapshotSource } from './snapshot.ts';
import type { BackupTarget } from './targets.ts';

export interface BackupRun {
  /** The region whose tenants this run backed up; absent for the default location. */
  region?: string;
  /** The backup id, absent when the backup itself failed or there was nothing to back up. */
  id?: string;
  startedAt: number;
  seconds: number;
  ok: boolean;
  /** Stores in the backup (platform and tenant ids). */
  stores: string[];
  bytes?: number;
  k: number;
  n: number;
  verification?: { ok: boolean; at: number; targets: { label: string; ok: boolean; problem?: string }[] };
  pruned: string[];
  /** What went wrong, in one line (no data). */
  error?: string;
}

/** Where the last run is kept across restarts (the platform store; ./schedules.ts). */
export interface BackupRunStore {
  load(): Promise<BackupRun | null>;
  save(run: BackupRun): Promise<void>;
}

export interface BackupSchedulerOptions {
  source: SnapshotSource;
  /** What each backup holds (default: the platform). */
  of?: Manifest['of'];
  /** Keeps the last run across restarts. */
  runs?: BackupRunStore;
  targets: readonly BackupTarget[];
  k: number;
  keep: number;
  intervalMs: number;
  master: MasterKeyProvider;
  audit: Pick<AuditSink, 'record'>;
  now?: () => number;
  onError?: (err: unknown) => void;
}

export class BackupScheduler {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<BackupRun> | undefined;
  #last: BackupRun | null = null;

  constructor(private readonly opts: BackupSchedulerOptions) {}

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      void this.runOnce().catch((err: unknown) => this.opts.onError?.(err));
    }, this.opts.intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  last(): BackupRun | null {
    return this.#last;
  }

  /** Reads the last run saved before a restart, unless a run happened since. */
  async loadLast(): Promise<BackupRun | null> {
    const saved = await this.opts.runs?.load();
    if (saved && !this.#last) this.#last = saved;
    return this.#last;
  }

  /** One backup now; a run already in progress is joined, not doubled. */
  runOnce(): Promise<BackupRun> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #run(): Promise<BackupRun> {
    const now = this.opts.now ?? Date.now;
    const startedAt = now();
    const n = this.opts.targets.length;
    const of = this.opts.of ?? { platform: true as const };
    const region = 'region' in of ? of.region : undefined;
    const run: BackupRun = { ...(region ? { region } : {}), startedAt, seconds: 0, ok: false, stores: [], k: this.opts.k, n, pruned: [] };
    try {
      // A region without tenants yet: nothing to back up is not a failure.
      if (region && (await this.opts.source.tenants()).length === 0) run.ok = true;
      else await this.#backup(run, of, now);
    } catch (err) {
      // Also a verified backup whose pruning failed: targets that cannot delete fill up.
      run.ok = false;
      run.error = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
    }
    return this.#finish(run, now, startedAt);
  }

  async #backup(run: BackupRun, of: Manifest['of'], now: () => number): Promise<void> {
    const result = await takeBackup({ source: this.opts.source, of, targets: this.opts.targets, k: this.opts.k, master: this.opts.master });
    run.id = result.manifest.id;
    run.stores = result.manifest.stores.map((s) => s.scope);
    run.bytes = result.manifest.bundle.bytes;
    const rebuilt = await rebuildBackup({ targets: this.opts.targets, master: this.opts.master, backupId: result.manifest.id });
    const targets = rebuilt.targets.map((t) => ({ label: t.label, ok: t.ok, ...(t.problem ? { problem: t.problem } : {}) }));
    run.verification = { ok: targets.every((t) => t.ok) && rebuilt.sections.length === run.stores.length, at: now(), targets };
    run.ok = run.verification.ok;
    if (run.ok) run.pruned = await this.#prune();
  }

  async #finish(run: BackupRun, now: () => number, startedAt: number): Promise<BackupRun> {
    run.seconds = (now() - startedAt) / 1000;
    this.#last = run;
    // A status that cannot be saved must not hide the backup's own outcome.
    await this.opts.runs?.save(run).catch((err: unknown) => this.opts.onError?.(err));
    await this.opts.audit.record('_platform', {
      actor: 'system:backup-scheduler',
      action: 'backup.scheduled',
      target: run.id ? `backup:${run.id}` : 'backup:none',
      outcome: run.ok ? 'success' : 'failure',
      details: {
        ...(run.region ? { region: run.region } : {}),
        stores: run.stores.length,
        bytes: run.bytes ?? 0,
        k: run.k,
        n: run.n,
        verified: run.verification?.ok ?? false,
        pruned: run.pruned.length,
        ...(run.error ? { error: run.error } : {}),
      },
    });
    return run;
  }

  /** Keeps the newest `keep` backups on every target (ids sort by time). */
  async #prune(): Promise<string[]> {
    const removed = new Set<string>();
    for (const target of this.opts.targets) {
      if (!target.remove) continue;
      const ids = await target.list();
      for (const id of ids.slice(0, Math.max(0, ids.length - this.opts.keep))) {
        await target.remove(id);
        removed.add(id);
      }
    }
    return [...removed].sort();
  }
}
