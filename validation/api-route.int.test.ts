// The evaluator's API for validation runs (platform/api/routes/validation.ts) over real HTTP, with
// the platform's own authentication and error handler around it and real sessions of a booted
// platform. Only the expensive run itself is replaced by a stand-in that writes a report.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate } from '../platform/api/auth.ts';
import { errorHandler, notFoundHandler } from '../platform/api/problem.ts';
import { validationRoutes } from '../platform/api/routes/validation.ts';
import { ApiClient } from './support/api-client.ts';
import { bootHarness, type Harness } from './support/harness.ts';
import { toHtml, toJson } from './report.ts';
import { reportId } from './runner.ts';
import type { ScenarioResult, ValidationReport } from './types.ts';

let h: Harness;
let server: Server;
let base = '';
const dir = mkdtempSync(join(tmpdir(), 'custodia-reports-'));

function fakeReport(at: string, statuses: ScenarioResult['status'][]): ValidationReport {
  const results: ScenarioResult[] = statuses.map((status, i) => ({
    id: `demo.s${i}`,
    title: 't',
    requirement: 'r',
    indicator: 'i',
    criterion: 'c',
    profile: 'fast',
    status,
    measured: i,
    evidence: {},
    durationMs: 1,
  }));
  return {
    kind: 'custodia-validation-report',
    version: 1,
    id: reportId(new Date(at)),
    profile: 'fast',
    startedAt: at,
    finishedAt: at,
    durationMs: 1,
    environment: { node: 'v20', platform: 'linux', arch: 'x64', cpus: 2, commit: null },
    summary: { total: results.length, pass: statuses.filter((s) => s === 'pass').length, fail: statuses.filter((s) => s === 'fail').length, notRun: statuses.filter((s) => s === 'not-run').length },
    results,
  };
}

function write(r: ValidationReport, html = true) {
  writeFileSync(join(dir, `${r.id}.json`), toJson(r));
  if (html) writeFileSync(join(dir, `${r.id}.html`), toHtml(r));
}

let release: () => void = () => undefined;
const runs: unknown[] = [];

beforeAll(async () => {
  h = await bootHarness();
  const s = h.platform.services;
  write(fakeReport('2026-01-30T10:00:00.000Z', ['pass', 'pass']));
  write(fakeReport('2026-01-31T10:00:00.000Z', ['pass', 'fail', 'not-run']), false);
  writeFileSync(join(dir, 'validation-2026-01-29T10-00-00-000Z.json'), '{ not json');
  const app = express();
  app.use(express.json());
  app.use(authenticate(s.sessions, s.audit, [], s.tenants, s.logger));
  app.use(
    validationRoutes(s, {
      reportsDir: dir,
      runValidation: async (req) => {
        runs.push(req);
        req.onProgress?.({ total: 2, done: 1, pass: 1, fail: 0, notRun: 0, current: { id: 'demo.two', title: 'Second scenario' } });
        await new Promise<void>((resolve) => (release = resolve));
        const r = fakeReport('2026-02-01T10:00:00.000Z', ['pass']);
        write(r);
        return { id: r.id };
      },
    }),
  );
  app.use(notFoundHandler);
  app.use(errorHandler(s.logger, s.audit));
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  release();
  await new Promise((r) => server?.close(r));
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

const as = async (user: string) => {
  const c = new ApiClient(base);
  c.token = (await h.as(user)).token;
  return c;
};

describe('validation runs for the evaluator', () => {
  it('lists readable reports newest first with their failed scenarios, leaving unreadable files out', async () => {
    const ev = await as(h.tenants.a.users.evaluator);
    const res = await ev.get('/validation/runs');
    expect(res.status).toBe(200);
    expect(res.body.items.map((r: { id: string }) => r.id)).toEqual(['validation-2026-01-31T10-00-00-000Z', 'validation-2026-01-30T10-00-00-000Z']);
    expect(res.body.items[0]).toMatchObject({ summary: { total: 3, pass: 1, fail: 1, notRun: 1 }, failed: ['demo.s1'], html: false });
    expect(res.body.canRun).toBe(true);
  });

  it('serves one report as JSON and as its HTML page', async () => {
    const ev = await as(h.tenants.b.users.evaluator);
    const json = await ev.get('/validation/runs/validation-2026-01-30T10-00-00-000Z');
    expect(json.status).toBe(200);
    expect(json.body.kind).toBe('custodia-validation-report');
    const html = await ev.get('/validation/runs/validation-2026-01-30T10-00-00-000Z/html');
    expect(html.status).toBe(200);
    expect(html.contentType).toContain('text/html');
    expect(html.body).toContain('Custodia validation report');
  });

  it.each([
    ['/validation/runs/validation-2026-12-31T00-00-00-000Z', 404],
    ['/validation/runs/validation-2026-01-31T10-00-00-000Z/html', 404],
    ['/validation/runs/..%2F..%2Fetc%2Fpasswd', 400],
    ['/validation/runs/validation-2026-01-29T10-00-00-000Z', 404],
  ])('GET %s answers %i as problem+json', async (path, status) => {
    const res = await (await as(h.tenants.a.users.evaluator)).get(path);
    expect(res.status).toBe(status);
    expect(res.contentType).toContain('application/problem+json');
  });

  it.each([
    ['operator', 403],
    ['auditor', 403],
    ['tenant-admin', 403],
  ] as const)('a %s may not read validation runs (%i)', async (role, status) => {
    expect((await (await as(h.tenants.a.users[role])).get('/validation/runs')).status).toBe(status);
  });

  it('needs a session', async () => {
    expect((await new ApiClient(base).get('/validation/runs')).status).toBe(401);
  });

  it('starts one fast run at a time, audits it, and reports its outcome', async () => {
    const ev = await as(h.tenants.a.users.evaluator);
    const started = await ev.post('/validation/runs', { scenarios: ['audit.tamper-evidence'] });
    expect(started.status).toBe(202);
    expect(started.body.state).toBe('running');
    expect((await ev.post('/validation/runs', {})).status).toBe(409);
    expect((await ev.post('/validation/runs', { profile: 'full' })).status).toBe(400);
    expect(runs).toMatchObject([{ profile: 'fast', scenarios: ['audit.tamper-evidence'] }]);
    // While it runs, the page can show how far it has come.
    const running = await ev.get('/validation/current');
    expect(running.body).toMatchObject({ state: 'running', progress: { total: 2, done: 1, pass: 1, current: { id: 'demo.two', title: 'Second scenario' } } });
    release();
    await expect.poll(async () => (await ev.get('/validation/current')).body.state, { timeout: 3000 }).toBe('finished');
    expect((await ev.get('/validation/current')).body.reportId).toBe('validation-2026-02-01T10-00-00-000Z');
    // The run is in the evaluator's tenant chain (this test app serves no audit route).
    const page = await h.platform.services.audit.admin.list('tenant-a', { action: 'validation.run' });
    expect(page.entries).toHaveLength(1);
  });
});
