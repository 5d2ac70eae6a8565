// What a simulated lamp node or control cabinet does with a command from the platform: `switch`
// (validated by the pilot's own schema, acknowledged accepted, then done or failed) and
// `simulate` (a scenario started from the console). Anything else is refused with a reason.
import { lightingCommandSchema } from '../../pilots/lighting/domain/model.ts';
import type { Logger } from '../../platform/logger.ts';
import type { DeviceCommand, SimDevice } from '../common/device.ts';
import { applySwitch, lampTelemetry } from './lamp.ts';
import { CABINET_SCENARIOS, LAMP_SCENARIOS, LIGHTING_SCENARIOS, lightingScenarioNamed } from './scenarios.ts';
import { applyScenario, reportCabinet, silent, type CabinetRuntime, type LampRuntime, type LightingWorld } from './world.ts';

export async function onLampCommand(w: LightingWorld, log: Logger | undefined, lamp: LampRuntime, dev: SimDevice, cmd: DeviceCommand): Promise<void> {
  if (cmd.name === 'simulate') return simulateCommand(w, log, dev, cmd, lamp.spec.entry.id);
  if (cmd.name !== 'switch') return void dev.ack(cmd.id, 'failed', `unsupported command: ${cmd.name.slice(0, 64)}`);
  const parsed = lightingCommandSchema.safeParse(cmd.payload);
  if (!parsed.success) return void dev.ack(cmd.id, 'failed', `invalid switch payload: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  void dev.ack(cmd.id, 'accepted');
  const at = w.now();
  const { state, outcome } = applySwitch(lamp.state, parsed.data, lamp.spec.model, at, lamp.rng, lamp.cabinet.mainsPresent);
  lamp.state = state;
  void dev.ack(cmd.id, outcome.status, outcome.detail);
  // Nodes report a change of state at once rather than waiting for the next period.
  if (!silent(lamp)) void dev.publishTelemetry(lampTelemetry(lamp.state, at));
}

export async function onCabinetCommand(w: LightingWorld, log: Logger | undefined, cab: CabinetRuntime, dev: SimDevice, cmd: DeviceCommand): Promise<void> {
  if (cmd.name === 'simulate') return simulateCommand(w, log, dev, cmd, cab.spec.id);
  if (cmd.name !== 'switch') return void dev.ack(cmd.id, 'failed', `unsupported command: ${cmd.name.slice(0, 64)}`);
  const parsed = lightingCommandSchema.safeParse(cmd.payload);
  if (!parsed.success) return void dev.ack(cmd.id, 'failed', `invalid switch payload: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  if (!cab.mainsPresent) return void dev.ack(cmd.id, 'failed', 'no mains: the contactor cannot switch');
  // The cabinet's contactor (or a broadcast on its lamp bus) sets every lamp it feeds.
  void dev.ack(cmd.id, 'accepted');
  const at = w.now();
  for (const l of cab.lamps) l.state = applySwitch(l.state, parsed.data, l.spec.model, at, l.rng, true).state;
  reportCabinet(w, cab, at);
  void dev.ack(cmd.id, 'done', `${cab.lamps.length} lamps set`);
}

async function simulateCommand(w: LightingWorld, log: Logger | undefined, dev: SimDevice, cmd: DeviceCommand, target: string): Promise<void> {
  const raw = cmd.payload['scenario'];
  const scenario = typeof raw === 'string' ? lightingScenarioNamed(raw) : null;
  const isCabinet = w.cabinets.has(target) && !w.lamps.has(target);
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
    await applyScenario(w, scenario, target);
    return;
  }
  const reply = await applyScenario(w, scenario, target);
  await dev.ack(cmd.id, 'done', reply.slice(0, 500));
}
