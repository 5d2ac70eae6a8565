// The lighting pilot's contract with its clients: what its REST routes answer and the realtime
// events it publishes. The server side publishes through these types and the dashboard imports
// them type-only, so both read one definition.
import type { Schedule } from './domain/index.ts';
import type { ScheduleAdmin } from './schedule-admin.ts';
import type { PlannedSwitch } from './scheduler.ts';
import type { Switching } from './switching.ts';
import type { LightingViews } from './views.ts';

export type { SimulateScenario } from './switching.ts';
export type { BatchStatus } from './commands.ts';
export type { EnergyReport } from './energy-service.ts';

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

/** GET /installation */
export type InstallationView = ReturnType<LightingViews['installation']>;
/** GET /lamps/:id */
export type LampDetailView = Awaited<ReturnType<LightingViews['lampDetail']>>;
/** GET /cabinets items, and the `lt.cabinet` event */
export type CabinetView = ReturnType<LightingViews['cabinetView']>;
/** GET /groups items */
export type GroupView = ReturnType<LightingViews['groups']>[number];
/** GET /schedules/:id/preview */
export type SchedulePreview = ReturnType<ScheduleAdmin['preview']>;
/** POST /commands answer */
export type CommandAnswer = Awaited<ReturnType<Switching['sendCommand']>>;

/** `lt.lamp` (batched): the live part of a lamp. */
export type LampEvent = Pick<LampView, 'id' | 'powerState' | 'dimLevel' | 'activePower' | 'ts' | 'status' | 'online'> & {
  activeAlarm: NonNullable<LampView['activeAlarm']> | null;
};

/** `lt.schedule`: a scheduled switch went out, or a schedule was created, replaced or deleted. */
export type ScheduleEvent =
  | (Omit<PlannedSwitch, 'lampIds'> & { event: 'switch'; lamps: number; batchId: string })
  | { event: 'created' | 'updated'; schedule: Schedule }
  | { event: 'deleted'; schedule: Pick<Schedule, 'id' | 'name'> };

/** Every realtime event of the pilot, by type. */
export type LightingEvents = {
  'lt.lamp': LampEvent;
  'lt.cabinet': CabinetView;
  'lt.schedule': ScheduleEvent;
};
