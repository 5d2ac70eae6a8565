// The shapes every validation scenario and report share. A scenario states the requirement it
// checks, its indicator and its success criterion, and returns the measured value with evidence
// (docs/architecture.md "Simulators, dashboard, validation"). Kept free of runtime imports so
// the API route can type reports too.
import type { Harness, HarnessOptions } from './support/harness.ts';
import type { Platform } from '../platform/server.ts';

export type Profile = 'fast' | 'full';
export const PROFILES: readonly Profile[] = ['fast', 'full'];

/** A series of evidence drawn as an inline SVG chart in the HTML report. */
export interface EvidenceSeries {
  label: string;
  points: [number, number][];
  xLabel?: string;
  yLabel?: string;
  /** 'line' for a time series, 'bar' for one value per item (per patient, per cycle…). */
  kind?: 'line' | 'bar';
  /** Drawn as a dashed line: the success criterion's limit, when it is a value on the y axis. */
  threshold?: number;
}

export interface ScenarioOutcome {
  measured: number | string;
  unit?: string;
  pass: boolean;
  /** Counts, ids of audit entries, timings: what an evaluator checks the verdict against. */
  evidence: Record<string, unknown>;
  series?: EvidenceSeries;
}

export interface ScenarioInfo {
  id: string;
  title: string;
  /** The promise checked: docs/architecture.md promise number, ASVS 4.0.3 or ETSI EN 303 645 provision. */
  requirement: string;
  indicator: string;
  /** Success criterion in words; `run` decides `pass` by exactly this rule. */
  criterion: string;
  /** 'fast' scenarios also run inside `npm test`; 'full' ones only in the full run. */
  profile: Profile;
  /** Pilots the scenario needs; when one is missing the scenario is reported not-run. */
  needs?: string[];
  /** Time limit of one run (default 60 s; the runner scales it for the full profile). */
  timeoutMs?: number;
}

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

export type ScenarioStatus = 'pass' | 'fail' | 'not-run';

export interface ScenarioResult extends ScenarioInfo {
  status: ScenarioStatus;
  measured: number | string | null;
  unit?: string;
  evidence: Record<string, unknown>;
  series?: EvidenceSeries;
  /** Why a scenario did not run, or the error that ended it. */
  reason?: string;
  durationMs: number;
  /** Data directories kept with --keep. */
  kept?: string[];
}

export interface ValidationReport {
  kind: 'custodia-validation-report';
  version: 1;
  id: string;
  profile: Profile;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  environment: { node: string; platform: string; arch: string; cpus: number; commit: string | null };
  summary: { total: number; pass: number; fail: number; notRun: number };
  results: ScenarioResult[];
}

/** Sabotage hook of the "can fail" tests: applied to every platform a scenario boots. */
export type Sabotage = (platform: Platform) => void | Promise<void>;
