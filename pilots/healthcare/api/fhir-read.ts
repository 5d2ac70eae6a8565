// The FHIR R4 read API (/fhir/R4, mounted through the pilot interface's `mounts`): metadata,
// Patient read and search by identifier, Observation search by patient, code and date with
// _count paging, Device read. JSON only (application/fhir+json); errors are OperationOutcomes.
// Each read goes through the same look-ups as the REST routes (an erased or another tenant's
// patient is not found) and is audited in the tenant's chain with ids only.
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { params, query } from '../../../platform/api/validate.ts';
import { AppError, badRequest, notFound } from '../../../platform/errors.ts';
import type { PilotContext } from '../../../platform/pilot.ts';
import { auditPatient, patientTarget } from '../audit.ts';
import { PATIENT_IDENTIFIER_SYSTEM, type Resource } from '../domain/fhir.ts';
import {
  capabilityStatement,
  codingMatches,
  dateRange,
  operationOutcome,
  parseTokens,
  patientIdOf,
  searchset,
  SearchError,
} from '../domain/fhir-server.ts';
import { isDeviceKind } from '../domain/vitals.ts';
import { FHIR_CONTENT_TYPE, fhirDevice, fhirPatient, patientObservations } from '../export.ts';
import { findByIdentifier, getPatient } from '../patients.ts';
import type { Runtime } from '../runtime.ts';
import { news2InRange, patientReadings } from './clinical.ts';

export const FHIR_BASE = '/fhir/R4';
export const MAX_COUNT = 500;
const DEFAULT_COUNT = 50;

// `_format` and `_pretty` are accepted on every interaction; `_format` may only ask for JSON.
const common = {
  _format: z.string().regex(/json$/, 'only JSON is served (_format=json)').optional(),
  _pretty: z.enum(['true', 'false']).optional(),
};
export const fhirIdParam = z.object({ id: z.string().regex(/^[A-Za-z0-9.-]{1,64}$/, 'a FHIR id') }).strict();
export const readQuery = z.object(common).strict();
export const patientSearchQuery = z
  .object({ identifier: z.string().min(1).max(200).optional(), _id: z.string().min(1).max(64).optional(), ...common })
  .strict()
  .refine((q) => q.identifier !== undefined || q._id !== undefined, 'search patients by identifier or _id');
const dates = z.union([z.string().max(40), z.array(z.string().max(40)).max(4)]).transform((v) => (Array.isArray(v) ? v : [v]));
export const observationSearchQuery = z
  .object({
    patient: z.string().max(80).optional(),
    subject: z.string().max(80).optional(),
    code: z.string().min(1).max(400).optional(),
    date: dates.optional(),
    _count: z.coerce.number().int().min(1).max(MAX_COUNT).default(DEFAULT_COUNT),
    _offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    ...common,
  })
  .strict()
  .refine((q) => q.patient !== undefined || q.subject !== undefined, 'an Observation search needs patient (or subject)');

/** Writes errors of the mount as OperationOutcome (the pilot's `sendError`). */
export function sendOperationOutcome(res: Response, status: number, _title: string, detail: string, extra: Record<string, unknown> = {}): void {
  if (typeof extra.retryAfter === 'number') res.setHeader('Retry-After', String(extra.retryAfter));
  res.status(status).type(FHIR_CONTENT_TYPE).send(JSON.stringify(operationOutcome(status, detail)));
}

/** Only JSON is served: an Accept header that takes neither FHIR JSON nor JSON is a 406. */
export const jsonOnly: RequestHandler = (req, _res, next) => {
  if (req.headers.accept && !req.accepts([FHIR_CONTENT_TYPE, 'application/json'])) {
    return next(new AppError(406, 'Not Acceptable', 'only application/fhir+json is served'));
  }
  next();
};

const send = (res: Response, body: unknown) => res.type(FHIR_CONTENT_TYPE).send(JSON.stringify(body));
const baseOf = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;

/** The request's search parameters without the paging ones, for the Bundle's links. */
function selfUrl(req: Request, type: string): string {
  const u = new URL(req.originalUrl, 'http://x');
  u.searchParams.delete('_count');
  u.searchParams.delete('_offset');
  const qs = u.searchParams.toString();
  return `${baseOf(req)}/${type}${qs ? `?${qs}` : ''}`;
}

