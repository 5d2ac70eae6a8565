// The lighting fleet: every lamp node and every control cabinet an MQTT device with its own
// credentials. Lamps keep their commanded state, obey `switch` commands, draw power by the pilot's
// model with noise and report every interval; cabinets integrate their lamps' power in their
// energy meter (physics.ts cabinetStep). Scenarios: lamp-failure, driver-fault, day-burner,
// comms-loss, mains-loss, door-open, restore — from --scenario, stdin or the `simulate` command.
import { lightingCommandSchema, type LightingEvent, type Phase } from '../../pilots/lighting/domain/model.ts';
import type { Logger } from '../../platform/logger.ts';
import type { SimulatorHandle } from '../common/cli.ts';
import { createDevice, type DeviceCommand, type SimDevice } from '../common/device.ts';
import { connectGradually, fleetStatus, problemReporter } from '../common/fleet.ts';
import { deriveSeed } from '../common/random.ts';
import { createScheduler, TokenBucket, type Job } from '../common/scheduler.ts';
import { buildInstallation, type CabinetSpec, type LampSpec, type LightingFleet } from './fleet.ts';
import { applySwitch, initialLamp, lampTelemetry, measure, overheatEvent, type LampState } from './lamp.ts';
import { cabinetStep, initialCabinetState, mulberry32, type CabinetState, type LampFault, type Rng } from './physics.ts';

export const LAMP_SCENARIOS = ['lamp-failure', 'driver-fault', 'day-burner', 'comms-loss'] as const;
export const CABINET_SCENARIOS = ['mains-loss', 'door-open'] as const;
export const LIGHTING_SCENARIOS = [...LAMP_SCENARIOS, ...CABINET_SCENARIOS, 'restore'] as const;
export type LightingScenario = (typeof LIGHTING_SCENARIOS)[number];

const ALIASES: Record<string, LightingScenario> = {
  fail: 'lamp-failure',
  failure: 'lamp-failure',
  'lamp-failure': 'lamp-failure',
  'driver-fault': 'driver-fault',
  driver: 'driver-fault',
  'day-burner': 'day-burner',
  dayburner: 'day-burner',
  'comms-loss': 'comms-loss',
  silent: 'comms-loss',
  'mains-loss': 'mains-loss',
  mains: 'mains-loss',
  'door-open': 'door-open',
  door: 'door-open',
  restore: 'restore',
  recover: 'restore',
};

export function lightingScenarioNamed(word: string): LightingScenario | null {
  return ALIASES[word.toLowerCase()] ?? null;
}

const FAULT_OF: Record<(typeof LAMP_SCENARIOS)[number], LampFault | null> = {
  'lamp-failure': 'failed',
  'driver-fault': 'driverFault',
  'day-burner': 'dayBurner',
  'comms-loss': null,
};

export const LIGHTING_COMMANDS = [
  'speed <factor>          change the speed while running',
  'fail <lamp>             lamp failure: a few watts while on, switch commands fail',
  'driver-fault <lamp>     driver runs ~40 % over power and overheats (fault event)',
  'day-burner <lamp>       relay stuck closed: full output whatever is commanded',
  'comms-loss <lamp>       the lamp node goes silent for 10 reporting intervals',
  'mains-loss <cabinet>    the cabinet loses mains: its lamps go dark and silent',
  'door-open <cabinet>     the cabinet door is opened',
  'restore <lamp|cabinet|all>   clears faults, brings mains and links back, closes the door',
  'list                    lamp and cabinet ids with their indexes',
  'status                  fleet counters',
  '<lamp> / <cabinet> is an id or a 0-based index',
];

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

interface LampRuntime {
  spec: LampSpec;
  state: LampState;
  rng: Rng;
  device: SimDevice | null;
  cabinet: CabinetRuntime;
  commsTimer: Job | null;
}

interface CabinetRuntime {
  spec: CabinetSpec;
  meter: CabinetState;
  mainsPresent: boolean;
  doorOpen: boolean;
  rng: Rng;
  device: SimDevice | null;
  lamps: LampRuntime[];
}

