// The pilot's REST routes, mounted by the platform at /api/v1/pilots/healthcare behind
// authentication. One route per line, the permission it needs on the same line (STYLE.md).
// Patient-scoped routes answer 404 for an id of another tenant: it is not in this tenant's store.
import { Router } from 'express';
import { allow, allowAny, type PilotContext } from '../../platform/pilot.ts';
import { assistHandlers } from './api/assist.ts';
import { clinicalHandlers } from './api/clinical.ts';
import { consentHandlers } from './api/consent.ts';
import { provisionHandler } from './api/demo.ts';
import { eraseHandler } from './api/erase.ts';
import { fhirHandler } from './api/fhir.ts';

import { patientHandlers } from './api/patients.ts';
import type { Runtime } from './runtime.ts';

export function healthcareRoutes(ctx: PilotContext, rt: Runtime): Router {
  const patients = patientHandlers(ctx, rt);
  const clinical = clinicalHandlers(ctx, rt);
  const consent = consentHandlers(ctx, rt);
  const assist = assistHandlers(ctx, rt);
  const r = Router();
  r.get('/patients', allow('data:read'), patients.list);
  r.post('/patients', allowAny('consent:manage', 'devices:manage'), patients.create);
  r.get('/patients/:id', allow('data:read'), patients.read);
  // Settings tune the patient's alarms: who may see the data and handle its alarms may set them.
  r.patch('/patients/:id/settings', allow('data:read'), allow('alarms:ack'), patients.updateSettings);
  r.get('/patients/:id/vitals', allow('data:read'), clinical.vitals);
  r.get('/patients/:id/news2', allow('data:read'), clinical.news2);
  r.get('/patients/:id/alarms', allow('alarms:read'), clinical.alarms);
  r.post('/patients/:id/alarms/:alarmId/resolve', allow('alarms:ack'), clinical.resolve);
  r.get('/patients/:id/consent', allow('data:read'), consent.read);
  r.post('/patients/:id/consent', allow('consent:manage'), consent.record);
  r.get('/patients/:id/messages', allow('data:read'), assist.list);
  r.post('/patients/:id/messages', allow('commands:send'), assist.send);
  r.post('/patients/:id/simulate', allow('commands:send'), assist.simulate);
  r.get('/patients/:id/fhir', allow('export:fhir'), fhirHandler(ctx, rt));
  r.post('/patients/:id/erase', allow('consent:manage'), eraseHandler(ctx, rt));
  r.post('/demo/provision', allow('devices:manage'), provisionHandler(ctx, rt));
  return r;
}
