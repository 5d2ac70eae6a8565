// Lamp and cabinet physics for the lighting simulator: plausible electrical readings from a lamp's
// commanded state, with noise, injected faults, and a cabinet meter that integrates its lamps.
// Everything is driven by a seeded generator, so a seed reproduces a fleet's readings exactly.
//
// The power model is the pilot's own (expectedPower), so what the simulator draws is what failure
// detection and savings expect of a healthy lamp; faults are deviations from it.
import type { CabinetTelemetry, LampModel, Phase, PowerState } from '../../pilots/lighting/domain/model.ts';
import { drivenLevel, expectedPower, fullPower } from '../../pilots/lighting/domain/power.ts';

import { mulberry32, type Rng } from '../common/random.ts';

export { mulberry32, type Rng };

/** Uniform in [-1, 1). */
const sym = (rng: Rng) => rng() * 2 - 1;

export const NOMINAL_VOLTAGE = 230;

/**
 * failed: LED string dead behind a live driver, a few watts while "on".
 * driverFault: driver runs away, ~35-45 % overpower and overheating.
 * dayBurner: relay stuck closed, full output whatever is commanded.
 */
export type LampFault = 'failed' | 'driverFault' | 'dayBurner';

export interface LampPhysicsOptions {
  fault?: LampFault | null;
  mainsPresent?: boolean;
  nominalVoltage?: number;
  /** Ambient air temperature, °C. */
  ambientTemperature?: number;
  /** Relative power noise, default ±2 %. */
  noise?: number;
}

export interface LampElectrical {
  powerState: PowerState;
  dimLevel: number;
  /** W */
  activePower: number;
  /** V */
  voltage: number;
  /** A */
  current: number;
  powerFactor: number;
  /** °C */
  driverTemperature: number;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Electrical state of one lamp asked to be in `powerState` at `level` percent.
 * Power factor of an LED driver falls at light load (about 0.95 at full load, near 0.5 idle);
 * current = P / (V · PF); the driver's temperature rises with the power it handles.
 */
export function lampPower(
  model: Pick<
    LampModel,
    'powerRating' | 'driverLoss' | 'standbyPower' | 'minDimLevel' | 'maxDriverTemperature'
  >,
  powerState: PowerState,
  level: number,
  rng: Rng,
  opts: LampPhysicsOptions = {},
): LampElectrical {
  const {
    fault = null,
    mainsPresent = true,
    nominalVoltage = NOMINAL_VOLTAGE,
    ambientTemperature = 15,
    noise = 0.02,
  } = opts;
  if (!mainsPresent) {
    return {
      powerState: 'off',
      dimLevel: 0,
      activePower: 0,
      voltage: 0,
      current: 0,
      powerFactor: 0,
      driverTemperature: round(ambientTemperature, 1),
    };
  }
  let commanded = powerState === 'off' ? 0 : Math.max(0, Math.min(100, level));
  if (fault === 'dayBurner') commanded = 100;
  const driven = drivenLevel(model, commanded);
  const lit = driven > 0;
  const reportedState: PowerState = !lit ? 'off' : powerState === 'bootingUp' ? 'bootingUp' : driven < 50 ? 'low' : 'on';

  let watts = expectedPower(model, driven) * (1 + noise * sym(rng));
  let extraHeat = 0;
  if (lit && fault === 'failed') watts = 1 + 2 * rng();
  if (lit && fault === 'driverFault') {
    watts = expectedPower(model, driven) * (1.35 + 0.1 * rng());
    extraHeat = 45;
  }
  const voltage = nominalVoltage * (1 + 0.015 * sym(rng));
  const load = Math.min(1.5, watts / fullPower(model));
  const powerFactor = Math.min(0.99, Math.max(0.3, 0.5 + 0.45 * Math.sqrt(load) + 0.01 * sym(rng)));
  const current = watts / (voltage * powerFactor);
  const driverTemperature = ambientTemperature + 40 * load + extraHeat + 0.5 * sym(rng);
  return {
    powerState: reportedState,
    dimLevel: lit ? Math.round(driven) : 0,
    activePower: round(watts, 1),
    voltage: round(voltage, 1),
    current: round(current, 3),
    powerFactor: round(powerFactor, 3),
    driverTemperature: round(driverTemperature, 1),
  };
}

/** Phase a lamp is wired to: lamps are spread over the three phases in turn. */
export function phaseOf(index: number): Phase {
  return (['L1', 'L2', 'L3'] as const)[((index % 3) + 3) % 3]!;
}

export interface CabinetState {
  ts: number;
  /** Cumulative register, kWh. */
  activeEnergy: number;
  /** Power in force since `ts`, W. */
  activePower: number;
}

export interface CabinetInput {
  ts: number;
  /** Sum of the lamps' active power per phase, W. */
  lampPowerByPhase: Record<Phase, number>;
  mainsPresent: boolean;
  doorOpen: boolean;
}

export interface CabinetPhysicsOptions {
  /** The cabinet's own controller, modem and contactor coils, W. */
  controllerPower?: number;
  /** Cable losses as a share of the lamp load. */
  lineLossFraction?: number;
  nominalVoltage?: number;
}

export function initialCabinetState(ts: number, activeEnergy = 0): CabinetState {
  return { ts, activeEnergy, activePower: 0 };
}

/**
 * Advances the cabinet meter to `input.ts`: the register integrates the power in force since the
 * previous step (sample and hold, like the pilot's energy module), then the new power is measured.
 * With mains lost there is no voltage, no current, and the register stands still.
 */
export function cabinetStep(
  state: CabinetState,
  input: CabinetInput,
  rng: Rng,
  opts: CabinetPhysicsOptions = {},
): { state: CabinetState; reading: CabinetTelemetry } {
  const { controllerPower = 15, lineLossFraction = 0.03, nominalVoltage = NOMINAL_VOLTAGE } = opts;
  const dt = Math.max(0, input.ts - state.ts);
  const activeEnergy = state.activeEnergy + (state.activePower * dt) / 3_600_000 / 1000;
  const phasesList = ['L1', 'L2', 'L3'] as const;
  const perPhase = phasesList.map((p) =>
    input.mainsPresent ? input.lampPowerByPhase[p] * (1 + lineLossFraction) + controllerPower / 3 : 0,
  );
  const voltages = phasesList.map(() => (input.mainsPresent ? nominalVoltage * (1 + 0.015 * sym(rng)) : 0));
  const currents = perPhase.map((w, i) => (voltages[i]! > 0 ? w / (voltages[i]! * 0.95) : 0));
  const activePower = perPhase.reduce((s, w) => s + w, 0);
  const next: CabinetState = { ts: input.ts, activeEnergy, activePower };
  return {
    state: next,
    reading: {
      ts: input.ts,
      activeEnergy: round(activeEnergy, 4),
      activePower: round(activePower, 1),
      voltageL1: round(voltages[0]!, 1),
      voltageL2: round(voltages[1]!, 1),
      voltageL3: round(voltages[2]!, 1),
      currentL1: round(currents[0]!, 3),
      currentL2: round(currents[1]!, 3),
      currentL3: round(currents[2]!, 3),
      mainsPresent: input.mainsPresent,
      doorOpen: input.doorOpen,
    },
  };
}
