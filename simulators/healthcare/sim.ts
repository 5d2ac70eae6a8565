// The healthcare fleet: one home per synthetic patient, each device an MQTT client with its own
// credentials publishing its kind's telemetry at realistic intervals (divided by the speed
// factor) from the patient's seeded physiology model. Scenarios (deterioration, fall, offline,
// battery-low, implausible, recover) arrive from stdin, --scenario, or the platform's `simulate`
// command on the hub. One shared scheduler drives every device.
import type { DeviceKind } from '../../pilots/healthcare/domain/vitals.ts';
import { REPORT_INTERVAL_MS } from '../../pilots/healthcare/domain/vitals.ts';
import type { Logger } from '../../platform/logger.ts';
import type { SimulatorHandle } from '../common/cli.ts';
import { createDevice, type SimDevice } from '../common/device.ts';
import { connectGradually, fleetStatus, problemReporter } from '../common/fleet.ts';
import { deriveSeed } from '../common/random.ts';
import { createScheduler, TokenBucket } from '../common/scheduler.ts';
import { buildHomes, type HealthcareFleet, type Home } from './fleet.ts';
import { scenarioNamed, type Connectivity, type HealthcareScenario } from './payloads.ts';
import { createPatientModel, mulberry32 } from './physiology.ts';
import { applyScenario, onCommand, report, targets, type HealthcareWorld, type HomeRuntime } from './world.ts';

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

export function createHealthcareSim(opts: HealthcareSimOptions): HealthcareSim {
  let speed = opts.speed ?? 1;
  const log = opts.logger;
  const homes = buildHomes(opts.fleet);
  const intervals = { ...REPORT_INTERVAL_MS, ...opts.intervalsMs };
  const w: HealthcareWorld = {
    runtimes: [],
    scheduler: createScheduler({
      tickMs: opts.tickMs ?? 50,
      rate: opts.rate ? new TokenBucket(opts.rate) : null,
      onError: (err) => log?.error({ err }, 'simulation step failed'),
    }),
    now: () => Date.now(),
    log,
    // The platform's offline grace is real time (about a minute): a shorter outage raises nothing.
    offlineMs: opts.offlineMs ?? Math.max((15 * MIN) / speed, 2 * MIN),
    messageDoneMs: opts.messageDoneMs ?? 1_500,
    deteriorationMs: (opts.deteriorationMs ?? 30 * MIN) / speed,
    stopped: false,
  };
  const { runtimes, scheduler, now } = w;
  const devices = new Map<string, SimDevice>();
  const reportProblem = problemReporter(log);

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
        onCommand: (cmd, dev) => onCommand(w, rt, spec, dev, cmd),
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
      scheduler.every(every, () => report(w, rt, spec, device), { firstInMs, cost: 1 });
    }
    runtimes.push(rt);
  }

  const apply = (scenario: HealthcareScenario, index: number) => applyScenario(w, scenario, index);

  /** Changes the speed while running: reports come faster or slower, and a deterioration under
   *  way keeps its progress and finishes at the new pace. */
  function setSpeed(next: number): string {
    if (!(next > 0 && next <= 100_000)) return 'speed must be a number above 0 (at most 100000)';
    const factor = next / speed;
    const at = now();
    scheduler.rescale(factor);
    for (const rt of runtimes) rt.model.rescale(factor, at);
    w.deteriorationMs = (opts.deteriorationMs ?? 30 * MIN) / next;
    speed = next;
    return `speed ${next}`;
  }

  return {
    homes,
    devices,
    setSpeed,
    async start() {
      scheduler.start();
      await connectGradually([...devices.values()], { concurrency: opts.connectBatch ?? 50, stopped: () => w.stopped });
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
      const list = targets(runtimes, target);
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
      w.stopped = true;
      scheduler.stop();
      await Promise.all([...devices.values()].map((d) => d.close()));
    },
  };
}
