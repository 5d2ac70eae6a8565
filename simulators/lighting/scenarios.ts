// The lighting simulator's scenarios: their names and the words that name them (on stdin, in
// --scenario and in the platform's `simulate` command), and the fault each lamp scenario sets.
import type { LampFault } from './physics.ts';

export const LAMP_SCENARIOS = ['lamp-failure', 'driver-fault', 'day-burner', 'comms-loss'] as const;
export const CABINET_SCENARIOS = ['mains-loss', 'door-open'] as const;
export const LIGHTING_SCENARIOS = [...LAMP_SCENARIOS, ...CABINET_SCENARIOS, 'restore'] as const;
export type LightingScenario = (typeof LIGHTING_SCENARIOS)[number];
export type LampScenario = (typeof LAMP_SCENARIOS)[number];
export type CabinetScenario = (typeof CABINET_SCENARIOS)[number];

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

export const FAULT_OF: Record<LampScenario, LampFault | null> = {
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
