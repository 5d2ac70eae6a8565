// The FHIR R4 read API's routes, mounted by the platform at /fhir/R4 (the pilot's `mounts`)
// behind the same authentication, rate limit and pilot-enabled check as its REST routes. One
// route per line with the permission it needs: reading FHIR resources is the FHIR export
// permission (operator); the CapabilityStatement needs an authenticated caller only.
import { Router } from 'express';
import { z } from 'zod';
import { allow, doc, type PilotContext, type PilotMount } from '../../platform/pilot.ts';
import { FHIR_BASE, fhirIdParam, fhirReadHandlers, jsonOnly, observationSearchQuery, patientSearchQuery, readQuery, sendOperationOutcome } from './api/fhir-read.ts';
import { FHIR_CONTENT_TYPE } from './export.ts';
import type { Runtime } from './runtime.ts';

const fhir = (resourceType: string, description: string) => ({
  description,
  contentType: FHIR_CONTENT_TYPE,
  schema: z.looseObject({ resourceType: z.literal(resourceType), id: z.string().optional() }),
});
const bundle = fhir('Bundle', 'a searchset Bundle with total and self/next/previous links');

export function fhirMount(ctx: PilotContext, rt: Runtime): PilotMount {
  const h = fhirReadHandlers(ctx, rt);
  const r = Router();
  r.use(jsonOnly);
  r.get('/metadata', doc({ summary: 'the CapabilityStatement', query: readQuery, responses: { 200: fhir('CapabilityStatement', 'what this server supports') } }), h.metadata);
  r.get('/Patient', allow('export:fhir'), doc({ summary: 'Patient search by identifier ([system|]value) or _id', query: patientSearchQuery, responses: { 200: bundle } }), h.searchPatients);
  r.get('/Patient/:id', allow('export:fhir'), doc({ summary: 'Patient read', params: fhirIdParam, query: readQuery, responses: { 200: fhir('Patient', 'the patient') } }), h.readPatient);
  r.get('/Observation', allow('export:fhir'), doc({ summary: 'Observation search by patient, code and date, paged with _count', query: observationSearchQuery, responses: { 200: bundle } }), h.searchObservations);
  r.get('/Device/:id', allow('export:fhir'), doc({ summary: 'Device read', params: fhirIdParam, query: readQuery, responses: { 200: fhir('Device', 'the device') } }), h.readDevice);
  return { path: FHIR_BASE, router: r, sendError: sendOperationOutcome };
}
