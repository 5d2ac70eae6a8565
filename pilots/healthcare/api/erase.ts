// POST …/patients/:id/erase — crypto-shredding of one patient (see ../erase.ts).
// Permission: consent:manage (the clinician's role). Erasure follows the patient's own request
// (GDPR art. 17), and the person who records that patient's consent is the one placed to verify
// it; a tenant-admin has no access to patients' data and could not tell whom they erase. The body
// must repeat the patient id, so an erasure — which cannot be undone — is never one stray click.
import type { RequestHandler } from 'express';
import { body, params } from '../../../platform/api/validate.ts';
import { badRequest } from '../../../platform/errors.ts';
import type { PilotContext } from '../../../platform/pilot.ts';
import { erasePatient } from '../erase.ts';
import { eraseSchema, patientIdParam } from '../model.ts';
import { requirePatient } from '../patients.ts';
import type { Runtime } from '../runtime.ts';

export function eraseHandler(ctx: PilotContext, rt: Runtime): RequestHandler {
  return async (req, res) => {
    const { id } = params(req, patientIdParam);
    const { confirm } = body(req, eraseSchema);
    if (confirm !== id) throw badRequest('confirm must repeat the patient id');
    const patient = await requirePatient(ctx, id);
    res.json(await erasePatient(ctx, rt, patient));
  };
}
