// The lighting pilot's contract with its clients: what its REST routes answer and the realtime
// events it publishes. The server side publishes through these types and the dashboard imports
// them type-only, so both read one definition. Declared here, not derived from the runtime: this
// module imports only pure modules (no Node, no express), so the dashboard's tsconfig checks what it
// reads; contract.test.ts holds the runtime's answers to these types.
import type { Alarm, Command } from '../../platform/contract.ts';
import type {
  Cabinet,
  CommandStatus,
  GroupCommandAggregate,
  Group,
  Installation,
  LampModel,
  LampTelemetry,
  LightingCommand,
  Schedule,
  SchedulePreview as PlannedPreview,
  SunEvents,
} from './domain/index.ts';

/** POST /simulate scenarios (demo tenants). */
export type SimulateScenario = 'lamp-failure' | 'driver-fault' | 'day-burner' | 'comms-loss' | 'mains-loss' | 'door-open' | 'restore';

/** GET /lamps items */
export interface LampView {
  id: string;
  name: string | null;
  groupId: string;
  cabinetId: string;
  modelId: string;
  position: { x: number; y: number };
  latitude: number;
  longitude: number;
  powerState: string;
  dimLevel: number | null;
  activePower: number | null;
  /** Timestamp of the latest reading (the device's clock). */
  ts: number | null;
  commandedLevel: number | null;
  status: string;
  online: boolean;
  /** Last time the platform heard from the device (connection or reading). */
  lastSeen: number | null;
  activeAlarm?: { id: string; type: string; severity: string };
  override?: { level: number; until: number | null };
}

/** A schedule named by id and name. */
export type ScheduleRef = { id: string; name: string } | null;
/** A manual hold against the schedule. */
export type OverrideView = { level: number; until: number | null };

/** GET /installation */
export type InstallationView = Installation & {
  /** Extent of the offline SVG layout, in its own units. */
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
  counts: { cabinets: number; groups: number; lamps: number };
  now: number;
  sun: SunEvents;
  reportIntervalMs: number;
  /** `building` while the energy roll-up of lamps from an older store is being built (their energy
   *  is read raw meanwhile). */
  energyRollup: { building: boolean };
};

/** GET /lamps/:id */
export type LampDetailView = LampView & {
  model: LampModel | null;
  feederId: string | null;
  burningHours: number;
  schedule: ScheduleRef;
  alarms: Alarm[];
  recent: LampTelemetry[];
};

/** GET /cabinets items, and the `lt.cabinet` event */
export type CabinetView = Cabinet & {
  lamps: number;
  activePower: number | null;
  activeEnergy: number | null;
  ts: number | null;
  online: boolean;
  lastSeen: number | null;
  alarms: Pick<Alarm, 'id' | 'type' | 'severity'>[];
};

/** GET /groups items */
export type GroupView = Group & { lamps: number; schedule: ScheduleRef; override: OverrideView | null };

/** GET /schedules/:id/preview */
export type SchedulePreview = PlannedPreview & { scheduleId: string; timeZone: string };

/** What a command addresses: one lamp, a group or a cabinet's lamps. */
export type CommandTarget = { lampId: string } | { groupId: string } | { cabinetId: string };

/** POST /commands answer */
export interface CommandAnswer {
  batchId: string;
  target: CommandTarget;
  command: LightingCommand;
  override: OverrideView | null;
  commands: { lampId: string; commandId: string; status: Command['status'] }[];
}

/** One command to one lamp as its history shows it (switching and demo faults alike):
 *  GET /commands?lampId=…|groupId=… */
export interface LampHistoryEntry {
  commandId: string;
  batchId: string | null;
  name: string;
  payload: Record<string, unknown>;
  status: CommandStatus;
  createdAt: number;
  updatedAt: number;
  createdBy: string;
}

/** GET /commands/batches/:id */
export interface BatchStatus {
  batchId: string;
  name: string;
  payload: Record<string, unknown>;
  createdAt: number;
  createdBy: string;
  lamps: { lampId: string; commandId: string; status: CommandStatus; updatedAt: number }[];
  aggregate: GroupCommandAggregate;
}

export interface EnergyFigures {
  /** All energy drawn, standby included. */
  kWh: number;
  /** Energy while burning: what the savings compare with the baseline. */
  litKWh: number;
  /** The same burning hours at full output. */
  baselineKWh: number;
  savedKWh: number;
  savedPercent: number;
  savedCO2kg: number;
  burningHours: number;
}

export interface EnergyRow {
  key: string;
  periods: ({ period: string } & EnergyFigures)[];
  total: EnergyFigures;
}

/** GET /energy */
export interface EnergyReport {
  by: 'lamp' | 'group' | 'cabinet';
  period: 'day' | 'month';
  from: number;
  to: number;
  timeZone: string;
  co2KgPerKWh: number;
  rows: EnergyRow[];
  total: EnergyFigures;
}

/** `lt.lamp` (batched): the live part of a lamp. */
export type LampEvent = Pick<LampView, 'id' | 'powerState' | 'dimLevel' | 'activePower' | 'ts' | 'status' | 'online'> & {
  activeAlarm: NonNullable<LampView['activeAlarm']> | null;
};

/** A scheduled switch as the scheduler planned it, without its lamp list. */
export interface SwitchView {
  groupId: string;
  scheduleId: string;
  level: number;
  /** Pilot-clock instant the level became due (the switch point, or the override's expiry). */
  at: number;
  reason: 'schedule' | 'override-expired' | 'resync';
}

/** `lt.schedule`: a scheduled switch went out, or a schedule was created, replaced or deleted. */
export type ScheduleEvent =
  | (SwitchView & { event: 'switch'; lamps: number; batchId: string })
  | { event: 'created' | 'updated'; schedule: Schedule }
  | { event: 'deleted'; schedule: Pick<Schedule, 'id' | 'name'> };

/** Every realtime event of the pilot, by type. */
export type LightingEvents = {
  'lt.lamp': LampEvent;
  'lt.cabinet': CabinetView;
  'lt.schedule': ScheduleEvent;
};