export interface LightingSim extends SimulatorHandle {
  readonly devices: ReadonlyMap<string, SimDevice>;
  start(): Promise<void>;
  /** Applies a scenario to a lamp or cabinet id (or `all` for restore); returns a one-line reply. */
  apply(scenario: LightingScenario, target: string): Promise<string>;
  /** The simulated state of a lamp (for tests and the `list` command). */
  lamp(id: string): Readonly<LampState> | undefined;
}

// size: a factory closure: its body is the module's private state and its named inner functions, each held to the limit on its own
export function createLightingSim(opts: LightingSimOptions): LightingSim {
  let speed = opts.speed ?? 1;
  const log = opts.logger;
  const inst = buildInstallation(opts.fleet);
  if (inst.ignored.length) log?.warn({ kinds: [...new Set(inst.ignored.map((d) => d.kind))] }, 'devices of these kinds are not simulated');
  const every = Math.max(1, (opts.intervalMs ?? opts.fleet.extra.reportIntervalMs ?? 60_000) / speed);
  // Long enough for the pilot to notice (it alarms after 3 missed reports), then the link returns.
  const commsLossMs = opts.commsLossMs ?? 10 * every;
  const scheduler = createScheduler({
    tickMs: opts.tickMs ?? 50,
    rate: opts.rate ? new TokenBucket(opts.rate) : null,
    onError: (err) => log?.error({ err }, 'simulation step failed'),
  });
  const devices = new Map<string, SimDevice>();
  const reportProblem = problemReporter(log);
  const lamps = new Map<string, LampRuntime>();
  const cabinets = new Map<string, CabinetRuntime>();
  const fleetRng = mulberry32(deriveSeed(opts.seed, 'fleet'));
  let stopped = false;
  const now = () => Date.now();

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

  const t0 = now();
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
    cab.device = device(spec.device, (cmd, dev) => onCabinetCommand(cab, dev, cmd));
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
      lamp.device = device(ls.device, (cmd, dev) => onLampCommand(lamp, dev, cmd));
      cab.lamps.push(lamp);
      lamps.set(ls.entry.id, lamp);
      if (lamp.device) scheduler.every(every, () => reportLamp(lamp), { firstInMs: fleetRng() * Math.min(every, 10_000 / speed), cost: 1 });
    }
    if (cab.device) scheduler.every(every, () => reportCabinet(cab), { firstInMs: fleetRng() * Math.min(every, 10_000 / speed), cost: 1 });
  }

  const silent = (lamp: LampRuntime) => lamp.state.commsLost || !lamp.cabinet.mainsPresent;

  function reportLamp(lamp: LampRuntime, at = now()): void {
    lamp.state = measure(lamp.state, lamp.spec.model, at, lamp.rng, lamp.cabinet.mainsPresent);
    // A node without power or without its radio sends nothing (and measures nothing worth keeping).
    if (!lamp.device || silent(lamp)) return;
    void lamp.device.publishTelemetry(lampTelemetry(lamp.state, at));
    const o = overheatEvent(lamp.state, lamp.spec.model, at);
    lamp.state = o.state;
    if (o.event) void lamp.device.publishEvent(o.event);
  }

  function reportCabinet(cab: CabinetRuntime, at = now()): void {
    const byPhase: Record<Phase, number> = { L1: 0, L2: 0, L3: 0 };
    for (const l of cab.lamps) byPhase[l.spec.phase] += l.state.electrical.activePower;
    const step = cabinetStep(cab.meter, { ts: at, lampPowerByPhase: byPhase, mainsPresent: cab.mainsPresent, doorOpen: cab.doorOpen }, cab.rng);
    cab.meter = step.state;
    if (cab.device) void cab.device.publishTelemetry(step.reading);
  }

  const cabinetEvent = (cab: CabinetRuntime, type: LightingEvent['type'], at: number) => {
    if (cab.device) void cab.device.publishEvent({ ts: at, type });
  };

  function byIdOrIndex<T>(map: Map<string, T>, target: string): T | undefined {
    if (/^\d+$/.test(target) && !map.has(target)) return [...map.values()][Number(target)];
    return map.get(target);
  }

  async function setLampFault(lamp: LampRuntime, scenario: (typeof LAMP_SCENARIOS)[number]): Promise<string> {
    const id = lamp.spec.entry.id;
    if (scenario === 'comms-loss') {
      lamp.state = { ...lamp.state, commsLost: true };
      await lamp.device?.goOffline();
      // A silent node cannot hear a `restore` command, so the outage ends by itself.
      if (lamp.commsTimer) scheduler.cancel(lamp.commsTimer);
      lamp.commsTimer = scheduler.after(commsLossMs, () => {
        lamp.commsTimer = null;
        if (lamp.state.commsLost) restoreLamp(lamp);
      });
      return `lamp ${id} silent for ${Math.round(commsLossMs / 1000)} s`;
    }
    lamp.state = { ...lamp.state, fault: FAULT_OF[scenario], overheatReported: false };
    reportLamp(lamp); // the fault shows in the next reading at once
    return `lamp ${id}: ${scenario}`;
  }

  async function setCabinet(cab: CabinetRuntime, scenario: (typeof CABINET_SCENARIOS)[number]): Promise<string> {
    const at = now();
    reportCabinet(cab, at); // closes the meter's interval at the old state
    if (scenario === 'door-open') {
      if (!cab.doorOpen) cabinetEvent(cab, 'door-open', at);
      cab.doorOpen = true;
      reportCabinet(cab, at);
      return `cabinet ${cab.spec.id}: door open`;
    }
    if (cab.mainsPresent) cabinetEvent(cab, 'mains-lost', at);
    cab.mainsPresent = false;
    for (const l of cab.lamps) l.state = measure(l.state, l.spec.model, at, l.rng, false);
    await Promise.all(cab.lamps.map((l) => l.device?.goOffline()));
    reportCabinet(cab, at);
    return `cabinet ${cab.spec.id}: mains lost, ${cab.lamps.length} lamps dark`;
  }

  function restoreLamp(lamp: LampRuntime): void {
    const wasSilent = lamp.state.commsLost;
    if (lamp.commsTimer) scheduler.cancel(lamp.commsTimer);
    lamp.commsTimer = null;
    lamp.state = { ...lamp.state, fault: null, commsLost: false, overheatReported: false };
    if (wasSilent && lamp.cabinet.mainsPresent && !stopped) lamp.device?.goOnline();
    reportLamp(lamp);
  }

  function restoreCabinet(cab: CabinetRuntime): void {
    const at = now();
    reportCabinet(cab, at);
    if (!cab.mainsPresent) {
      cab.mainsPresent = true;
      cabinetEvent(cab, 'mains-restored', at);
      for (const l of cab.lamps) {
        if (!l.state.commsLost && !stopped) l.device?.goOnline();
        l.state = measure(l.state, l.spec.model, at, l.rng, true);
      }
    }
    // Restoring a cabinet also ends the radio outages of the lamps it feeds.
    for (const l of cab.lamps) if (l.state.commsLost) restoreLamp(l);
    if (cab.doorOpen) {
      cab.doorOpen = false;
      cabinetEvent(cab, 'door-closed', at);
    }
    reportCabinet(cab, at);
  }

  async function apply(scenario: LightingScenario, target: string): Promise<string> {
    if (scenario === 'restore') {
      if (target === 'all') {
        for (const l of lamps.values()) restoreLamp(l);
        for (const c of cabinets.values()) restoreCabinet(c);
        return `restored ${lamps.size} lamps and ${cabinets.size} cabinets`;
      }
      const cab = cabinets.get(target);
      if (cab) {
        restoreCabinet(cab);
        return `cabinet ${cab.spec.id} restored`;
      }
      const lamp = byIdOrIndex(lamps, target);
      if (!lamp) return `no lamp or cabinet ${target}`;
      restoreLamp(lamp);
      return `lamp ${lamp.spec.entry.id} restored`;
    }
    if ((CABINET_SCENARIOS as readonly string[]).includes(scenario)) {
      // A cabinet scenario named on a lamp applies to the lamp's cabinet.
      const cab = byIdOrIndex(cabinets, target) ?? lamps.get(target)?.cabinet;
      if (!cab) return `no cabinet ${target}`;
      return setCabinet(cab, scenario as (typeof CABINET_SCENARIOS)[number]);
    }
    const lamp = byIdOrIndex(lamps, target);
    if (!lamp) return `no lamp ${target}`;
    return setLampFault(lamp, scenario as (typeof LAMP_SCENARIOS)[number]);
  }

  async function onLampCommand(lamp: LampRuntime, dev: SimDevice, cmd: DeviceCommand): Promise<void> {
    if (cmd.name === 'simulate') return simulateCommand(dev, cmd, lamp.spec.entry.id);
    if (cmd.name !== 'switch') return void dev.ack(cmd.id, 'failed', `unsupported command: ${cmd.name.slice(0, 64)}`);
    const parsed = lightingCommandSchema.safeParse(cmd.payload);
    if (!parsed.success) return void dev.ack(cmd.id, 'failed', `invalid switch payload: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    void dev.ack(cmd.id, 'accepted');
    const at = now();
    const { state, outcome } = applySwitch(lamp.state, parsed.data, lamp.spec.model, at, lamp.rng, lamp.cabinet.mainsPresent);
    lamp.state = state;
    void dev.ack(cmd.id, outcome.status, outcome.detail);
    // Nodes report a change of state at once rather than waiting for the next period.
    if (!silent(lamp)) void dev.publishTelemetry(lampTelemetry(lamp.state, at));
  }

  async function onCabinetCommand(cab: CabinetRuntime, dev: SimDevice, cmd: DeviceCommand): Promise<void> {
    if (cmd.name === 'simulate') return simulateCommand(dev, cmd, cab.spec.id);
    if (cmd.name !== 'switch') return void dev.ack(cmd.id, 'failed', `unsupported command: ${cmd.name.slice(0, 64)}`);
    const parsed = lightingCommandSchema.safeParse(cmd.payload);
    if (!parsed.success) return void dev.ack(cmd.id, 'failed', `invalid switch payload: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    if (!cab.mainsPresent) return void dev.ack(cmd.id, 'failed', 'no mains: the contactor cannot switch');
    // The cabinet's contactor (or a broadcast on its lamp bus) sets every lamp it feeds.
    void dev.ack(cmd.id, 'accepted');
    const at = now();
    for (const l of cab.lamps) l.state = applySwitch(l.state, parsed.data, l.spec.model, at, l.rng, true).state;
    reportCabinet(cab, at);
    void dev.ack(cmd.id, 'done', `${cab.lamps.length} lamps set`);
  }

  async function simulateCommand(dev: SimDevice, cmd: DeviceCommand, target: string): Promise<void> {
    const raw = cmd.payload['scenario'];
    const scenario = typeof raw === 'string' ? lightingScenarioNamed(raw) : null;
    const isCabinet = cabinets.has(target) && !lamps.has(target);
    if (!scenario || (isCabinet && (LAMP_SCENARIOS as readonly string[]).includes(scenario))) {
      await dev.ack(cmd.id, 'failed', `unknown scenario for this device; one of ${(isCabinet ? [...CABINET_SCENARIOS, 'restore'] : LIGHTING_SCENARIOS).join(', ')}`);
      return;
    }
    void dev.ack(cmd.id, 'accepted');
    log?.info({ deviceId: dev.deviceId, scenario }, 'scenario from the platform');
    // Going silent (comms-loss, mains-loss on a lamp's own cabinet) must not swallow the final ack.
    const silencing = scenario === 'comms-loss' || (scenario === 'mains-loss' && !isCabinet);
    if (silencing) {
      await Promise.race([dev.ack(cmd.id, 'done'), new Promise((r) => setTimeout(r, 2_000))]);
      await apply(scenario, target);
      return;
    }
    const reply = await apply(scenario, target);
    await dev.ack(cmd.id, 'done', reply.slice(0, 500));
  }

  return {
    devices,
    async start() {
      scheduler.start();
      await connectGradually([...devices.values()], { concurrency: opts.connectBatch ?? 50, stopped: () => stopped });
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
      stopped = true;
      scheduler.stop();
      await Promise.all([...devices.values()].map((d) => d.close()));
    },
  };
}
