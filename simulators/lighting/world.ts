// The simulated installation's state — lamps and cabinets with their devices, the scheduler that
// paces their reports — and what happens to it: a report, a fault, a cabinet losing mains or
// opening its door, a restore. Each step is a function of the world, so the simulator's factory
// (sim.ts) only builds the world and wires commands to these steps.
import type { LightingEvent, Phase } from '../../pilots/lighting/domain/model.ts';
import type { SimDevice } from '../common/device.ts';
import type { Job, Scheduler } from '../common/scheduler.ts';
import type { CabinetSpec, LampSpec } from './fleet.ts';
import { lampTelemetry, measure, overheatEvent, type LampState } from './lamp.ts';
import { cabinetStep, type CabinetState, type Rng } from './physics.ts';
import { CABINET_SCENARIOS, FAULT_OF, type CabinetScenario, type LampScenario, type LightingScenario } from './scenarios.ts';

export interface LampRuntime {
  spec: LampSpec;
  state: LampState;
  rng: Rng;
  device: SimDevice | null;
  cabinet: CabinetRuntime;
  commsTimer: Job | null;
}

export interface CabinetRuntime {
  spec: CabinetSpec;
  meter: CabinetState;
  mainsPresent: boolean;
  doorOpen: boolean;
  rng: Rng;
  device: SimDevice | null;
  lamps: LampRuntime[];
}

export interface LightingWorld {
  readonly lamps: Map<string, LampRuntime>;
  readonly cabinets: Map<string, CabinetRuntime>;
  readonly scheduler: Scheduler;
  readonly now: () => number;
  /** How long a comms-loss lasts, real ms. */
  readonly commsLossMs: number;
  /** Set when the simulator stops: nothing comes back online after that. */
  stopped: boolean;
}

/** A node without power or without its radio sends nothing. */
export const silent = (lamp: LampRuntime): boolean => lamp.state.commsLost || !lamp.cabinet.mainsPresent;

export function reportLamp(w: LightingWorld, lamp: LampRuntime, at = w.now()): void {
  lamp.state = measure(lamp.state, lamp.spec.model, at, lamp.rng, lamp.cabinet.mainsPresent);
  // A node without power or without its radio sends nothing (and measures nothing worth keeping).
  if (!lamp.device || silent(lamp)) return;
  void lamp.device.publishTelemetry(lampTelemetry(lamp.state, at));
  const o = overheatEvent(lamp.state, lamp.spec.model, at);
  lamp.state = o.state;
  if (o.event) void lamp.device.publishEvent(o.event);
}

export function reportCabinet(w: LightingWorld, cab: CabinetRuntime, at = w.now()): void {
  const byPhase: Record<Phase, number> = { L1: 0, L2: 0, L3: 0 };
  for (const l of cab.lamps) byPhase[l.spec.phase] += l.state.electrical.activePower;
  const step = cabinetStep(cab.meter, { ts: at, lampPowerByPhase: byPhase, mainsPresent: cab.mainsPresent, doorOpen: cab.doorOpen }, cab.rng);
  cab.meter = step.state;
  if (cab.device) void cab.device.publishTelemetry(step.reading);
}

const cabinetEvent = (cab: CabinetRuntime, type: LightingEvent['type'], at: number) => {
  if (cab.device) void cab.device.publishEvent({ ts: at, type });
};

/** An entry by id, or by its 0-based position when the target is a number that is not an id. */
export function byIdOrIndex<T>(map: Map<string, T>, target: string): T | undefined {
  if (/^\d+$/.test(target) && !map.has(target)) return [...map.values()][Number(target)];
  return map.get(target);
}

export async function setLampFault(w: LightingWorld, lamp: LampRuntime, scenario: LampScenario): Promise<string> {
  const id = lamp.spec.entry.id;
  if (scenario === 'comms-loss') {
    lamp.state = { ...lamp.state, commsLost: true };
    await lamp.device?.goOffline();
    // A silent node cannot hear a `restore` command, so the outage ends by itself.
    if (lamp.commsTimer) w.scheduler.cancel(lamp.commsTimer);
    lamp.commsTimer = w.scheduler.after(w.commsLossMs, () => {
      lamp.commsTimer = null;
      if (lamp.state.commsLost) restoreLamp(w, lamp);
    });
    return `lamp ${id} silent for ${Math.round(w.commsLossMs / 1000)} s`;
  }
  lamp.state = { ...lamp.state, fault: FAULT_OF[scenario], overheatReported: false };
  reportLamp(w, lamp); // the fault shows in the next reading at once
  return `lamp ${id}: ${scenario}`;
}

