// The state of one lamp node, as pure functions over plain data: what it was told (power state
// and level), its injected fault, its counters (burning hours, switching cycles), and the
// electrical reading it would take now (physics.ts lampPower, i.e. the pilot's power model with
// noise and fault deviations).
import { commandLevel, type LampModel, type LampTelemetry, type LightingCommand, type LightingEvent } from '../../pilots/lighting/domain/model.ts';
import { lampPower, type LampElectrical, type LampFault, type Rng } from './physics.ts';

export interface LampState {
  /** Commanded state and level (0–100). */
  powerState: 'on' | 'off';
  level: number;
  fault: LampFault | null;
  /** The node's radio is down (comms-loss scenario): it neither reports nor hears commands. */
  commsLost: boolean;
  burningHours: number;
  /** Switching cycles: each time the light comes on from dark. */
  switchCount: number;
  /** The last reading taken (what the lamp draws now). */
  electrical: LampElectrical;
  /** When burning hours were last brought up to date (epoch ms). */
  lastAt: number;
  /** An over-temperature fault event was already sent for the current fault. */
  overheatReported: boolean;
  ambientTemperature: number;
}

const HOUR = 3_600_000;
const lit = (e: LampElectrical) => e.dimLevel > 0;

export function initialLamp(
  model: LampModel,
  init: { at: number; rng: Rng; powerState?: string; level?: number; burningHours?: number; switchCount?: number; ambientTemperature?: number; mainsPresent?: boolean },
): LampState {
  const level = init.level ?? (init.powerState && init.powerState !== 'off' ? 100 : 0);
  const powerState = level > 0 ? 'on' : 'off';
  const ambientTemperature = init.ambientTemperature ?? 15;
  return {
    powerState,
    level,
    fault: null,
    commsLost: false,
    burningHours: init.burningHours ?? 0,
    switchCount: init.switchCount ?? 0,
    electrical: lampPower(model, powerState, level, init.rng, { mainsPresent: init.mainsPresent ?? true, ambientTemperature }),
    lastAt: init.at,
    overheatReported: false,
    ambientTemperature,
  };
}

/** Brings burning hours up to `at` (the light was as last measured since `lastAt`). */
export function advance(s: LampState, at: number): LampState {
  const dt = Math.max(0, at - s.lastAt);
  return { ...s, burningHours: lit(s.electrical) ? s.burningHours + dt / HOUR : s.burningHours, lastAt: Math.max(s.lastAt, at) };
}

/** Takes a new reading at `at`; counts a switching cycle when the light comes on. */
export function measure(s: LampState, model: LampModel, at: number, rng: Rng, mainsPresent: boolean): LampState {
  const before = advance(s, at);
  const electrical = lampPower(model, s.powerState, s.level, rng, { fault: s.fault, mainsPresent, ambientTemperature: s.ambientTemperature });
  const switched = !lit(before.electrical) && lit(electrical);
  return { ...before, electrical, switchCount: before.switchCount + (switched ? 1 : 0) };
}

export type SwitchOutcome = { status: 'done'; detail?: string } | { status: 'failed'; detail: string };

/**
 * Applies a switch command (pilots/lighting/domain/model.ts lightingCommandSchema). A node with a
 * failed LED string takes the setting but cannot light: it reports `failed`. A stuck relay (day
 * burner) or a runaway driver is invisible to the node, so those report `done`.
 */
export function applySwitch(s: LampState, command: LightingCommand, model: LampModel, at: number, rng: Rng, mainsPresent: boolean): { state: LampState; outcome: SwitchOutcome } {
  const level = commandLevel(command);
  const next = measure({ ...s, powerState: level > 0 ? 'on' : 'off', level }, model, at, rng, mainsPresent);
  if (s.fault === 'failed' && level > 0) return { state: next, outcome: { status: 'failed', detail: 'lamp failure: no light output' } };
  return { state: next, outcome: { status: 'done', ...(level > 0 && level < model.minDimLevel ? { detail: `runs at the driver's minimum of ${model.minDimLevel} %` } : {}) } };
}

export function lampTelemetry(s: LampState, ts: number): LampTelemetry {
  return { ts, ...s.electrical, burningHours: Math.round(s.burningHours * 1000) / 1000 };
}

/** The over-temperature event a node sends once when its driver runs past the datasheet limit. */
export function overheatEvent(s: LampState, model: LampModel, ts: number): { state: LampState; event: LightingEvent | null } {
  if (s.overheatReported || s.electrical.driverTemperature <= model.maxDriverTemperature) return { state: s, event: null };
  return {
    state: { ...s, overheatReported: true },
    event: { ts, type: 'fault', detail: `driver over temperature (${s.electrical.driverTemperature} °C > ${model.maxDriverTemperature} °C)` },
  };
}
