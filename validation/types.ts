// The shapes every validation scenario and report share. A scenario states the requirement it
// checks, its indicator and its success criterion, and returns the measured value with evidence
// (docs/architecture.md "Simulators, dashboard, validation"). Kept free of runtime imports so
// the API route can type reports too.
import type { Harness, HarnessOptions } from './support/harness.ts';
import type { Platform } from '../platform/server.ts';
import type { Profile, ScenarioInfo, ScenarioOutcome } from './report-types.ts';

export { PROFILES, type EvidenceSeries, type Profile, type ScenarioInfo, type ScenarioOutcome, type ScenarioResult, type ScenarioStatus, type ValidationReport } from './report-types.ts';

export interface Scenario extends ScenarioInfo {
  /** Why the scenario cannot run here (a missing package or server), or null: it is then
   *  reported not-run with that reason, never passed. */
  unavailable?(): Promise<string | null>;
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}

export interface BootOptions extends Omit<HarnessOptions, 'pilots'> {
  /** Ids of pilots to load (from the distribution's pilot list, with scenario-specific options). */
  pilots?: string[];
  /** Options handed to a pilot's factory, by pilot id (e.g. accelerated escalation). */
  pilotOptions?: Record<string, Record<string, unknown>>;
  /** Include the minimal probe pilot of the platform tests (device kind `probe-sensor`). */
  probe?: boolean;
}

export interface ScenarioContext {
  readonly profile: Profile;
  /** True when `--keep` asked to keep data directories for inspection. */
  readonly keep: boolean;
  /** Boots the real platform in this process on free ports with a fresh temporary data directory
   *  (two tenants, one user per role); closed by the runner when the scenario ends. */
  boot(opts?: BootOptions): Promise<Harness>;
  /** A fresh temporary directory, removed after the scenario unless `--keep`. */
  tmpDir(prefix: string): string;
  /** Registers a clean-up step run when the scenario ends, whatever its outcome. */
  defer(fn: () => unknown): void;
  /** Notes progress (printed with --verbose, kept in the report's log). */
  log(line: string): void;
  /** Pilot ids this distribution provides (pilots/index.ts). */
  readonly availablePilots: readonly string[];
}

/** Sabotage hook of the "can fail" tests: applied to every platform a scenario boots. */
export type Sabotage = (platform: Platform) => void | Promise<void>;
