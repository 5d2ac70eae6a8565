// A patient's consent: the current status and its history; recording a change.
import type { RequestHandler } from 'express';
import { body, params } from '../../../platform/api/validate.ts';
import type { PilotContext } from '../../../platform/pilot.ts';
import { auditPatient, patientTarget } from '../audit.ts';
import { readConsent, recordConsent } from '../consent.ts';
import { consentSchema, patientIdParam } from '../model.ts';
import { requirePatient } from '../patients.ts';
import type { Runtime } from '../runtime.ts';

export function consentHandlers(ctx: PilotContext, rt: Runtime) {
  const read: RequestHandler = async (req, res) => {
    const { id } = params(req, patientIdParam);
    await requirePatient(ctx, id);
    const rec = await readConsent(ctx, id);
    await auditPatient(ctx, 'consent.read', patientTarget(id));
    res.json({ patientId: id, status: rec?.current?.status ?? 'none', current: rec?.current ?? null, history: rec?.history ?? [] });
  };

  const record: RequestHandler = async (req, res) => {
    const { id } = params(req, patientIdParam);
    const { status, note, purposes } = body(req, consentSchema);
    await requirePatient(ctx, id);
    const rec = await recordConsent(ctx, rt, id, status, note, purposes);
    res.status(201).json({ patientId: id, status: rec.current!.status, current: rec.current, history: rec.history });
  };

  return { read, record };
}
