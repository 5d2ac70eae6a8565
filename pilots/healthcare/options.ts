// Tunables of the healthcare pilot, with the defaults a deployment runs with. Tests pass short
// times (escalation in about a second) through `createHealthcarePilot(options)`.
export interface HealthcareOptions {
  /** NEWS2 observation-set window: the latest value of each parameter inside it counts (default 1 h). */
  windowMs: number;
  /** A critical clinical alarm left unacknowledged this long escalates, unless the patient's
   *  settings say otherwise (default 15 min). */
  escalateAfterMs: number;
  /** Consecutive lower NEWS2 results before an alarm level drops (domain/alarms.ts). */
  hysteresis: number;
  /** Let partial observation sets count towards lowering an alarm (see rules.ts for why not by default). */
  downgradeOnPartial: boolean;
  /** A patient device must stay offline this long before a technical alarm (reconnects are normal). */
  offlineGraceMs: number;
  /** Hub battery at or below this percentage raises a technical alarm. */
  batteryThreshold: number;
  /** An unchanged NEWS2 result is stored again at most this often (a changed one at once). */
  news2RecordEveryMs: number;
  /** Time to live of messages and reminders sent to a hub. */
  messageTtlMs: number;
  /** Time to live of demo scenario commands. */
  simulateTtlMs: number;
  /** Default range of a FHIR export, ending now. */
  exportRangeMs: number;
  /** Most vital readings read per device for one export or one vitals query. */
  maxPointsPerDevice: number;
}

export const DEFAULT_OPTIONS: HealthcareOptions = {
  windowMs: 60 * 60_000,
  escalateAfterMs: 15 * 60_000,
  hysteresis: 2,
  downgradeOnPartial: false,
  offlineGraceMs: 60_000,
  batteryThreshold: 15,
  news2RecordEveryMs: 60_000,
  messageTtlMs: 24 * 60 * 60_000,
  simulateTtlMs: 10 * 60_000,
  exportRangeMs: 7 * 24 * 60 * 60_000,
  maxPointsPerDevice: 5000,
};

export function resolveOptions(overrides: Partial<HealthcareOptions> = {}): HealthcareOptions {
  const o = { ...DEFAULT_OPTIONS, ...overrides };
  if (!Number.isInteger(o.hysteresis) || o.hysteresis < 1) throw new RangeError('hysteresis must be a positive integer');
  for (const key of ['windowMs', 'escalateAfterMs', 'messageTtlMs', 'simulateTtlMs', 'exportRangeMs', 'maxPointsPerDevice'] as const) {
    if (!(o[key] > 0)) throw new RangeError(`${key} must be positive`);
  }
  return o;
}
