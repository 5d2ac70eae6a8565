// Property-based fuzzing of every REST route (ASVS 5.1.3, 13.2.5): the routes are read from the
// served app's router and each route's zod schemas are recorded as its handler validates, so a
// route added later is fuzzed without being named here. Bodies, path parameters and query strings
// are generated from those schemas and then mutated (wrong types, oversized, deeply nested,
// awkward unicode, prototype keys, odd numbers, broken JSON and encodings), sent over real HTTP
// (keep-alive, several in flight) as every role, anonymously and with a forged token.
// Every answer must be < 500, every 4xx application/problem+json, each within a bound; the
// platform must still answer afterwards and nothing may reject unhandled.
// Real HTTP rather than calls into the app: the HTTP parser's refusals (oversized URL, broken
// encodings) are part of what is fuzzed, and with keep-alive sockets and several requests in flight
// the cost per request is the platform's own (authentication, audit of refusals, fsync'd writes).
// The seed is fixed (FUZZ_SEED overrides it, FUZZ_REST_CASES the count) and printed with the
// failing request.
import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc, { type Arbitrary } from 'fast-check';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { healthcarePilot } from '../../pilots/healthcare/index.ts';
import { lightingPilot } from '../../pilots/lighting/index.ts';
import { validationRoutes } from '../../platform/api/routes/validation.ts';
import type { Role } from '../../platform/tenancy/context.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { paramsOf } from '../../validation/support/routes.ts';
import { routeKey, routesOf, seenSchemas, type RouteInfo, type RouteSchemas } from './rest-routes.ts';
import { awkwardString, conforming, hostile, hostileValue, toJsonText } from './zod-arbitrary.ts';

// Record each schema a handler validates with; parsing itself is the real code.
vi.mock('../../platform/api/validate.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../platform/api/validate.ts')>();
  const { recordSchema } = await import('./rest-routes.ts');
  const wrap =
    (where: 'body' | 'query' | 'params', fn: (req: never, schema: never) => unknown) =>
    (req: never, schema: never) => {
      recordSchema(req, where, schema);
      return fn(req, schema);
    };
  return { ...real, body: wrap('body', real.body), query: wrap('query', real.query), params: wrap('params', real.params) };
});
// Keep the app the platform serves, to read its router.
const served: { app?: Express } = {};
vi.mock('../../platform/api/app.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../platform/api/app.ts')>();
  return {
    ...real,
    createApp: (...args: Parameters<typeof real.createApp>) => {
      const app = real.createApp(...args);
      served.app = app;
      return app;
    },
  };
});

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_205);
const CASES = Number(process.env.FUZZ_REST_CASES ?? 10_000);
const IN_FLIGHT = Number(process.env.FUZZ_IN_FLIGHT ?? 16);
const CHUNK = 250;
// A bound for "no hang", generous for a loaded machine: legal bulk requests (a demo provisioning of
// 200 patients) take seconds.
const TIMEOUT_MS = 30_000;

type Who = Role | 'anonymous' | 'forged' | 'cookie';
const WHO: Who[] = ['platform-admin', 'tenant-admin', 'operator', 'auditor', 'evaluator', 'anonymous', 'forged', 'cookie'];
/** Browser-like session of the operator: its writes meet the CSRF and Origin checks. */
const cookieSession = { token: '', csrf: '' };