export async function setCabinet(w: LightingWorld, cab: CabinetRuntime, scenario: CabinetScenario): Promise<string> {
  const at = w.now();
  reportCabinet(w, cab, at); // closes the meter's interval at the old state
  if (scenario === 'door-open') {
    if (!cab.doorOpen) cabinetEvent(cab, 'door-open', at);
    cab.doorOpen = true;
    reportCabinet(w, cab, at);
    return `cabinet ${cab.spec.id}: door open`;
  }
  if (cab.mainsPresent) cabinetEvent(cab, 'mains-lost', at);
  cab.mainsPresent = false;
  for (const l of cab.lamps) l.state = measure(l.state, l.spec.model, at, l.rng, false);
  await Promise.all(cab.lamps.map((l) => l.device?.goOffline()));
  reportCabinet(w, cab, at);
  return `cabinet ${cab.spec.id}: mains lost, ${cab.lamps.length} lamps dark`;
}

export function restoreLamp(w: LightingWorld, lamp: LampRuntime): void {
  const wasSilent = lamp.state.commsLost;
  if (lamp.commsTimer) w.scheduler.cancel(lamp.commsTimer);
  lamp.commsTimer = null;
  lamp.state = { ...lamp.state, fault: null, commsLost: false, overheatReported: false };
  if (wasSilent && lamp.cabinet.mainsPresent && !w.stopped) lamp.device?.goOnline();
  reportLamp(w, lamp);
}

export function restoreCabinet(w: LightingWorld, cab: CabinetRuntime): void {
  const at = w.now();
  reportCabinet(w, cab, at);
  if (!cab.mainsPresent) {
    cab.mainsPresent = true;
    cabinetEvent(cab, 'mains-restored', at);
    for (const l of cab.lamps) {
      if (!l.state.commsLost && !w.stopped) l.device?.goOnline();
      l.state = measure(l.state, l.spec.model, at, l.rng, true);
    }
  }
  // Restoring a cabinet also ends the radio outages of the lamps it feeds.
  for (const l of cab.lamps) if (l.state.commsLost) restoreLamp(w, l);
  if (cab.doorOpen) {
    cab.doorOpen = false;
    cabinetEvent(cab, 'door-closed', at);
  }
  reportCabinet(w, cab, at);
}

/** Applies a scenario to a lamp or cabinet id (or `all` for restore); returns a one-line reply. */
export async function applyScenario(w: LightingWorld, scenario: LightingScenario, target: string): Promise<string> {
  const { lamps, cabinets } = w;
  if (scenario === 'restore') {
    if (target === 'all') {
      for (const l of lamps.values()) restoreLamp(w, l);
      for (const c of cabinets.values()) restoreCabinet(w, c);
      return `restored ${lamps.size} lamps and ${cabinets.size} cabinets`;
    }
    const cab = cabinets.get(target);
    if (cab) {
      restoreCabinet(w, cab);
      return `cabinet ${cab.spec.id} restored`;
    }
    const lamp = byIdOrIndex(lamps, target);
    if (!lamp) return `no lamp or cabinet ${target}`;
    restoreLamp(w, lamp);
    return `lamp ${lamp.spec.entry.id} restored`;
  }
  if ((CABINET_SCENARIOS as readonly string[]).includes(scenario)) {
    // A cabinet scenario named on a lamp applies to the lamp's cabinet.
    const cab = byIdOrIndex(cabinets, target) ?? lamps.get(target)?.cabinet;
    if (!cab) return `no cabinet ${target}`;
    return setCabinet(w, cab, scenario as CabinetScenario);
  }
  const lamp = byIdOrIndex(lamps, target);
  if (!lamp) return `no lamp ${target}`;
  return setLampFault(w, lamp, scenario as LampScenario);
}
