// The pilot's in-process state: caches and per-patient work queues, keyed by tenant. Rebuilt
// on every start; nothing here is the source of truth (records and series are), so losing it
// on a restart only costs a reload.
import { KeyedQueue } from '../../platform/keyed-queue.ts';
import type { HealthcareOptions } from './options.ts';
import { VitalWindow } from './window.ts';

export class Runtime {
  stopping = false;
  /** Consent status per tenant/patient, for the ingest gate (invalidated on every change). */
  readonly consent = new Map<string, boolean>();
  /** Patients being erased: the gate refuses their readings from the first step. */
  readonly erasing = new Set<string>();
  readonly windows = new Map<string, VitalWindow>();
  /** Last NEWS2 stored per patient: decides whether an unchanged result is stored again. */
  readonly lastNews2 = new Map<string, { total: number; band: string; partial: boolean; storedAt: number }>();
  /** Known state of rule-managed alarms (tenant|source|type → active); unknown means "ask the
   *  alarm service". Saves a store query on every normal reading. */
  readonly known = new Map<string, boolean>();
  readonly offlineTimers = new Map<string, NodeJS.Timeout>();
  private queues = new KeyedQueue();

  constructor(readonly options: HealthcareOptions) {}

  reset(): void {
    this.stop();
    this.stopping = false;
    this.consent.clear();
    this.erasing.clear();
    this.windows.clear();
    this.lastNews2.clear();
    this.known.clear();
    this.queues = new KeyedQueue();
  }

  stop(): void {
    this.stopping = true;
    for (const t of this.offlineTimers.values()) clearTimeout(t);
    this.offlineTimers.clear();
  }

  window(key: string): VitalWindow | undefined {
    return this.windows.get(key);
  }

  forgetPatient(key: string): void {
    this.consent.delete(key);
    this.windows.delete(key);
    this.lastNews2.delete(key);
  }

  /** Runs fn after every earlier task of the same key: one patient's rules never interleave
   *  (batches are dispatched concurrently, and alarm state is read-modify-write). */
  serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.queues.run(key, fn);
  }
}

export const patientKey = (tenantId: string, patientId: string) => `${tenantId}/${patientId}`;
