// The simulated homes' state — each patient's physiology model, hub and devices, the scheduler
// that paces their reports — and what happens to it: a report, a scenario (deterioration, fall,
// offline, battery-low, implausible, recover), a command from the platform. Each step is a
// function of the world, so the simulator's factory (sim.ts) only builds the homes and wires.
import { implausibleFields } from '../../pilots/healthcare/domain/vitals.ts';
import type { Logger } from '../../platform/logger.ts';
import type { DeviceCommand, SimDevice } from '../common/device.ts';
import type { Scheduler } from '../common/scheduler.ts';
import type { Home, HomeDevice } from './fleet.ts';
import {
  batteryLowEvent,
  fallEvent,
  nextBattery,
  scenarioNamed,
  telemetryPayload,
  HEALTHCARE_SCENARIOS,
  type HealthcareScenario,
  type HubState,
} from './payloads.ts';
import type { PatientModel, PatientVitals } from './physiology.ts';

export interface HomeRuntime {
  home: Home;
  model: PatientModel;
  lastStepAt: number;
  hub: HubState;
  rng: () => number;
  devices: { spec: HomeDevice; device: SimDevice }[];
  offlineTimer: { cancelled: boolean } | null;
}

export interface HealthcareWorld {
  readonly runtimes: HomeRuntime[];
  readonly scheduler: Scheduler;
  readonly now: () => number;
  readonly log: Logger | undefined;
  /** How long the `offline` scenario keeps a home away, real ms. */
  readonly offlineMs: number;
  /** Delay between `accepted` and `done` for a message shown on the hub. */
  readonly messageDoneMs: number;
  /** Length of a deterioration at the current speed. */
  deteriorationMs: number;
  /** Set when the simulator stops: nothing comes back online after that. */
  stopped: boolean;
}

export function vitalsNow(rt: HomeRuntime, at: number): PatientVitals {
  const v = rt.model.step(Math.max(0, at - rt.lastStepAt), at);
  rt.lastStepAt = Math.max(rt.lastStepAt, at);
  return v;
}

export function report(w: HealthcareWorld, rt: HomeRuntime, spec: HomeDevice, device: SimDevice): void {
  const at = w.now();
  if (spec.kind === 'home-hub') {
    const before = rt.hub.battery;
    Object.assign(rt.hub, nextBattery(rt.hub, rt.rng));
    if (rt.hub.trend === 'draining' && before > 15 && rt.hub.battery <= 15) void device.publishEvent(batteryLowEvent(at, rt.hub.battery));
  }
  void device.publishTelemetry(telemetryPayload(spec.kind, vitalsNow(rt, at), at, rt.hub));
}

/** The homes a stdin command names: an index, a patient id or `all`; a reply when none. */
export function targets(runtimes: HomeRuntime[], word: string | undefined): HomeRuntime[] | string {
  if (!word) return 'which patient? give an index, an id, or `all`';
  if (word === 'all') return runtimes;
  if (/^\d+$/.test(word)) {
    const rt = runtimes[Number(word)];
    return rt ? [rt] : `no patient #${word} (there are ${runtimes.length})`;
  }
  const rt = runtimes.find((r) => r.home.patient.id === word);
  return rt ? [rt] : `no patient with id ${word}`;
}

const label = (rt: HomeRuntime) => `patient #${rt.home.index}`;

async function goOffline(w: HealthcareWorld, rt: HomeRuntime): Promise<void> {
  if (rt.offlineTimer) rt.offlineTimer.cancelled = true;
  await Promise.all(rt.devices.map(({ device }) => device.goOffline()));
  const job = w.scheduler.after(w.offlineMs, () => goOnline(w, rt));
  rt.offlineTimer = job;
}

function goOnline(w: HealthcareWorld, rt: HomeRuntime): void {
  if (rt.offlineTimer) rt.offlineTimer.cancelled = true;
  rt.offlineTimer = null;
  if (!w.stopped) for (const { device } of rt.devices) device.goOnline();
}

