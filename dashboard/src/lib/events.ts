// Events the realtime link delivers (platform/realtime/realtime.ts and the pilots' publish
// calls). Batched types arrive as arrays, the others one at a time.
import type { HcEscalationEvent, HcNews2Event, HcVitalsEvent } from '../../../pilots/healthcare/contract.ts';
import type { CabinetView, LampEvent, ScheduleEvent } from '../../../pilots/lighting/contract.ts';
import type { Alarm, Command, Role } from './types.ts';

// The pilots' event payloads come from their contract modules.
export type { HcEscalationEvent, HcNews2Event, HcVitalsEvent };

export interface PresenceEvent {
  deviceId: string;
  online: boolean;
  at: number;
  reason?: string;
}

export interface ReadingEvent {
  deviceId: string;
  kind: string;
  family: 'telemetry' | 'events';
  ts: number;
  data: Record<string, unknown>;
}

export interface RealtimeEvents {
  hello: { tenant: string | null; role: Role };
  alarm: Alarm;
  'alarm.escalation': Alarm;
  command: Command;
  presence: PresenceEvent;
  reading: ReadingEvent[];
  'hc.vitals': HcVitalsEvent[];
  'hc.news2': HcNews2Event;
  'hc.escalation': HcEscalationEvent;
  'lt.lamp': LampEvent[];
  'lt.cabinet': CabinetView[];
  'lt.schedule': ScheduleEvent;
}

export type RealtimeEventName = keyof RealtimeEvents;

/** The realtime link as the top bar shows it. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

