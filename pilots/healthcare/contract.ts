// The healthcare pilot's contract with its clients: the realtime events it publishes and the
// records its REST routes answer with. The server side publishes through these types and the
// dashboard imports them type-only, so both read one definition.
export type { ConsentEntry, News2Record, Patient } from './model.ts';
export type { DeviceSummary, LastVitals, PatientSummary } from './summary.ts';

/** `hc.vitals` (batched per room): one device's accepted telemetry as vital values. */
export interface HcVitalsEvent {
  patientId: string;
  deviceId: string;
  kind: string;
  ts: number;
  values: Record<string, number | string | boolean>;
  implausible?: string[];
}

/** `hc.news2`: a patient's NEWS2 after each observation set. */
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

/** `hc.escalation`: a patient alarm left unacknowledged past its deadline. */
export interface HcEscalationEvent {
  alarmId: string;
  patientId: string | null;
  type: string;
  severity: string;
  title: string;
  raisedAt: number;
  escalatedAt: number;
}

/** Every realtime event of the pilot, by type. */
export type HealthcareEvents = {
  'hc.vitals': HcVitalsEvent;
  'hc.news2': HcNews2Event;
  'hc.escalation': HcEscalationEvent;
};
