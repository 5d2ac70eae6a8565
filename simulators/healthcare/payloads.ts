// What each healthcare device kind publishes, built from one physiology snapshot. Pure functions:
// the shapes are those of pilots/healthcare/domain/vitals.ts (strict schemas, so a field too many
// would be refused by the platform), and payloads.test.ts checks every kind against them.
import type { Acvpu, DeviceKind, EventPayload, TelemetryPayload } from '../../pilots/healthcare/domain/vitals.ts';
import type { PatientVitals } from './physiology.ts';


export type Connectivity = 'wifi' | 'cellular' | 'ethernet';

/** The hub's own state: it runs on mains with a backup battery. */
export interface HubState {
  battery: number;
  connectivity: Connectivity;
  /** Battery falling (scenario battery-low) or charging back to full. */
  trend: 'steady' | 'draining' | 'charging';
  consciousness: Acvpu;
  onOxygen: boolean;
}

/** Battery after one hub report: steady near full, draining 1 % a report down to 3 %, or charging 10 % a report. */
export function nextBattery(state: Pick<HubState, 'battery' | 'trend'>, rng: () => number): Pick<HubState, 'battery' | 'trend'> {
  switch (state.trend) {
    case 'draining':
      return { battery: Math.max(3, state.battery - 1), trend: 'draining' };
    case 'charging': {
      const battery = Math.min(100, state.battery + 10);
      return { battery, trend: battery >= 100 ? 'steady' : 'charging' };
    }
    default:
      return { battery: Math.min(100, Math.max(95, Math.round(state.battery + (rng() - 0.5) * 2))), trend: 'steady' };
  }
}

/** The telemetry payload of one device kind at `ts` from one vitals snapshot. */
export function telemetryPayload(kind: DeviceKind, v: PatientVitals, ts: number, hub: HubState): TelemetryPayload {
  switch (kind) {
    case 'pulse-oximeter':
      return { ts, spo2: v.spo2, heartRate: v.heartRate };
    case 'bp-cuff':
      return { ts, systolic: v.systolic, diastolic: v.diastolic, heartRate: v.heartRate };
    case 'thermometer':
      return { ts, temperature: v.temperature };
    case 'scale':
      return { ts, weight: v.weight };
    case 'glucometer':
      return { ts, glucose: v.glucose };
    case 'wearable':
      return { ts, heartRate: v.heartRate, respiratoryRate: v.respiratoryRate, movement: v.movement };
    case 'home-hub':
      return {
        ts,
        battery: hub.battery,
        connectivity: hub.connectivity,
        // Entered on the hub (ACVPU and whether oxygen is on), so NEWS2 sets are complete.
        consciousness: hub.consciousness,
        onOxygen: hub.onOxygen,
      };
  }
}

export const fallEvent = (ts: number, by: DeviceKind): EventPayload => ({
  ts,
  type: 'fall',
  detail: by === 'wearable' ? 'fall detected by the wearable' : 'alarm button pressed on the hub',
});

export const batteryLowEvent = (ts: number, battery: number): EventPayload => ({ ts, type: 'battery-low', detail: `battery at ${battery} %` });

// ---- scenarios -----------------------------------------------------------------------------

/** The scenarios the pilot can ask for (pilots/healthcare/model.ts SCENARIOS). */
export const HEALTHCARE_SCENARIOS = ['deterioration', 'fall', 'recover', 'offline', 'battery-low', 'implausible'] as const;
export type HealthcareScenario = (typeof HEALTHCARE_SCENARIOS)[number];

const ALIASES: Record<string, HealthcareScenario> = {
  deteriorate: 'deterioration',
  deterioration: 'deterioration',
  fall: 'fall',
  recover: 'recover',
  restore: 'recover',
  offline: 'offline',
  'battery-low': 'battery-low',
  battery: 'battery-low',
  implausible: 'implausible',
};

/** The scenario a stdin word or a `simulate` payload names, or null. */
export function scenarioNamed(word: string): HealthcareScenario | null {
  return ALIASES[word.toLowerCase()] ?? null;
}
