// GET …/patients/:id/fhir — the patient's record as a FHIR R4 Bundle (application/fhir+json):
// a collection, or with ?type=transaction POST entries for a FHIR server; audited as a read of
// personal data.
import type { RequestHandler } from 'express';
import { params, query } from '../../../platform/api/validate.ts';
import type { PilotContext } from '../../../platform/pilot.ts';
import { auditPatient, patientTarget } from '../audit.ts';
import { FHIR_CONTENT_TYPE, patientBundle, type ExportInput } from '../export.ts';
import { isDeviceKind } from '../domain/vitals.ts';
import { exportQuery, patientIdParam } from '../model.ts';
import { requirePatient } from '../patients.ts';
import type { Runtime } from '../runtime.ts';
import { news2InRange, patientReadings, resolveRange } from './clinical.ts';

export function fhirHandler(ctx: PilotContext, rt: Runtime): RequestHandler {
  return async (req, res) => {
    const { id } = params(req, patientIdParam);
    const q = query(req, exportQuery);
    const patient = await requirePatient(ctx, id);
    const now = ctx.now();
    const range = resolveRange(q, now, rt.options.exportRangeMs);
    const devices: ExportInput['devices'] = [];
    for (const deviceId of patient.deviceIds) {
      const d = await ctx.devices.find(deviceId);
      if (d && isDeviceKind(d.kind)) devices.push({ id: d.id, kind: d.kind, label: d.label });
    }
    const readings = await patientReadings(ctx, patient, range, rt.options.maxPointsPerDevice);
    const news2 = await news2InRange(ctx, id, range);
    const b = patientBundle({ patient, devices, readings, news2, at: now }, q.type);
    await auditPatient(ctx, 'fhir.export', patientTarget(id), { ...range, type: q.type, resources: b.entry.length, bundle: b.id });
    res.type(FHIR_CONTENT_TYPE).send(JSON.stringify(b));
  };
}
