// The lighting fleet: every lamp node and every control cabinet an MQTT device with its own
// credentials. Lamps keep their commanded state, obey `switch` commands, draw power by the pilot's
// model with noise and report every interval; cabinets integrate their lamps' power in their
// energy meter (physics.ts cabinetStep). Scenarios: lamp-failure, driver-fault, day-burner,
// comms-loss, mains-loss, door-open, restore — from --scenario, stdin or the `simulate` command.
import type { Logger } from '../../platform/logger.ts';
import type { SimulatorHandle } from '../common/cli.ts';
import { createDevice, type DeviceCommand, type SimDevice } from '../common/device.ts';
import { connectGradually, fleetStatus, problemReporter } from '../common/fleet.ts';
import { deriveSeed } from '../common/random.ts';
import { createScheduler, TokenBucket } from '../common/scheduler.ts';
import { onCabinetCommand, onLampCommand } from './device-commands.ts';
import { buildInstallation, type LampSpec, type LightingFleet } from './fleet.ts';
import { initialLamp, type LampState } from './lamp.ts';
import { initialCabinetState, mulberry32 } from './physics.ts';
import { LIGHTING_COMMANDS, lightingScenarioNamed, type LightingScenario } from './scenarios.ts';
import { applyScenario, reportCabinet, reportLamp, type CabinetRuntime, type LampRuntime, type LightingWorld } from './world.ts';

export {
  CABINET_SCENARIOS,
  LAMP_SCENARIOS,
  LIGHTING_COMMANDS,
  LIGHTING_SCENARIOS,
  lightingScenarioNamed,
  type LightingScenario,
} from './scenarios.ts';

export interface LightingSimOptions {
  fleet: LightingFleet;
  url: string;
  seed: number;
  speed?: number;
  /** Reporting interval at speed 1 in ms (default: the fleet's reportIntervalMs, else 60 s). */
  intervalMs?: number;
  rate?: number;
  logger?: Logger;
  connectBatch?: number;
  reconnect?: { minMs: number; maxMs: number };
  bufferLimit?: number;
  tickMs?: number;
  /** How long a comms-loss lasts, real ms (default 10 reporting intervals). */
  commsLossMs?: number;
}

export interface LightingSim extends SimulatorHandle {
  readonly devices: ReadonlyMap<string, SimDevice>;
  start(): Promise<void>;
  /** Applies a scenario to a lamp or cabinet id (or `all` for restore); returns a one-line reply. */
  apply(scenario: LightingScenario, target: string): Promise<string>;
  /** The simulated state of a lamp (for tests and the `list` command). */
  lamp(id: string): Readonly<LampState> | undefined;
}

