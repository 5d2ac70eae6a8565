// Validation runs and reports for the evaluator role (docs/architecture.md "People and roles": validation
// runs and reports, no personal data). Reports are the files `npm run validate` writes
// (`<reportsDir>/validation-<time>.json` and `.html`); they hold indicators, counts and timings
// of synthetic test platforms, never data of this platform's tenants. A fast run can be started
// here when the composition root provides `runValidation` (one run at a time).
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import { conflict, notFound } from '../../errors.ts';
import type { PlatformServices } from '../../services/index.ts';
import { allow } from '../auth.ts';
import { body, params, query } from '../validate.ts';
import { anyObject, doc } from '../route-doc.ts';
import type { ValidationRunSummary, RunProgress, RunState } from '../../contract.ts';
// The wire types live in the pure contract module (the dashboard reads them without Node types).
export type { ValidationRunSummary, RunProgress, RunState } from '../../contract.ts';

export interface ValidationRunRequest {
  profile: 'fast';
  /** Only these scenario ids (default: every scenario of the profile). */
  scenarios?: string[];
  /** Called as scenarios start and finish, so GET /validation/current can show the run's progress. */
  onProgress?: (p: RunProgress) => void;
}

export interface ValidationRouteOptions {
  reportsDir: string;
  /** Runs the scenarios, writes the report files into `reportsDir`, resolves with the report id. */
  runValidation?: (req: ValidationRunRequest) => Promise<{ id: string }>;
}

/** Report ids are file names made by the runner: nothing else can be asked for (no traversal). */
export const REPORT_ID = /^validation-\d{4}-\d{2}-\d{2}T[0-9-]+Z$/;
const idParam = z.object({ id: z.string().regex(REPORT_ID, 'a report id such as validation-2026-01-31T12-00-00-000Z') }).strict();
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }).strict();
const runSchema = z
  .object({
    profile: z.literal('fast').default('fast'),
    scenarios: z.array(z.string().regex(/^[a-z][a-z0-9.-]{2,80}$/)).max(50).optional(),
  })
  .strict();

/** The parts of a report file the list shows; the rest is passed through as written. */
const reportHead = z.object({
  kind: z.literal('custodia-validation-report'),
  id: z.string().regex(REPORT_ID),
  profile: z.enum(['fast', 'full']),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  summary: z.object({ total: z.number(), pass: z.number(), fail: z.number(), notRun: z.number() }),
  results: z.array(z.object({ id: z.string(), status: z.enum(['pass', 'fail', 'not-run']) }).loose()),
});

async function readReport(dir: string, id: string): Promise<{ raw: unknown; head: z.infer<typeof reportHead> } | null> {
  const file = join(dir, `${id}.json`);
  if (!existsSync(file)) return null;
  try {
    const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
    const head = reportHead.safeParse(raw);
    return head.success && head.data.id === id ? { raw, head: head.data } : null;
  } catch {
    return null;
  }
}

/** Every readable report in the directory, newest first. Unreadable files are left out. */
export async function listReports(dir: string): Promise<ValidationRunSummary[]> {
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json') && REPORT_ID.test(n.slice(0, -5)));
  const out: ValidationRunSummary[] = [];
  for (const name of names) {
    const id = name.slice(0, -5);
    const r = await readReport(dir, id);
    if (!r) continue;
    const { head } = r;
    out.push({
      id,
      profile: head.profile,
      startedAt: head.startedAt,
      finishedAt: head.finishedAt,
      durationMs: head.durationMs,
      summary: head.summary,
      failed: head.results.filter((x) => x.status === 'fail').map((x) => x.id),
      html: existsSync(join(dir, `${id}.html`)),
    });
  }
  return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

export function validationRoutes(s: PlatformServices, opts: ValidationRouteOptions): Router {
  const r = Router();
  let current: RunState = { state: 'idle' };

  r.get('/validation/runs', allow('validation:read'), doc({ summary: 'validation reports', query: listQuery, responses: { 200: z.object({ items: z.array(anyObject), canRun: z.boolean() }) } }), async (req, res) => {
    const { limit } = query(req, listQuery);
    res.json({ items: (await listReports(opts.reportsDir)).slice(0, limit), canRun: Boolean(opts.runValidation) });
  });
  r.get('/validation/runs/:id', allow('validation:read'), doc({ summary: 'one validation report (JSON)', params: idParam, responses: { 200: anyObject } }), async (req, res) => {
    const { id } = params(req, idParam);
    const report = await readReport(opts.reportsDir, id);
    if (!report) throw notFound(`no validation report ${id}`);
    res.json(report.raw);
  });
  r.get('/validation/runs/:id/html', allow('validation:read'), doc({ summary: 'one validation report (HTML)', params: idParam, responses: { 200: { description: 'the report page', contentType: 'text/html', schema: z.string() } } }), async (req, res) => {
    const { id } = params(req, idParam);
    const file = join(opts.reportsDir, `${id}.html`);
    if (!existsSync(file)) throw notFound(`no HTML report ${id}`);
    res.type('text/html; charset=utf-8').setHeader('Content-Disposition', `inline; filename="${id}.html"`);
    res.send(await readFile(file, 'utf8'));
  });
  r.get('/validation/current', allow('validation:read'), doc({ summary: 'the state of the current run', responses: { 200: z.looseObject({ state: z.enum(['idle', 'running', 'finished', 'failed']) }) } }), (_req, res) => {
    res.json(current);
  });
  r.post('/validation/runs', allow('validation:run'), doc({ summary: 'starts a fast validation run', body: runSchema, responses: { 202: z.looseObject({ state: z.literal('running') }) } }), async (req, res) => {
    const input = body(req, runSchema);
    if (!opts.runValidation) throw notFound('starting validation runs is not enabled on this platform; use npm run validate');
    if (current.state === 'running') throw conflict('a validation run is already in progress');
    const p = req.principal!;
    const startedAt = Date.now();
    current = { state: 'running', startedAt, startedBy: p.label };
    await s.audit.record(p.tenantId ?? '_platform', {
      actor: p.label,
      action: 'validation.run',
      target: 'validation',
      outcome: 'success',
      details: { profile: input.profile, scenarios: input.scenarios?.length ?? 0 },
    });
    // Progress of this run only: a late report from an earlier run never overwrites a newer state.
    const onProgress = (progress: RunProgress) => {
      if (current.state === 'running' && current.startedAt === startedAt) current = { ...current, progress };
    };
    opts.runValidation({ profile: input.profile, ...(input.scenarios ? { scenarios: input.scenarios } : {}), onProgress }).then(
      ({ id }) => {
        current = { state: 'finished', startedAt, finishedAt: Date.now(), reportId: id };
      },
      (err: unknown) => {
        s.logger.error({ err }, 'validation run failed');
        current = { state: 'failed', startedAt, finishedAt: Date.now(), error: 'the run stopped with an error; see the platform log' };
      },
    );
    res.status(202).json(current);
  });
  return r;
}
