// The healthcare fleet: one home per synthetic patient, each device an MQTT client with its own
// credentials publishing its kind's telemetry at realistic intervals (divided by the speed
// factor) from the patient's seeded physiology model. Scenarios (deterioration, fall, offline,
// battery-low, implausible, recover) arrive from stdin, --scenario, or the platform's `simulate`
// command on the hub. One shared scheduler drives every device.
import type { DeviceKind } from '../../pilots/healthcare/domain/vitals.ts';
import { implausibleFields, REPORT_INTERVAL_MS } from '../../pilots/healthcare/domain/vitals.ts';
import type { Logger } from '../../platform/logger.ts';
import type { SimulatorHandle } from '../common/cli.ts';
import { createDevice, type DeviceCommand, type SimDevice } from '../common/device.ts';
import { connectGradually, fleetStatus, problemReporter } from '../common/fleet.ts';
import { deriveSeed } from '../common/random.ts';
import { createScheduler, TokenBucket, type Scheduler } from '../common/scheduler.ts';
import { buildHomes, type HealthcareFleet, type Home, type HomeDevice } from './fleet.ts';
import {
  batteryLowEvent,
  fallEvent,
  nextBattery,
  scenarioNamed,
  telemetryPayload,
  HEALTHCARE_SCENARIOS,
  type Connectivity,
  type HealthcareScenario,
  type HubState,
} from './payloads.ts';
import { createPatientModel, mulberry32, type PatientModel, type PatientVitals } from './physiology.ts';

const MIN = 60_000;

export interface HealthcareSimOptions {
  fleet: HealthcareFleet;
  /** Broker URL. */
  url: string;
  seed: number;
  /** Reporting intervals and scenario durations are divided by it (default 1). */
  speed?: number;
  /** Cap on periodic messages per second across the fleet. */
  rate?: number;
  logger?: Logger;
  /** Intervals per kind at speed 1, overriding REPORT_INTERVAL_MS. */
  intervalsMs?: Partial<Record<DeviceKind, number>>;
  /** Length of a deterioration at speed 1 (default 30 min). */
  deteriorationMs?: number;
  /** How long the `offline` scenario keeps a home away, in real ms (default 15 min / speed, at least 2 min). */
  offlineMs?: number;
  /** Delay between `accepted` and `done` for a message shown on the hub (default 1.5 s). */
  messageDoneMs?: number;
  connectBatch?: number;
  reconnect?: { minMs: number; maxMs: number };
  bufferLimit?: number;
  tickMs?: number;
}

export interface HealthcareSim extends SimulatorHandle {
  readonly homes: readonly Home[];
  readonly devices: ReadonlyMap<string, SimDevice>;
  /** Starts the scheduler and connects the fleet gradually. */
  start(): Promise<void>;
  /** Changes the speed factor while running; returns a one-line reply. */
  setSpeed(speed: number): string;
  /** Applies a scenario to one home; returns a one-line, non-personal description. */
  apply(scenario: HealthcareScenario, homeIndex: number): Promise<string>;
}

interface HomeRuntime {
  home: Home;
  model: PatientModel;
  lastStepAt: number;
  hub: HubState;
  rng: () => number;
  devices: { spec: HomeDevice; device: SimDevice }[];
  offlineTimer: { cancelled: boolean } | null;
}

export const STDIN_COMMANDS = [
  'deteriorate <patient>   vitals drift towards NEWS2 ≥ 7 (over --deterioration-minutes / speed)',
  'fall <patient>          the wearable (or hub button) reports a fall',
  'offline <patient>       the home\'s devices lose their link for a while, buffering',
  'battery-low <patient>   the hub\'s battery runs down',
  'implausible <patient>   one technically implausible reading (probe off, cuff artefact…)',
  'recover <patient>       back to stable, online, battery charging',
  'speed <factor>          change the speed while running (a deterioration keeps its progress)',
  'list                    patient indexes and ids',
  'status                  fleet counters',
  '<patient> is a 0-based index, a patient id, or `all`',
];

