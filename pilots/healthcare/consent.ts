// Consent per patient (record hc.consent, one per patient, sealed under the patient's key):
// the current status plus the full history of what was recorded, by whom and when. The ingest
// gate refuses readings of a patient without an active consent (docs/architecture.md promise 5).
import { ErasedError } from '../../platform/errors.ts';
import type { IngestGate, PilotContext } from '../../platform/pilot.ts';
import { auditPatient, patientTarget } from './audit.ts';
import { KINDS, type ConsentEntry, type ConsentRecord, type ConsentStatus, type SecondaryPurpose } from './model.ts';
import { patientKey, type Runtime } from './runtime.ts';
import type { EventPayload, TelemetryPayload } from './domain/vitals.ts';

/** The consent record after recording an entry; every entry is kept, even a repeat. */
export function applyConsent(prev: ConsentRecord | null, patientId: string, entry: ConsentEntry): ConsentRecord {
  return { patientId, current: entry, history: [...(prev?.history ?? []), entry] };
}

export function consentActive(rec: ConsentRecord | null): boolean {
  return rec?.current?.status === 'given';
}

/** Whether the patient agreed to a secondary use (e.g. research under a sharing agreement). */
export function consentsTo(rec: ConsentRecord | null, purpose: string): boolean {
  return consentActive(rec) && (rec!.current!.purposes ?? []).includes(purpose as SecondaryPurpose);
}

export async function readConsent(ctx: PilotContext, patientId: string): Promise<ConsentRecord | null> {
  try {
    return (await (await ctx.records()).get<ConsentRecord>(KINDS.consent, patientId))?.data ?? null;
  } catch (err) {
    if (err instanceof ErasedError) return null;
    throw err;
  }
}

export async function recordConsent(
  ctx: PilotContext,
  rt: Runtime,
  patientId: string,
  status: ConsentStatus,
  note: string,
  purposes: SecondaryPurpose[] = [],
): Promise<ConsentRecord> {
  const principal = ctx.principal();
  // Withdrawing telemonitoring consent withdraws every secondary use with it.
  const entry: ConsentEntry = { status, at: ctx.now(), recordedBy: principal.label, note, purposes: status === 'given' ? [...new Set(purposes)] : [] };
  const next = applyConsent(await readConsent(ctx, patientId), patientId, entry);
  await (await ctx.records()).put(KINDS.consent, patientId, next, { subject: patientId, tags: { status } });
  rt.consent.set(patientKey(principal.tenantId!, patientId), status === 'given');
  await auditPatient(ctx, status === 'given' ? 'consent.give' : 'consent.withdraw', patientTarget(patientId), {
    entries: next.history.length,
  });
  return next;
}

/** Cached consent check; a miss reads the record (erased or unknown patients have none). */
export async function hasConsent(ctx: PilotContext, rt: Runtime, tenantId: string, patientId: string): Promise<boolean> {
  const key = patientKey(tenantId, patientId);
  if (rt.erasing.has(key)) return false;
  const cached = rt.consent.get(key);
  if (cached !== undefined) return cached;
  const active = consentActive(await readConsent(ctx, patientId));
  rt.consent.set(key, active);
  return active;
}

export type GateReason = 'no-patient' | 'no-consent';

/** Why a reading must be refused, or null to store it. Pure: the caller looks consent up. */
export function gateReason(subject: string | null, consentGiven: boolean): GateReason | null {
  // A device assigned to no patient has no purpose to store data for (e.g. detached at erasure).
  if (subject === null) return 'no-patient';
  return consentGiven ? null : 'no-consent';
}

export function createGate(ctx: PilotContext, rt: Runtime): IngestGate<TelemetryPayload, EventPayload> {
  return async (reading) => {
    const given = reading.subject === null ? false : await hasConsent(ctx, rt, reading.tenantId, reading.subject);
    const reason = gateReason(reading.subject, given);
    return reason ? { allow: false, reason } : { allow: true };
  };
}