const searchErrors = <T>(fn: () => T): T => {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SearchError) throw badRequest(err.message);
    throw err;
  }
};

export function fhirReadHandlers(ctx: PilotContext, rt: Runtime) {
  const metadata: RequestHandler = (req, res) => {
    query(req, readQuery);
    send(res, capabilityStatement({ base: baseOf(req), at: ctx.now(), maxCount: MAX_COUNT }));
  };

  const readPatient: RequestHandler = async (req, res) => {
    const { id } = params(req, fhirIdParam);
    query(req, readQuery);
    const patient = await getPatient(ctx, id);
    if (!patient) throw notFound(`Patient/${id} is not known`);
    await auditPatient(ctx, 'fhir.read', patientTarget(id), { resource: 'Patient' });
    send(res, fhirPatient(patient));
  };

  const searchPatients: RequestHandler = async (req, res) => {
    const q = query(req, patientSearchQuery);
    let found = q._id !== undefined ? await getPatient(ctx, q._id) : null;
    if (q.identifier !== undefined) {
      const tokens = parseTokens(q.identifier);
      const matches = [];
      for (const t of tokens) {
        if (t.system !== undefined && t.system !== PATIENT_IDENTIFIER_SYSTEM) continue;
        const p = await findByIdentifier(ctx, t.code);
        if (p) matches.push(p);
      }
      // With _id too, both must hold.
      found = q._id !== undefined ? (matches.find((p) => p.id === found?.id) ?? null) : (matches[0] ?? null);
    }
    const resources: Resource[] = found ? [fhirPatient(found)] : [];
    await auditPatient(ctx, 'fhir.search', found ? patientTarget(found.id) : 'patients', { resource: 'Patient', results: resources.length });
    send(res, searchset({ matches: resources, count: MAX_COUNT, offset: 0, selfUrl: selfUrl(req, 'Patient'), base: baseOf(req), id: randomUUID(), at: ctx.now() }));
  };

  const searchObservations: RequestHandler = async (req, res) => {
    const q = query(req, observationSearchQuery);
    const patientId = searchErrors(() => patientIdOf(q.patient ?? q.subject!));
    const { from = 0, to = ctx.now() + ctx.deviceClock.maxSkewMs } = searchErrors(() => dateRange(q.date ?? []));
    const patient = await getPatient(ctx, patientId);
    let matches: Resource[] = [];
    // Another tenant's or an erased patient has no observations here: an empty searchset.
    if (patient && from <= to) {
      const range = { from, to };
      const readings = await patientReadings(ctx, patient, range, rt.options.maxPointsPerDevice);
      const observations = patientObservations(patientId, readings, await news2InRange(ctx, patientId, range));
      const codes = q.code === undefined ? undefined : parseTokens(q.code);
      matches = observations
        .filter((o) => !codes || codingMatches(o.code.coding, codes))
        // Oldest first, then by id: a stable order, so pages do not shift as new readings arrive.
        .sort((a, b) => a.effectiveDateTime.localeCompare(b.effectiveDateTime) || a.id.localeCompare(b.id));
    }
    const b = searchset({ matches, count: q._count, offset: q._offset, selfUrl: selfUrl(req, 'Observation'), base: baseOf(req), id: randomUUID(), at: ctx.now() });
    await auditPatient(ctx, 'fhir.search', patientTarget(patientId), { resource: 'Observation', from, to, total: b.total, returned: b.entry.length, offset: q._offset });
    send(res, b);
  };

  const readDevice: RequestHandler = async (req, res) => {
    const { id } = params(req, fhirIdParam);
    query(req, readQuery);
    const device = await ctx.devices.find(id);
    if (!device || !isDeviceKind(device.kind)) throw notFound(`Device/${id} is not known`);
    // The patient reference only while the patient exists (not erased).
    const patientId = device.subject && (await getPatient(ctx, device.subject)) ? device.subject : null;
    await auditPatient(ctx, 'fhir.read', `device:${id}`, { resource: 'Device', ...(patientId ? { patient: patientId } : {}) });
    send(res, fhirDevice({ id: device.id, kind: device.kind, ...(device.label ? { label: device.label } : {}) }, patientId));
  };

  return { metadata, readPatient, searchPatients, searchObservations, readDevice };
}