// size: a factory closure: its body is the module's private state and its named inner functions, each held to the limit on its own
export function createHealthcareSim(opts: HealthcareSimOptions): HealthcareSim {
  let speed = opts.speed ?? 1;
  const log = opts.logger;
  const homes = buildHomes(opts.fleet);
  const intervals = { ...REPORT_INTERVAL_MS, ...opts.intervalsMs };
  let deteriorationMs = (opts.deteriorationMs ?? 30 * MIN) / speed;
  // The platform's offline grace is real time (about a minute): a shorter outage raises nothing.
  const offlineMs = opts.offlineMs ?? Math.max((15 * MIN) / speed, 2 * MIN);
  const messageDoneMs = opts.messageDoneMs ?? 1_500;
  const scheduler: Scheduler = createScheduler({
    tickMs: opts.tickMs ?? 50,
    rate: opts.rate ? new TokenBucket(opts.rate) : null,
    onError: (err) => log?.error({ err }, 'simulation step failed'),
  });
  const devices = new Map<string, SimDevice>();
  const reportProblem = problemReporter(log);
  const runtimes: HomeRuntime[] = [];
  let stopped = false;
  const now = () => Date.now();

  for (const home of homes) {
    const seed = opts.seed + home.index; // "seed + patient index": one stream per patient
    const rng = mulberry32(deriveSeed(seed, 'home'));
    const t0 = now();
    const connectivity: Connectivity = (['wifi', 'wifi', 'cellular', 'ethernet'] as const)[Math.floor(rng() * 4)]!;
    const onOxygen = home.patient.onOxygen ?? (home.patient.condition === 'copd' && rng() < 0.35);
    const rt: HomeRuntime = {
      home,
      model: createPatientModel({ seed, condition: home.patient.condition, now: t0 }),
      lastStepAt: t0,
      hub: { battery: 96 + Math.floor(rng() * 5), connectivity, trend: 'steady', consciousness: 'A', onOxygen },
      rng,
      devices: [],
      offlineTimer: null,
    };
    for (const spec of home.devices) {
      const device = createDevice({
        url: opts.url,
        tenantId: spec.fleet.tenantId,
        deviceId: spec.fleet.id,
        secret: spec.fleet.secret,
        autoConnect: false,
        onCommand: (cmd, dev) => onCommand(rt, spec, dev, cmd),
        onProblem: reportProblem,
        ...(log ? { logger: log } : {}),
        ...(opts.reconnect ? { reconnect: opts.reconnect } : {}),
        ...(opts.bufferLimit ? { bufferLimit: opts.bufferLimit } : {}),
      });
      devices.set(spec.fleet.id, device);
      rt.devices.push({ spec, device });
      const every = Math.max(1, intervals[spec.kind] / speed);
      // First readings spread over up to 10 s (less when sped up) so a fleet does not start in step.
      const firstInMs = rng() * Math.min(every, 10_000 / speed);
      scheduler.every(every, () => report(rt, spec, device), { firstInMs, cost: 1 });
    }
    runtimes.push(rt);
  }

  function vitalsNow(rt: HomeRuntime, at: number): PatientVitals {
    const v = rt.model.step(Math.max(0, at - rt.lastStepAt), at);
    rt.lastStepAt = Math.max(rt.lastStepAt, at);
    return v;
  }

  function report(rt: HomeRuntime, spec: HomeDevice, device: SimDevice): void {
    const at = now();
    if (spec.kind === 'home-hub') {
      const before = rt.hub.battery;
      Object.assign(rt.hub, nextBattery(rt.hub, rt.rng));
      if (rt.hub.trend === 'draining' && before > 15 && rt.hub.battery <= 15) void device.publishEvent(batteryLowEvent(at, rt.hub.battery));
    }
    void device.publishTelemetry(telemetryPayload(spec.kind, vitalsNow(rt, at), at, rt.hub));
  }

  function targets(word: string | undefined): HomeRuntime[] | string {
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

  async function goOffline(rt: HomeRuntime): Promise<void> {
    if (rt.offlineTimer) rt.offlineTimer.cancelled = true;
    await Promise.all(rt.devices.map(({ device }) => device.goOffline()));
    const job = scheduler.after(offlineMs, () => goOnline(rt));
    rt.offlineTimer = job;
  }

  function goOnline(rt: HomeRuntime): void {
    if (rt.offlineTimer) rt.offlineTimer.cancelled = true;
    rt.offlineTimer = null;
    if (!stopped) for (const { device } of rt.devices) device.goOnline();
  }

  async function apply(scenario: HealthcareScenario, index: number): Promise<string> {
    const rt = runtimes[index];
    if (!rt) return `no patient #${index}`;
    const at = now();
    switch (scenario) {
      case 'deterioration':
        rt.model.inject('deterioration', { overMs: deteriorationMs, at });
        return `${label(rt)} deteriorating over ${Math.round(deteriorationMs / 1000)} s`;
      case 'recover':
        rt.model.inject('recover', { overMs: deteriorationMs / 2, at });
        if (rt.hub.trend === 'draining') rt.hub.trend = 'charging';
        goOnline(rt);
        return `${label(rt)} recovering`;
      case 'fall': {
        const by = rt.devices.find((d) => d.spec.kind === 'wearable') ?? rt.devices.find((d) => d.spec.kind === 'home-hub')!;
        void by.device.publishEvent(fallEvent(at, by.spec.kind));
        return `${label(rt)} fell (reported by the ${by.spec.kind})`;
      }
      case 'offline':
        await goOffline(rt);
        return `${label(rt)}'s home offline for ${Math.round(offlineMs / 1000)} s`;
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

  function onCommand(rt: HomeRuntime, spec: HomeDevice, device: SimDevice, cmd: DeviceCommand): Promise<void> | void {
    switch (cmd.name) {
      case 'message': {
        if (spec.kind !== 'home-hub') return void device.ack(cmd.id, 'failed', 'this device has no display');
        // Shown on the hub's screen; done once the patient dismissed it. The text is not logged.
        void device.ack(cmd.id, 'accepted');
        scheduler.after(messageDoneMs, () => void device.ack(cmd.id, 'done'));
        return;
      }
      case 'simulate':
        return simulateCommand(rt, device, cmd);
      default:
        return void device.ack(cmd.id, 'failed', `unsupported command: ${cmd.name.slice(0, 64)}`);
    }
  }

  async function simulateCommand(rt: HomeRuntime, device: SimDevice, cmd: DeviceCommand): Promise<void> {
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
      log?.info({ home: rt.home.index, scenario }, 'scenario from the platform');
      await apply(scenario, rt.home.index);
      return;
    }
    const reply = await apply(scenario, rt.home.index);
    log?.info({ home: rt.home.index, scenario }, 'scenario from the platform');
    await device.ack(cmd.id, 'done', reply);
  }

  /** Changes the speed while running: reports come faster or slower, and a deterioration under
   *  way keeps its progress and finishes at the new pace. */
  function setSpeed(next: number): string {
    if (!(next > 0 && next <= 100_000)) return 'speed must be a number above 0 (at most 100000)';
    const factor = next / speed;
    const at = now();
    scheduler.rescale(factor);
    for (const rt of runtimes) rt.model.rescale(factor, at);
    deteriorationMs = (opts.deteriorationMs ?? 30 * MIN) / next;
    speed = next;
    return `speed ${next}`;
  }

  return {
    homes,
    devices,
    setSpeed,
    async start() {
      scheduler.start();
      await connectGradually([...devices.values()], { concurrency: opts.connectBatch ?? 50, stopped: () => stopped });
    },
    apply,
    async command(words) {
      const [verb, target] = words;
      if (!verb) return '';
      if (verb === 'help') return STDIN_COMMANDS.join('\n');
      if (verb === 'speed') return setSpeed(Number(target));
      if (verb === 'list') return runtimes.map((r) => `#${r.home.index} ${r.home.patient.id} (${r.devices.length} devices)`).join('\n');
      const scenario = scenarioNamed(verb);
      if (!scenario) return `unknown command ${verb}; try help`;
      const list = targets(target);
      if (typeof list === 'string') return list;
      const replies = await Promise.all(list.map((rt) => apply(scenario, rt.home.index)));
      return replies.length > 3 ? `${scenario} applied to ${replies.length} patients` : replies.join('; ');
    },
    status() {
      return {
        ...fleetStatus(devices.values(), scheduler.stats().deferred),
        deteriorating: runtimes.filter((r) => r.model.phase === 'deteriorating' || r.model.phase === 'deteriorated').length,
      };
    },
    async stop() {
      stopped = true;
      scheduler.stop();
      await Promise.all([...devices.values()].map((d) => d.close()));
    },
  };
}
