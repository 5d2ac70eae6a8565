// What a validation run reports: the scenarios' descriptions, outcomes and results, and the
// report the runner writes and the API serves. Pure types (and the profile names), so that the
// dashboard reads them under its own tsconfig without Node types; validation/types.ts re-exports them.

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
