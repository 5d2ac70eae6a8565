// Runs scenarios one after another, each against its own fresh platform (booting one costs well
// under a second, and no scenario can then be helped or hurt by what another left behind: a
// locked-out account, a throttled address, a shredded key). Every scenario has a time limit;
// whatever it started (platforms, child processes, temporary directories) is cleaned up when it
// ends, pass, fail or timeout.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootHarness, type Harness } from './support/harness.ts';
import { probePilot } from './support/probe-pilot.ts';
import type { Pilot } from '../platform/pilot.ts';
import { CATALOGUE } from './catalogue.ts';
import { availablePilots, createPilot } from './support/pilots.ts';
import type { BootOptions, Profile, Sabotage, Scenario, ScenarioContext, ScenarioResult, ValidationReport } from './types.ts';

export interface RunOptions {
  profile: Profile;
  /** Run only these scenario ids (whatever their profile). */
  ids?: string[];
  /** Keep data directories for inspection. */
  keep?: boolean;
  /** Deliberately break every platform a scenario boots (the "can fail" tests). */
  sabotage?: Sabotage;
  /** Scenarios to choose from (default: the catalogue). */
  scenarios?: readonly Scenario[];
  /** Multiplies every scenario's time limit (slow machines). */
  timeoutScale?: number;
  onStart?(s: Scenario): void;
  onResult?(r: ScenarioResult): void;
  onLog?(id: string, line: string): void;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const CLEANUP_TIMEOUT_MS = 20_000;

export class UnknownScenarioError extends Error {
  override name = 'UnknownScenarioError';
}

/** The scenarios a run covers: the ids asked for, else every scenario of the profile. */
export function selectScenarios(all: readonly Scenario[], profile: Profile, ids?: string[]): Scenario[] {
  if (ids?.length) {
    const unknown = ids.filter((id) => !all.some((s) => s.id === id));
    if (unknown.length) throw new UnknownScenarioError(`unknown scenario ${unknown.join(', ')}; see --list`);
    return all.filter((s) => ids.includes(s.id));
  }
  return all.filter((s) => profile === 'full' || s.profile === 'fast');
}

export function reportId(at: Date): string {
  return `validation-${at.toISOString().replace(/[:.]/g, '-')}`;
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: import.meta.dirname, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

interface ScenarioScope {
  ctx: ScenarioContext;
  cleanup(): Promise<void>;
  kept: string[];
}

function createScope(s: Scenario, opts: RunOptions, pilots: readonly string[]): ScenarioScope {
  const cleanups: (() => unknown)[] = [];
  const kept: string[] = [];
  const keep = opts.keep ?? false;
  const ctx: ScenarioContext = {
    profile: opts.profile,
    keep,
    availablePilots: pilots,
    async boot(bootOpts: BootOptions = {}): Promise<Harness> {
      const { pilots: ids = [], pilotOptions = {}, probe = false, ...rest } = bootOpts;
      const instances: Pilot[] = probe ? [probePilot] : [];
      for (const id of ids) instances.push(await createPilot(id, pilotOptions[id] ?? {}));
      const h = await bootHarness({ ...rest, pilots: instances, tenantPilots: rest.tenantPilots ?? instances.map((p) => p.id) });
      if (keep && !kept.includes(h.config.dataDir)) kept.push(h.config.dataDir);
      cleanups.push(() => h.close({ keepData: keep }));
      if (opts.sabotage) await opts.sabotage(h.platform);
      return h;
    },
    tmpDir(prefix: string): string {
      const dir = mkdtempSync(join(tmpdir(), `custodia-${prefix}-`));
      if (keep) kept.push(dir);
      else cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
    defer(fn) {
      cleanups.push(fn);
    },
    log(line) {
      opts.onLog?.(s.id, line);
    },
  };
  return {
    ctx,
    kept,
    async cleanup() {
      for (const fn of cleanups.reverse()) {
        await withTimeout(Promise.resolve().then(fn), CLEANUP_TIMEOUT_MS, `clean-up of ${s.id}`).catch((err: unknown) =>
          opts.onLog?.(s.id, `clean-up step failed: ${(err as Error).message}`),
        );
      }
    },
  };
}

export async function runScenario(s: Scenario, opts: RunOptions, pilots: readonly string[]): Promise<ScenarioResult> {
  const { run: _run, unavailable: _unavailable, ...info } = s;
  const started = Date.now();
  const missing = (s.needs ?? []).filter((p) => !pilots.includes(p));
  if (missing.length) {
    return { ...info, status: 'not-run', measured: null, evidence: {}, reason: `pilot ${missing.join(', ')} is not part of this build`, durationMs: 0 };
  }
  const absent = await s.unavailable?.();
  if (absent) return { ...info, status: 'not-run', measured: null, evidence: {}, reason: absent, durationMs: 0 };
  const scope = createScope(s, opts, pilots);
  const limit = (s.timeoutMs ?? DEFAULT_TIMEOUT_MS) * (opts.timeoutScale ?? 1);
  let result: ScenarioResult;
  try {
    const outcome = await withTimeout(s.run(scope.ctx), limit, `scenario ${s.id}`);
    result = {
      ...info,
      status: outcome.pass ? 'pass' : 'fail',
      measured: outcome.measured,
      ...(outcome.unit ? { unit: outcome.unit } : {}),
      evidence: outcome.evidence,
      ...(outcome.series ? { series: outcome.series } : {}),
      durationMs: 0,
    };
  } catch (err) {
    // An error is a failed indicator, never a pass: the promise could not be shown to hold.
    result = { ...info, status: 'fail', measured: null, evidence: {}, reason: (err as Error).message ?? String(err), durationMs: 0 };
  } finally {
    await scope.cleanup();
  }
  result.durationMs = Date.now() - started;
  if (scope.kept.length) result.kept = scope.kept;
  return result;
}

/** Runs the selected scenarios sequentially and returns the report (nothing is written here). */
export async function runValidation(opts: RunOptions): Promise<ValidationReport> {
  const all = opts.scenarios ?? CATALOGUE;
  const chosen = selectScenarios(all, opts.profile, opts.ids);
  const pilots = await availablePilots();
  const startedAt = new Date();
  const results: ScenarioResult[] = [];
  for (const s of chosen) {
    opts.onStart?.(s);
    const r = await runScenario(s, opts, pilots);
    results.push(r);
    opts.onResult?.(r);
  }
  const finishedAt = new Date();
  return {
    kind: 'custodia-validation-report',
    version: 1,
    id: reportId(startedAt),
    profile: opts.profile,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    environment: { node: process.version, platform: process.platform, arch: process.arch, cpus: cpus().length, commit: gitCommit() },
    summary: {
      total: results.length,
      pass: results.filter((r) => r.status === 'pass').length,
      fail: results.filter((r) => r.status === 'fail').length,
      notRun: results.filter((r) => r.status === 'not-run').length,
    },
    results,
  };
}
