// The lighting API's handlers, each with its validator (zod `.strict()` on every input); the list of
// routes with the permission each needs is routes.ts. Handlers find the caller's tenant runtime
// from the authenticated principal only, never from the request.
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { badRequest, notFound } from '../../platform/errors.ts';
import { body, params, query } from '../../platform/api/validate.ts';
import { addDays, localDate, scheduleSchema, startOfLocalDay } from './domain/index.ts';
import { commandRequestSchema, historyQuery } from './commands.ts';
import type { LightingOptions } from './options.ts';
import type { TenantRuntime } from './runtime.ts';
import { energyCsv } from './energy-csv.ts';

export interface HandlerDeps {
  /** The runtime of the caller's tenant. */
  runtime(req: Request): Promise<TenantRuntime>;
  options: LightingOptions;
  now(): number;
}

const refId = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/);
export const idParams = z.strictObject({ id: refId });
export const batchParams = z.strictObject({ batchId: z.uuid() });

/** A time bound: epoch ms, a local calendar day (YYYY-MM-DD, in the installation's zone) or ISO 8601. */
const timeParam = z
  .string()
  .max(40)
  .regex(/^(\d{1,16}|\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/, 'epoch ms, YYYY-MM-DD or an ISO 8601 instant');

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
/** A day given as `from` starts at its local midnight; as `to` it is included whole. */
export function toInstant(v: string, timeZone: string, edge: 'from' | 'to'): number {
  if (/^\d+$/.test(v)) return Number(v);
  if (DAY_RE.test(v)) {
    try {
      return startOfLocalDay(edge === 'from' ? v : addDays(v, 1), timeZone);
    } catch {
      throw badRequest(`no such calendar day: ${v}`);
    }
  }
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) throw badRequest(`not a time: ${v}`);
  return ms;
}

const MAX_SPAN_MS = 400 * 86_400_000;
function span(from: number, to: number) {
  if (!(to > from)) throw badRequest('to must be after from');
  if (to - from > MAX_SPAN_MS) throw badRequest('at most 400 days per query');
}

export const lampsQuery = z.strictObject({ groupId: refId.optional(), cabinetId: refId.optional() });
export const readingsQuery = z.strictObject({
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
  /** A chart's bucket (a minute to a day): one mean reading per bucket, at most `limit` of them. */
  bucket: z.coerce.number().int().min(60_000).max(86_400_000).optional(),
});
export const energyQuery = z.strictObject({
  by: z.enum(['lamp', 'group', 'cabinet']).default('group'),
  period: z.enum(['day', 'month']).default('day'),
  from: timeParam.optional(),
  to: timeParam.optional(),
});
export const metersQuery = z.strictObject({ from: timeParam.optional(), to: timeParam.optional() });
export const previewQuery = z.strictObject({ hours: z.coerce.number().int().min(1).max(168).default(48) });
export const scheduleInput = scheduleSchema.omit({ id: true });
export const provisionInput = z.strictObject({
  /** Required: an empty body must not build a town by accident. */
  lamps: z.number().int().min(1).max(2000),
  cabinets: z.number().int().min(1).max(500).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
});
export const simulateInput = z.strictObject({
  deviceId: refId,
  scenario: z.enum(['lamp-failure', 'driver-fault', 'day-burner', 'comms-loss', 'mains-loss', 'door-open', 'restore']),
});

