// Tunables of the lighting pilot with the defaults a deployment runs with. Tests and validation
// pass an accelerated or hand-driven clock and short intervals through `createLightingPilot(options)`
// so that a whole night runs in seconds.
import { DEFAULT_CO2_KG_PER_KWH } from './domain/index.ts';

export interface LightingOptions {
  /** The pilot's clock (schedules, overrides, failure timing); default: the platform's clock. */
  now?: () => number;
  /** Period of the background loop (scheduler and comms-loss sweep), in real milliseconds. */
  tickMs: number;
  /** How often lamps and cabinets report, in the pilot's clock (failure timing, energy gaps). */
  reportIntervalMs: number;
  /** How long a manual command holds against the schedule when the request does not say. */
  overrideDefaultMinutes: number;
  /** Time to live of switch commands (an offline lamp gets its command on reconnect within it). */
  commandTtlMs: number;
  /** Time to live of demo scenario commands. */
  simulateTtlMs: number;
  /** Missed reports before a comms-loss alarm (failures.ts commsLoss); 0 turns the check off. */
  commsLossIntervals: number;
  /** kg CO2 per kWh for the savings figures. */
  co2KgPerKWh: number;
  /** Recent readings kept per device for the consecutive-reading checks. */
  recentReadings: number;
  /** Serve POST /demo/provision and /demo/simulate (fault injection exists for demos only). */
  demoRoutes: boolean;
  /** Largest scheduler catch-up after a restart: switch points older than this are not replayed. */
  maxCatchUpMs: number;
  /** Cluster mode only: how often (platform clock) a node re-reads the inventory and schedules
   *  other nodes may have changed (schedule-runner.ts). */
  clusterRescanMs: number;
}

export const DEFAULT_OPTIONS: Omit<LightingOptions, 'now'> = {
  tickMs: 15_000,
  reportIntervalMs: 60_000,
  overrideDefaultMinutes: 240,
  commandTtlMs: 6 * 3_600_000,
  simulateTtlMs: 10 * 60_000,
  commsLossIntervals: 3,
  co2KgPerKWh: DEFAULT_CO2_KG_PER_KWH,
  recentReadings: 4,
  demoRoutes: true,
  maxCatchUpMs: 24 * 3_600_000,
  clusterRescanMs: 10_000,
};

export function resolveOptions(overrides: Partial<LightingOptions> = {}): LightingOptions {
  const o: LightingOptions = { ...DEFAULT_OPTIONS, ...overrides };
  for (const key of ['tickMs', 'reportIntervalMs', 'commandTtlMs', 'simulateTtlMs', 'maxCatchUpMs', 'clusterRescanMs'] as const) {
    if (!(o[key] > 0)) throw new RangeError(`${key} must be positive`);
  }
  if (!(o.overrideDefaultMinutes >= 0)) throw new RangeError('overrideDefaultMinutes must not be negative');
  if (!Number.isInteger(o.commsLossIntervals) || o.commsLossIntervals < 0) {
    throw new RangeError('commsLossIntervals must be a whole number ≥ 0');
  }
  // The consecutive checks (failures.ts) need two readings in a row.
  if (!Number.isInteger(o.recentReadings) || o.recentReadings < 2) throw new RangeError('recentReadings must be ≥ 2');
  if (!(o.co2KgPerKWh >= 0)) throw new RangeError('co2KgPerKWh must not be negative');
  return o;
}
