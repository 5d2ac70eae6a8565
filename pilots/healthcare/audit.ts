// Accountability (docs/architecture.md promise 4): every read of personal data and every change to a
// patient is recorded in the tenant's audit chain, with ids only — never names or values.
import type { AuditEvent } from '../../platform/services/audit-sink.ts';
import type { PilotContext } from '../../platform/pilot.ts';

export type PatientAction =
  | 'patient.create'
  | 'patient.read'
  | 'patient.list'
  | 'patient.settings.update'
  | 'patient.scale.set'
  | 'patient.erase'
  | 'consent.give'
  | 'consent.withdraw'
  | 'consent.read'
  | 'vitals.read'
  | 'news2.read'
  | 'fhir.export'
  | 'fhir.read'
  | 'fhir.search'
  | 'message.send'
  | 'message.read'
  | 'hub.commands.read'
  | 'simulate.send'
  | 'device.create'
  | 'patient.device.link'
  | 'patient.device.unlink'
  | 'demo.provision';

/** Records one event in the audit chain of the tenant in context, as the current principal. */
export async function auditPatient(
  ctx: PilotContext,
  action: PatientAction,
  target: string,
  details?: Record<string, unknown>,
  outcome: AuditEvent['outcome'] = 'success',
): Promise<void> {
  const principal = ctx.principal();
  if (!principal.tenantId) throw new Error(`${action}: no tenant in context`);
  await ctx.audit.record({
    actor: principal.label,
    action,
    target,
    outcome,
    ...(details ? { details } : {}),
  });
}

export const patientTarget = (id: string) => `patient:${id}`;
