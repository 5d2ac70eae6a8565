// Scheduled backups while the platform runs (docs/backup.md "Scheduled backups"): every
// BACKUP_INTERVAL_MINUTES a signed k-of-n backup of the platform's default location is taken
// (./backup.ts), then verified by rebuilding it from the targets (manifest signature, every
// shard's hash, the bundle's hash; ./rebuild.ts), then older backups beyond BACKUP_KEEP are
// pruned. Each run is audited in the platform chain; the last run's outcome is kept for
// GET /api/v1/backups/last.
import type { MasterKeyProvider } from '../crypto/types.ts';
import type { AuditSink } from '../services/audit-sink.ts';
import { takeBackup } from './backup.ts';
import { rebuildBackup } from './rebuild.ts';
import type { SnapshotSource } from './snapshot.ts';
import type { BackupTarget } from './targets.ts';

export interface BackupRun {
  /** The backup id, absent when the backup itself failed. */
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

export interface BackupSchedulerOptions {
  source: SnapshotSource;
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
    const run: BackupRun = { startedAt, seconds: 0, ok: false, stores: [], k: this.opts.k, n, pruned: [] };
    try {
      const result = await takeBackup({ source: this.opts.source, of: { platform: true }, targets: this.opts.targets, k: this.opts.k, master: this.opts.master });
      run.id = result.manifest.id;
      run.stores = result.manifest.stores.map((s) => s.scope);
      run.bytes = result.manifest.bundle.bytes;
      const rebuilt = await rebuildBackup({ targets: this.opts.targets, master: this.opts.master, backupId: result.manifest.id });
      const targets = rebuilt.targets.map((t) => ({ label: t.label, ok: t.ok, ...(t.problem ? { problem: t.problem } : {}) }));
      run.verification = { ok: targets.every((t) => t.ok) && rebuilt.sections.length === run.stores.length, at: now(), targets };
      run.ok = run.verification.ok;
      if (run.ok) run.pruned = await this.#prune();
    } catch (err) {
      run.error = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
    }
    run.seconds = (now() - startedAt) / 1000;
    this.#last = run;
    await this.opts.audit.record('_platform', {
      actor: 'system:backup-scheduler',
      action: 'backup.scheduled',
      target: run.id ? `backup:${run.id}` : 'backup:none',
      outcome: run.ok ? 'success' : 'failure',
      details: {
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