export function createLightingSim(opts: LightingSimOptions): LightingSim {
  let speed = opts.speed ?? 1;
  const log = opts.logger;
  const inst = buildInstallation(opts.fleet);
  if (inst.ignored.length) log?.warn({ kinds: [...new Set(inst.ignored.map((d) => d.kind))] }, 'devices of these kinds are not simulated');
  const every = Math.max(1, (opts.intervalMs ?? opts.fleet.extra.reportIntervalMs ?? 60_000) / speed);
  const w: LightingWorld = {
    lamps: new Map(),
    cabinets: new Map(),
    scheduler: createScheduler({
      tickMs: opts.tickMs ?? 50,
      rate: opts.rate ? new TokenBucket(opts.rate) : null,
      onError: (err) => log?.error({ err }, 'simulation step failed'),
    }),
    now: () => Date.now(),
    // Long enough for the pilot to notice (it alarms after 3 missed reports), then the link returns.
    commsLossMs: opts.commsLossMs ?? 10 * every,
    stopped: false,
  };
  const { lamps, cabinets, scheduler } = w;
  const devices = new Map<string, SimDevice>();
  const reportProblem = problemReporter(log);
  const fleetRng = mulberry32(deriveSeed(opts.seed, 'fleet'));
  const firstInMs = () => fleetRng() * Math.min(every, 10_000 / speed);

  const device = (d: LampSpec['device'], onCommand: (cmd: DeviceCommand, dev: SimDevice) => Promise<void> | void): SimDevice | null => {
    if (!d) return null;
    const dev = createDevice({
      url: opts.url,
      tenantId: d.tenantId,
      deviceId: d.id,
      secret: d.secret,
      autoConnect: false,
      onCommand,
      onProblem: reportProblem,
      ...(log ? { logger: log } : {}),
      ...(opts.reconnect ? { reconnect: opts.reconnect } : {}),
      ...(opts.bufferLimit ? { bufferLimit: opts.bufferLimit } : {}),
    });
    devices.set(d.id, dev);
    return dev;
  };

  const t0 = w.now();
  for (const spec of inst.cabinets) {
    const cab: CabinetRuntime = {
      spec,
      meter: initialCabinetState(t0),
      mainsPresent: spec.mainsPresent,
      doorOpen: spec.doorOpen,
      rng: mulberry32(deriveSeed(opts.seed, `cabinet:${spec.id}`)),
      device: null,
      lamps: [],
    };
    cab.device = device(spec.device, (cmd, dev) => onCabinetCommand(w, log, cab, dev, cmd));
    cabinets.set(spec.id, cab);
    for (const ls of spec.lamps) {
      const rng = mulberry32(deriveSeed(opts.seed, `lamp:${ls.entry.id}`));
      const lamp: LampRuntime = {
        spec: ls,
        rng,
        cabinet: cab,
        device: null,
        commsTimer: null,
        state: initialLamp(ls.model, {
          at: t0,
          rng,
          ...(ls.entry.powerState ? { powerState: ls.entry.powerState } : {}),
          ...(ls.entry.illuminanceLevel !== undefined && ls.entry.powerState !== 'off' ? { level: Math.round(ls.entry.illuminanceLevel * 100) } : {}),
          ...(ls.entry.burningHours !== undefined ? { burningHours: ls.entry.burningHours } : {}),
          ...(ls.entry.switchCount !== undefined ? { switchCount: ls.entry.switchCount } : {}),
          ambientTemperature: 10 + Math.round(rng() * 80) / 10,
          mainsPresent: cab.mainsPresent,
        }),
      };
      lamp.device = device(ls.device, (cmd, dev) => onLampCommand(w, log, lamp, dev, cmd));
      cab.lamps.push(lamp);
      lamps.set(ls.entry.id, lamp);
      if (lamp.device) scheduler.every(every, () => reportLamp(w, lamp), { firstInMs: firstInMs(), cost: 1 });
    }
    if (cab.device) scheduler.every(every, () => reportCabinet(w, cab), { firstInMs: firstInMs(), cost: 1 });
  }

  const apply = (scenario: LightingScenario, target: string) => applyScenario(w, scenario, target);

  return {
    devices,
    async start() {
      scheduler.start();
      await connectGradually([...devices.values()], { concurrency: opts.connectBatch ?? 50, stopped: () => w.stopped });
    },
    apply,
    lamp: (id) => lamps.get(id)?.state,
    async command(words) {
      const [verb, target] = words;
      if (!verb) return '';
      if (verb === 'help') return LIGHTING_COMMANDS.join('\n');
      if (verb === 'speed') {
        const next = Number(target);
        if (!(next > 0 && next <= 100_000)) return 'speed must be a number above 0 (at most 100000)';
        scheduler.rescale(next / speed);
        speed = next;
        return `speed ${next}`;
      }
      if (verb === 'list') {
        const ls = [...lamps.values()].map((l, i) => `lamp #${i} ${l.spec.entry.id} (cabinet ${l.cabinet.spec.id})`);
        const cs = [...cabinets.values()].map((c, i) => `cabinet #${i} ${c.spec.id} (${c.lamps.length} lamps)`);
        return [...cs, ...ls].join('\n');
      }
      const scenario = lightingScenarioNamed(verb);
      if (!scenario) return `unknown command ${verb}; try help`;
      if (!target) return `${verb} needs a target: an id or a 0-based index${scenario === 'restore' ? ', or all' : ''}`;
      return apply(scenario, target);
    },
    status() {
      let litLamps = 0;
      let faulty = 0;
      let watts = 0;
      let switches = 0;
      for (const l of lamps.values()) {
        if (l.state.electrical.dimLevel > 0) litLamps++;
        if (l.state.fault || l.state.commsLost) faulty++;
        watts += l.state.electrical.activePower;
        switches += l.state.switchCount;
      }
      return {
        ...fleetStatus(devices.values(), scheduler.stats().deferred),
        lit: litLamps,
        faulty,
        switches,
        kW: Math.round(watts / 100) / 10,
      };
    },
    async stop() {
      w.stopped = true;
      scheduler.stop();
      await Promise.all([...devices.values()].map((d) => d.close()));
    },
  };
}