export function handlers(d: HandlerDeps) {
  const energyOf = async (req: Request, rt: TenantRuntime) => {
    const q = query(req, energyQuery);
    const tz = rt.inventory.requireInstallation().timeZone;
    const now = d.now();
    const to = q.to ? toInstant(q.to, tz, 'to') : now;
    // Default: the last seven local days, today included.
    const from = q.from ? toInstant(q.from, tz, 'from') : startOfLocalDay(addDays(localDate(now, tz), -6), tz);
    span(from, to);
    return rt.views.energy({ by: q.by, period: q.period, from, to });
  };
  const h = (fn: (req: Request, rt: TenantRuntime) => Promise<{ status?: number; body?: unknown }>): RequestHandler =>
    async (req, res) => {
      const out = await fn(req, await d.runtime(req));
      if (out.body === undefined) res.status(out.status ?? 204).end();
      else res.status(out.status ?? 200).json(out.body);
    };
  return {
    installation: h(async (_req, rt) => ({ body: rt.views.installation() })),
    cabinets: h(async (_req, rt) => ({ body: { items: rt.views.cabinets() } })),
    groups: h(async (_req, rt) => ({ body: { items: rt.views.groups() } })),
    lamps: h(async (req, rt) => ({ body: { items: rt.views.lamps(query(req, lampsQuery)) } })),
    lamp: h(async (req, rt) => ({ body: await rt.views.lampDetail(params(req, idParams).id) })),
    readings: h(async (req, rt) => {
      const { id } = params(req, idParams);
      const q = query(req, readingsQuery);
      const tz = rt.site?.timeZone ?? 'UTC';
      const from = q.from ? toInstant(q.from, tz, 'from') : undefined;
      const to = q.to ? toInstant(q.to, tz, 'to') : undefined;
      if (q.bucket && from !== undefined && ((to ?? d.now()) - from) / q.bucket > q.limit) throw badRequest(`at most ${q.limit} buckets (limit) per answer: choose a larger bucket or a shorter range`);
      return {
        body: await rt.views.readings(id, {
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          limit: q.limit,
          ...(q.bucket ? { bucket: q.bucket } : {}),
        }),
      };
    }),
    sendCommand: h(async (req, rt) => ({ status: 202, body: await rt.switching.sendCommand(body(req, commandRequestSchema)) })),
    batch: h(async (req, rt) => ({ body: await rt.switching.batch(params(req, batchParams).batchId) })),
    history: h(async (req, rt) => ({ body: await rt.switching.history(query(req, historyQuery)) })),
    schedules: h(async (_req, rt) => ({ body: { items: rt.schedules.list() } })),
    createSchedule: h(async (req, rt) => {
      const input = body(req, scheduleInput);
      return { status: 201, body: await rt.schedules.save({ ...input, id: `sch-${randomUUID().slice(0, 8)}` }, 'create') };
    }),
    replaceSchedule: h(async (req, rt) => {
      const { id } = params(req, idParams);
      return { body: await rt.schedules.save({ ...body(req, scheduleInput), id }, 'replace') };
    }),
    deleteSchedule: h(async (req, rt) => {
      await rt.schedules.delete(params(req, idParams).id);
      return { status: 204 };
    }),
    preview: h(async (req, rt) => ({ body: rt.schedules.preview(params(req, idParams).id, query(req, previewQuery).hours) })),
    energy: h(async (req, rt) => ({ body: await energyOf(req, rt) })),
    // The same report as a CSV file.
    energyCsv: (async (req, res) => {
      const report = await energyOf(req, await d.runtime(req));
      res.type('text/csv').attachment(`energy-${report.by}-${report.period}-${report.from}-${report.to}.csv`).send(energyCsv(report));
    }) as RequestHandler,
    meters: h(async (req, rt) => {
      const q = query(req, metersQuery);
      const tz = rt.inventory.requireInstallation().timeZone;
      const to = q.to ? toInstant(q.to, tz, 'to') : d.now();
      const from = q.from ? toInstant(q.from, tz, 'from') : to - 86_400_000;
      span(from, to);
      return { body: { from, to, items: await rt.views.meters({ from, to }) } };
    }),
    provision: h(async (req, rt) => {
      if (!d.options.demoRoutes) throw notFound('demo provisioning is turned off on this platform');
      const input = body(req, provisionInput);
      const p = await rt.provision({ seed: input.seed, lamps: input.lamps, ...(input.cabinets ? { cabinets: input.cabinets } : {}) });
      // The fleet file the simulator reads (`npm run sim:lighting -- --fleet <file>`).
      return { status: 201, body: { tenantId: rt.tenantId, pilot: 'lighting', ...p } };
    }),
    simulate: h(async (req, rt) => {
      if (!d.options.demoRoutes) throw notFound('fault simulation is turned off on this platform');
      const input = body(req, simulateInput);
      return { status: 202, body: await rt.switching.simulate(input.deviceId, input.scenario) };
    }),
  };
}
