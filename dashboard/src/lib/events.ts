// Events the realtime link delivers (platform/realtime/realtime.ts and the pilots' publish
// calls). Batched types arrive as arrays, the others one at a time.
import type { Alarm, Command, Role } from './types.ts';

export interface HcVitalsEvent {
  patientId: string;
  deviceId: string;
  kind: string;
  ts: number;
  values: Record<string, number | string | boolean>;
  implausible?: string[];
}

export interface HcNews2Event {
  patientId: string;
  at: number;
  total: number;
  band: string;
  partial: boolean;
  missing?: string[];
  scale?: 1 | 2;
  scores?: Record<string, number>;
}

export interface HcEscalationEvent {
  alarmId: string;
  patientId: string | null;
  type: string;
  severity: string;
  title: string;
  raisedAt: number;
  escalatedAt: number;
}

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
  'lt.lamp': Record<string, unknown>[];
  'lt.cabinet': Record<string, unknown>[];
  'lt.schedule': Record<string, unknown>;
}

export type RealtimeEventName = keyof RealtimeEvents;

/** The realtime link as the top bar shows it. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export const CONNECTION_LABEL: Record<ConnectionState, string> = {
  connecting: 'Connecting',
  live: 'Live',
  reconnecting: 'Reconnecting',
  offline: 'Offline',
};