interface Case {
  route: RouteInfo;
  who: Who;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

let h: Harness;
let routes: RouteInfo[] = [];
const reportsDir = mkdtempSync(join(tmpdir(), 'custodia-fuzz-reports-'));
const tokens = new Map<Who, string>();
const ids: Record<string, string[]> = {};
/** Roles a route did not refuse during discovery: most cases use one, so they reach validation. */
const permitted: Record<string, Who[]> = {};
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => void unhandled.push(e);

async function mint(who: Who): Promise<void> {
  if (who === 'anonymous') return;
  if (who === 'forged') return void tokens.set(who, 'A'.repeat(43));
  if (who === 'cookie') {
    const user = await h.platform.services.users.findByUsername(h.tenants.a.users.operator);
    const { token, csrfToken } = await h.platform.services.sessions.issue(user!);
    return void Object.assign(cookieSession, { token, csrf: csrfToken });
  }
  const username = who === 'platform-admin' ? 'root-admin' : h.tenants.a.users[who];
  const user = await h.platform.services.users.findByUsername(username);
  const { token } = await h.platform.services.sessions.issue(user!);
  tokens.set(who, token);
}

// node:http with a keep-alive agent: about half the client CPU of fetch, and the client shares
// this process (and its one thread) with the platform.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
function send(c: Case, retry = true): Promise<{ status: number; type: string; text: string }> {
  const headers: Record<string, string | number> = { ...c.headers };
  const token = tokens.get(c.who);
  if (token) headers.authorization = `Bearer ${token}`;
  if (c.who === 'cookie') {
    headers.cookie = `custodia_session=${cookieSession.token}`;
    if (headers['x-csrf-token'] === 'valid') headers['x-csrf-token'] = cookieSession.csrf;
  }
  const payload = c.body === undefined ? undefined : typeof c.body === 'string' ? Buffer.from(c.body) : Buffer.from(c.body);
  if (payload) headers['content-length'] = payload.length;
  return new Promise((resolve, reject) => {
    const req = request(h.url + c.path, { method: c.route.method, headers, agent, timeout: TIMEOUT_MS }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(parts).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${TIMEOUT_MS} ms`), { name: 'TimeoutError' })));
    // A kept-alive socket the server closed just as it was reused: the request never arrived (the
    // race Node's documentation describes); send it once more on a fresh socket.
    req.on('error', (err: Error & { code?: string }) => (retry && req.reusedSocket && err.code === 'ECONNRESET' ? send(c, false).then(resolve, reject) : reject(err)));
    req.end(payload);
  });
}

/** A path segment: a known id of that resource, a schema-conforming value or a hostile one, encoded or raw. */
function segmentArb(resource: string, name: string, schemas: RouteSchemas | undefined): Arbitrary<string> {
  const known = ids[resource] ?? [];
  const fromSchema = schemas?.params ? conforming(schemas.params).map((p) => String((p as Record<string, unknown>)?.[name] ?? 'x')) : fc.constant('x');
  return fc.oneof(
    { weight: known.length ? 3 : 0, arbitrary: known.length ? fc.constantFrom(...known) : fc.constant('x') },
    { weight: 3, arbitrary: fromSchema },
    { weight: 3, arbitrary: awkwardString },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%ED%A0%80', '%C0%AF', '..%2F..', '%00', '%2e%2e') },
  ).map((v) => (/^%|\.\.%/.test(v) ? v : encode(v)).slice(0, 30_000));
}

/** encodeURIComponent, with lone surrogates sent as the raw bytes a client could still send. */
function encode(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return [...v].map((ch) => (/[\ud800-\udfff]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('');
  }
}

function queryArb(schemas: RouteSchemas | undefined): Arbitrary<string> {
  const pairs = (o: unknown): string => {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return `q=${encode(toJsonText(o))}`;
    return Object.entries(o)
      .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x] as const) : [[k, v] as const]))
      .map(([k, v]) => `${encode(k)}=${encode(typeof v === 'string' ? v : typeof v === 'object' ? toJsonText(v) : String(v))}`)
      .join('&');
  };
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant('') },
    { weight: 3, arbitrary: schemas?.query ? conforming(schemas.query).map(pairs) : fc.constant('') },
    { weight: 4, arbitrary: hostile(schemas?.query).map(pairs) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__[x]=1', 'constructor=1&constructor=2', 'a=%E0%A4%A', 'limit=1&limit=2&limit=3', 'limit=-0', 'limit=1e309', 'limit=NaN', '&&&=&=', `x=${'A'.repeat(60_000)}`) },
  );
}

const JSON_TYPE = 'application/json';
function bodyArb(schemas: RouteSchemas | undefined): Arbitrary<{ body?: string | Uint8Array; type?: string }> {
  const json = (v: unknown) => ({ body: toJsonText(v), type: JSON_TYPE });
  return fc.oneof(
    { weight: 3, arbitrary: schemas?.body ? conforming(schemas.body).map(json) : fc.constant(json({})) },
    { weight: 6, arbitrary: hostile(schemas?.body).map(json) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { body: '{"a":', type: JSON_TYPE },
        { body: 'null', type: JSON_TYPE },
        { body: '"text"', type: JSON_TYPE },
        { body: '', type: JSON_TYPE },
        { body: '{"a":1}', type: 'application/json; charset=utf-16' },
        { body: '{"a":1}', type: 'text/plain' },
        { body: 'a=1&b=2', type: 'application/x-www-form-urlencoded' },
        { body: '{"a":1}' },
        { body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0xc0, 0x22, 0x3a, 0x31, 0x7d]), type: JSON_TYPE },
        { body: `{"x":"${'A'.repeat(70_000)}"}`, type: JSON_TYPE },
        { body: '['.repeat(30_000) + ']'.repeat(30_000), type: JSON_TYPE },
        { body: '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}', type: JSON_TYPE },
      ),
    },
  );
}

/** Origin and CSRF headers as browsers, proxies and forgers send them. */
const headersArb: Arbitrary<Record<string, string>> = fc.record(
  {
    origin: fc.oneof(fc.constantFrom('null', 'http://127.0.0.1', 'https://evil.example', 'garbage', '', 'http://[::1', 'file://', 'http://a:99999'), awkwardString.map((v) => v.replace(/[^\x20-\x7e]/g, '?').slice(0, 200))),
    'x-csrf-token': fc.constantFrom('valid', 'wrong', ''),
  },
  { requiredKeys: [] },
);

/** One arbitrary per route, built once (building them, e.g. regex-derived strings, is not free). */
function caseArb(): Arbitrary<Case> {
  return fc.oneof(...routes.map(routeCaseArb));
}

function routeCaseArb(route: RouteInfo): Arbitrary<Case> {
  {
    const schemas = seenSchemas.get(routeKey(route.method, route.path));
    const segs = paramsOf(route.path);
    const hasBody = !['GET', 'DELETE', 'HEAD'].includes(route.method);
    return fc
      .record({
        who: fc.oneof(
          { weight: permitted[routeKey(route.method, route.path)] ? 3 : 0, arbitrary: fc.constantFrom(...(permitted[routeKey(route.method, route.path)] ?? WHO)) },
          { weight: 1, arbitrary: fc.constantFrom(...WHO) },
        ),
        segs: fc.tuple(...segs.map((p) => segmentArb(p.resource, p.name, schemas)), fc.constant('')),
        query: queryArb(schemas),
        body: hasBody ? bodyArb(schemas) : fc.constant({} as { body?: string; type?: string }),
        extra: headersArb,
      })
      .map(({ who, segs: values, query, body, extra }) => {
        let i = 0;
        const path = route.path
          .split('/')
          .map((p) => (p.startsWith(':') ? values[i++] : p))
          .join('/');
        const headers: Record<string, string> = { ...(body.type ? { 'content-type': body.type } : {}), ...extra };
        return { route, who, path: query ? `${path}?${query}` : path, headers, ...(body.body !== undefined ? { body: body.body } : {}) };
      });
  }
}

/** A generated query object as express's simple parser hands it over: strings (arrays repeated). */
const asQuery = (v: unknown) =>
  Object.fromEntries(Object.entries((v ?? {}) as Record<string, unknown>).map(([k, x]) => [k, Array.isArray(x) ? x.map(String) : typeof x === 'object' ? JSON.stringify(x) : String(x)]));

const show = (c: Case) => `${c.route.method} ${c.path.slice(0, 300)} as ${c.who} with headers ${JSON.stringify(c.headers).slice(0, 300)}${typeof c.body === 'string' ? ` body ${c.body.slice(0, 300)}` : ''}`;

async function check(c: Case, perRoute: Map<string, number>, statuses: Map<number, number>): Promise<void> {
  let res;
  try {
    res = await send(c);
  } catch (err) {
    throw new Error(`no answer (${(err as Error).name}: ${(err as Error).message}) to ${show(c)}`);
  }
  const key = routeKey(c.route.method, c.route.path);
  perRoute.set(key, (perRoute.get(key) ?? 0) + 1);
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  if (res.status >= 500) throw new Error(`${res.status} ${res.text.slice(0, 200)} for ${show(c)}`);
  if (res.status >= 400) {
    if (!res.type.startsWith('application/problem+json')) throw new Error(`${res.status} as ${res.type} for ${show(c)}`);
    const problem = JSON.parse(res.text) as { status: number };
    if (problem.status !== res.status) throw new Error(`problem status ${problem.status} ≠ ${res.status} for ${show(c)}`);
  }
  // A logout or a role change ends the fuzzer's session: take a new one.
  if (res.status === 401 && c.who !== 'anonymous' && c.who !== 'forged') await mint(c.who);
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  h = await bootHarness({
    pilots: [healthcarePilot, lightingPilot],
    tenantPilots: ['healthcare', 'lighting'],
    apiRateLimitPerMinute: 0,
    routers: (s) => [validationRoutes(s, { reportsDir, runValidation: async () => ({ id: 'validation-2026-01-01T00-00-00-000Z' }) })],
  });
  routes = routesOf(served.app);
  // A modest device quota: a fuzzed "provision 2000 lamps" stops at it, so the tenant's lists (and
  // the cost of every later request over them) stay the size of a small installation.
  const t = await h.platform.services.tenants.require(h.tenants.a.id);
  await h.platform.services.tenants.update(h.tenants.a.id, { quotas: { ...t.quotas, maxDevices: 150 } });
  for (const who of WHO) await mint(who);
  // Real objects so that generated requests also reach the code behind the lookups.
  for (const p of h.platform.pilots) {
    const ctx = h.platform.pilotContext(p.id);
    const instance = h.platform.pilotInstance(p.id);
    if (instance.seedDemo) await ctx.inTenant(h.tenants.a.id, () => instance.seedDemo!({ seed: 7, size: 2 }));
  }
  // Learn ids from every list route, and each route's schemas from a first plain request per role.
  for (const r of routes.filter((x) => x.method === 'GET' && !x.path.includes(':'))) {
    for (const who of ['tenant-admin', 'operator'] as Who[]) {
      const res = await send({ route: r, who, path: r.path, headers: {} });
      // Files (CSV exports) list nothing to learn ids from.
      if (res.status !== 200 || !res.type.includes('json')) continue;
      const parsed = JSON.parse(res.text) as unknown;
      const items = Array.isArray(parsed) ? parsed : Array.isArray((parsed as { items?: unknown[] }).items) ? (parsed as { items: unknown[] }).items : [];
      const resource = r.path.split('/').at(-1)!;
      // Users and tenants are left out: a fuzzed PATCH must not lock the fuzzer's own accounts out.
      if (resource === 'users' || resource === 'tenants') continue;
      for (const it of items) {
        const id = (it as { id?: unknown })?.id;
        if (typeof id === 'string') (ids[resource] ??= []).includes(id) || ids[resource]!.push(id);
      }
    }
  }
  for (const r of routes) {
    const path = r.path
      .split('/')
      .map((seg, i, all) => (seg.startsWith(':') ? encode(ids[all[i - 1]!]?.[0] ?? 'x') : seg))
      .join('/');
    if (r.path.endsWith('/auth/logout')) continue;
    for (const who of WHO.slice(0, 5)) {
      const res = await send({ route: r, who, path, headers: { 'content-type': JSON_TYPE }, ...(r.method === 'GET' ? {} : { body: '{}' }) });
      if (res.status !== 401 && res.status !== 403) (permitted[routeKey(r.method, r.path)] ??= []).push(who);
    }
  }
  for (const who of WHO) await mint(who);
}, 120_000);

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  agent.destroy();
  await h?.close();
  await rm(reportsDir, { recursive: true, force: true });
});

describe('REST fuzzing (ASVS 5.1.3, 13.2.5)', () => {
  it('finds the routes in the served router, both pilots and the validation API among them', () => {
    const paths = routes.map((r) => routeKey(r.method, r.path));
    expect(paths).toContain('GET /api/v1/devices/:id');
    expect(paths).toContain('POST /api/v1/pilots/healthcare/patients');
    expect(paths).toContain('PUT /api/v1/pilots/lighting/schedules/:id');
    expect(paths).toContain('POST /api/v1/validation/runs');
    expect(paths).toContain('POST /api/v1/agreements');
    const learnt = routes.filter((r) => seenSchemas.has(routeKey(r.method, r.path)));
    console.log(`REST fuzz: ${routes.length} routes, schemas learnt for ${learnt.length}; without: ${routes.filter((r) => !learnt.includes(r)).map((r) => routeKey(r.method, r.path)).join(', ') || 'none'}`);
    expect(learnt.length).toBeGreaterThan(routes.length / 2);
    // How often a conforming value passes its schema (query values travel as text): low figures mean
    // refinements the generator cannot see, so that route is mostly fuzzed at its validation.
    const weak: string[] = [];
    for (const r of learnt) {
      for (const [where, schema] of Object.entries(seenSchemas.get(routeKey(r.method, r.path))!)) {
        const values = fc.sample(conforming(schema), { seed: SEED, numRuns: 20 }).map((v) => JSON.parse(toJsonText(v)) as unknown);
        const ok = values.filter((v) => schema.safeParse(where === 'query' ? asQuery(v) : v).success).length;
        if (ok < 10) weak.push(`${routeKey(r.method, r.path)} ${where} ${ok}/20`);
      }
    }
    console.log(`REST fuzz: conforming values mostly refused for: ${weak.join('; ') || 'none'}`);
  });

  it(`answers ${CASES} generated and mutated requests over every route with < 500, problem+json for 4xx, within ${TIMEOUT_MS / 1000} s`, async () => {
    const perRoute = new Map<string, number>();
    const statuses = new Map<number, number>();
    const started = Date.now();
    const cpu0 = process.cpuUsage();
    // Cases come from fast-check in chunks of CHUNK, chunk i drawn with seed SEED + i, and are sent by
    // IN_FLIGHT workers without waiting for each other (a batch barrier would idle on the slowest
    // request, e.g. a password check). Shrinking is given up for throughput; the failing request is
    // printed whole enough to replay, and FUZZ_SEED + the case number reproduce it.
    const arb = caseArb();
    const chunks = new Map<number, Case[]>();
    const caseAt = (n: number): Case => {
      const i = Math.floor(n / CHUNK);
      if (!chunks.has(i)) {
        chunks.clear();
        chunks.set(i, fc.sample(arb, { seed: SEED + i, numRuns: CHUNK }));
      }
      return chunks.get(i)![n % CHUNK]!;
    };
    let next = 0;
    let failure: Error | undefined;
    const worker = async () => {
      while (!failure && next < CASES) {
        const n = next++;
        const c = caseAt(n);
        await check(c, perRoute, statuses).catch((err: Error) => {
          failure ??= new Error(`REST fuzz failed at case ${n} (seed ${SEED}; rerun with FUZZ_SEED=${SEED}): ${err.message}`);
        });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    if (failure) throw failure;
    const sent = [...perRoute.values()].reduce((a, b) => a + b, 0);
    const cpu = process.cpuUsage(cpu0);
    console.log(`REST fuzz: ${sent} requests in ${Date.now() - started} ms (CPU of this process, client and platform: ${Math.round((cpu.user + cpu.system) / 1000)} ms), seed ${SEED}; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(sent).toBeGreaterThanOrEqual(CASES);
    // Every route got its share: a route the router gained is fuzzed without being named here.
    for (const r of routes) expect(perRoute.get(routeKey(r.method, r.path)) ?? 0, routeKey(r.method, r.path)).toBeGreaterThan(CASES / routes.length / 4);
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
    expect(unhandled).toEqual([]);
  }, 600_000);
});