/** Applies a scenario to one home; returns a one-line, non-personal description. */
export async function applyScenario(w: HealthcareWorld, scenario: HealthcareScenario, index: number): Promise<string> {
  const rt = w.runtimes[index];
  if (!rt) return `no patient #${index}`;
  const at = w.now();
  const { deteriorationMs } = w;
  switch (scenario) {
    case 'deterioration':
      rt.model.inject('deterioration', { overMs: deteriorationMs, at });
      return `${label(rt)} deteriorating over ${Math.round(deteriorationMs / 1000)} s`;
    case 'recover':
      rt.model.inject('recover', { overMs: deteriorationMs / 2, at });
      if (rt.hub.trend === 'draining') rt.hub.trend = 'charging';
      goOnline(w, rt);
      return `${label(rt)} recovering`;
    case 'fall': {
      const by = rt.devices.find((d) => d.spec.kind === 'wearable') ?? rt.devices.find((d) => d.spec.kind === 'home-hub')!;
      void by.device.publishEvent(fallEvent(at, by.spec.kind));
      return `${label(rt)} fell (reported by the ${by.spec.kind})`;
    }
    case 'offline':
      await goOffline(w, rt);
      return `${label(rt)}'s home offline for ${Math.round(w.offlineMs / 1000)} s`;
    case 'battery-low': {
      rt.hub.trend = 'draining';
      rt.hub.battery = Math.min(rt.hub.battery, 14);
      const hub = rt.devices.find((d) => d.spec.kind === 'home-hub')!;
      void hub.device.publishEvent(batteryLowEvent(at, rt.hub.battery));
      void hub.device.publishTelemetry(telemetryPayload('home-hub', vitalsNow(rt, at), at, rt.hub));
      return `${label(rt)}'s hub battery at ${rt.hub.battery} %`;
    }
    case 'implausible':
      return publishImplausible(rt, at);
  }
}

/** One extra measurement round from a corrupted snapshot, retried until a device of this home
 *  actually reports the corrupted value (a fault on a parameter nobody measures shows nothing). */
function publishImplausible(rt: HomeRuntime, at: number): string {
  const measuring = rt.devices.filter((d) => d.spec.kind !== 'home-hub');
  for (let attempt = 0; attempt < 20; attempt++) {
    rt.model.inject('implausible');
    const v = vitalsNow(rt, at);
    const payloads = measuring.map((d) => ({ d, p: telemetryPayload(d.spec.kind, v, at, rt.hub) }));
    const bad = payloads.filter(({ p }) => implausibleFields(p).length > 0);
    if (bad.length === 0) continue;
    for (const { d, p } of bad) void d.device.publishTelemetry(p);
    return `${label(rt)}: implausible reading from the ${bad.map(({ d }) => d.spec.kind).join(', ')}`;
  }
  return `${label(rt)}: no device of this home measures a parameter that can be faulted`;
}

/** A command from the platform: `message` (shown on the hub), `simulate` (a scenario); anything else is refused. */
export function onCommand(w: HealthcareWorld, rt: HomeRuntime, spec: HomeDevice, device: SimDevice, cmd: DeviceCommand): Promise<void> | void {
  switch (cmd.name) {
    case 'message': {
      if (spec.kind !== 'home-hub') return void device.ack(cmd.id, 'failed', 'this device has no display');
      // Shown on the hub's screen; done once the patient dismissed it. The text is not logged.
      void device.ack(cmd.id, 'accepted');
      w.scheduler.after(w.messageDoneMs, () => void device.ack(cmd.id, 'done'));
      return;
    }
    case 'simulate':
      return simulateCommand(w, rt, device, cmd);
    default:
      return void device.ack(cmd.id, 'failed', `unsupported command: ${cmd.name.slice(0, 64)}`);
  }
}

async function simulateCommand(w: HealthcareWorld, rt: HomeRuntime, device: SimDevice, cmd: DeviceCommand): Promise<void> {
  const raw = cmd.payload['scenario'];
  const scenario = typeof raw === 'string' ? scenarioNamed(raw) : null;
  if (!scenario) {
    await device.ack(cmd.id, 'failed', `unknown scenario; one of ${HEALTHCARE_SCENARIOS.join(', ')}`);
    return;
  }
  void device.ack(cmd.id, 'accepted');
  if (scenario === 'offline') {
    // Report done before the link goes, or the platform would only hear of it afterwards.
    await Promise.race([device.ack(cmd.id, 'done', 'going offline'), new Promise((r) => setTimeout(r, 2_000))]);
    w.log?.info({ home: rt.home.index, scenario }, 'scenario from the platform');
    await applyScenario(w, scenario, rt.home.index);
    return;
  }
  const reply = await applyScenario(w, scenario, rt.home.index);
  w.log?.info({ home: rt.home.index, scenario }, 'scenario from the platform');
  await device.ack(cmd.id, 'done', reply);
}
