// The pilot's REST routes, mounted by the platform at /api/v1/pilots/healthcare behind
// authentication. One route per line, the permission it needs on the same line (STYLE.md).
// Patient-scoped routes answer 404 for an id of another tenant: it is not in this tenant's store.
import { Router } from 'express';
import { z } from 'zod';
import { allow, allowAny, anyObject, doc, itemsOf, type PilotContext } from '../../platform/pilot.ts';
import { assistHandlers } from './api/assist.ts';
import { clinicalHandlers } from './api/clinical.ts';
import { consentHandlers } from './api/consent.ts';
import { provisionHandler } from './api/demo.ts';
import { eraseHandler } from './api/erase.ts';
import { fhirHandler } from './api/fhir.ts';

import { patientDeviceHandlers } from './api/patient-devices.ts';
import { patientHandlers } from './api/patients.ts';
import { consentAnswer, patientSummarySchema } from './api-schemas.ts';
import { FHIR_CONTENT_TYPE } from './export.ts';
import { consentSchema, createPatientSchema, eraseSchema, exportQuery, hubCommandsQuery, linkDeviceSchema, messageSchema, patientDeviceParams, patientIdParam, provisionSchema, rangeQuery, resolveParams, settingsPatchSchema, simulateSchema, vitalsQuery } from './model.ts';
import type { Runtime } from './runtime.ts';

export function healthcareRoutes(ctx: PilotContext, rt: Runtime): Router {
  const patients = patientHandlers(ctx, rt);
  const clinical = clinicalHandlers(ctx, rt);
  const consent = consentHandlers(ctx, rt);
  const assist = assistHandlers(ctx, rt);
  const devices = patientDeviceHandlers(ctx, rt);
  const r = Router();
  r.get('/patients', allow('data:read'), doc({ summary: 'the ward board: every patient with their summary, most urgent first', responses: { 200: itemsOf(patientSummarySchema) } }), patients.list);
  r.post('/patients', allowAny('consent:manage', 'devices:manage'), doc({ summary: 'enrols a patient and registers their devices (secrets shown once)', body: createPatientSchema, responses: { 201: anyObject } }), patients.create);
  r.get('/patients/:id', allow('data:read'), doc({ summary: 'one patient and their summary', params: patientIdParam, responses: { 200: z.object({ patient: anyObject, summary: patientSummarySchema }) } }), patients.read);
  // Settings tune the patient's alarms: who may see the data and handle its alarms may set them.
  r.patch('/patients/:id/settings', allow('data:read'), allow('alarms:ack'), doc({ summary: "changes the patient's NEWS2 scale, thresholds and monitoring", params: patientIdParam, body: settingsPatchSchema, responses: { 200: z.object({ id: z.string(), settings: anyObject }) } }), patients.updateSettings);
  // Linking routes a device's readings into a patient's record: the roles that may enrol may link.
  r.post('/patients/:id/devices', allowAny('consent:manage', 'devices:manage'), doc({ summary: 'links a registered, unlinked device to the patient', params: patientIdParam, body: linkDeviceSchema, responses: { 201: z.object({ id: z.string(), deviceIds: z.array(z.string()) }) } }), devices.link);
  r.delete('/patients/:id/devices/:deviceId', allowAny('consent:manage', 'devices:manage'), doc({ summary: 'unlinks a device from the patient (the home hub stays)', params: patientDeviceParams, responses: { 200: z.object({ id: z.string(), deviceIds: z.array(z.string()) }) } }), devices.unlink);
  r.get('/patients/:id/vitals', allow('data:read'), doc({ summary: 'vital signs per parameter in a range: every reading, means per bucket, or count, min, max and mean per hour (resolution)', params: patientIdParam, query: vitalsQuery, responses: { 200: z.looseObject({ patientId: z.string(), from: z.number(), to: z.number(), resolution: z.literal('hour').optional(), series: anyObject }) } }), clinical.vitals);
  r.get('/patients/:id/news2', allow('data:read'), doc({ summary: 'NEWS2 results in a range', params: patientIdParam, query: rangeQuery, responses: { 200: z.object({ patientId: z.string(), from: z.number(), to: z.number(), items: z.array(anyObject) }) } }), clinical.news2);
  r.get('/patients/:id/alarms', allow('alarms:read'), doc({ summary: "the patient's alarms", params: patientIdParam, responses: { 200: itemsOf(anyObject) } }), clinical.alarms);
  r.post('/patients/:id/alarms/:alarmId/resolve', allow('alarms:ack'), doc({ summary: 'resolves an acknowledged event or device alarm', params: resolveParams, responses: { 200: anyObject } }), clinical.resolve);
  r.get('/patients/:id/consent', allow('data:read'), doc({ summary: "the patient's consent and its history", params: patientIdParam, responses: { 200: consentAnswer } }), consent.read);
  r.post('/patients/:id/consent', allow('consent:manage'), doc({ summary: 'records consent given or withdrawn', params: patientIdParam, body: consentSchema, responses: { 201: consentAnswer } }), consent.record);
  r.get('/patients/:id/messages', allow('data:read'), doc({ summary: 'messages and reminders sent to the hub', params: patientIdParam, responses: { 200: itemsOf(anyObject) } }), assist.list);
  // The hub's command history belongs to the patient's record (data:read) and is a command read.
  r.get('/patients/:id/commands', allow('data:read'), allow('commands:read'), doc({ summary: "commands sent to the patient's hub and how far each got, newest first, a page at a time", params: patientIdParam, query: hubCommandsQuery, responses: { 200: z.object({ items: z.array(anyObject), next: z.number().int().nullable() }) } }), assist.history);
  r.post('/patients/:id/messages', allow('commands:send'), doc({ summary: "sends a message or reminder to the patient's hub", params: patientIdParam, body: messageSchema, responses: { 201: anyObject } }), assist.send);
  r.post('/patients/:id/simulate', allow('commands:send'), doc({ summary: 'asks the simulator for a scenario (demo patients)', params: patientIdParam, body: simulateSchema, responses: { 202: anyObject } }), assist.simulate);
  r.get('/patients/:id/fhir', allow('export:fhir'), doc({ summary: "the patient's record as a FHIR R4 Bundle (collection, or transaction with ?type=transaction)", params: patientIdParam, query: exportQuery, responses: { 200: { description: 'a FHIR Bundle', contentType: FHIR_CONTENT_TYPE, schema: z.looseObject({ resourceType: z.literal('Bundle'), type: z.enum(['collection', 'transaction']) }) } } }), fhirHandler(ctx, rt));
  r.post('/patients/:id/erase', allow('consent:manage'), doc({ summary: 'erases the patient (crypto-shredding)', params: patientIdParam, body: eraseSchema, responses: { 200: anyObject } }), eraseHandler(ctx, rt));
  r.post('/demo/provision', allow('devices:manage'), doc({ summary: 'creates demo patients (secrets shown once)', body: provisionSchema, responses: { 201: anyObject } }), provisionHandler(ctx, rt));
  return r;
}
