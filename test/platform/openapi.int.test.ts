// The API contract on the real platform: the served document covers every route the served express
// app has (walked here independently of the generator), and real answers of several routes
// validate against the document's response schemas (JSON Schema 2020-12 read back with zod's
// fromJSONSchema, so a field the code sends and the document does not declare fails).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHealthcarePilot } from '../../pilots/healthcare/index.ts';
import { createLightingPilot } from '../../pilots/lighting/index.ts';
import type { ApiClient, ApiResponse } from '../../validation/support/api-client.ts';
import { bootHarness, TEST_PASSWORD, type Harness } from '../../validation/support/harness.ts';
import { enrol, HC } from '../../validation/support/healthcare-steps.ts';

let h: Harness;
let doc: { openapi: string; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>; components?: { schemas?: Record<string, unknown> } };
let admin: ApiClient;
let op: ApiClient;

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
  slash?: boolean;
}

/** Every route with a string path of an express router stack, with its full path. */
function walk(stack: Layer[], prefix: string): { method: string; path: string }[] {
  return stack.flatMap((l) => {
    if (l.route) return typeof l.route.path === 'string' ? Object.keys(l.route.methods).map((m) => ({ method: m, path: prefix + l.route!.path })) : [];
    if (!l.handle?.stack) return [];
    return walk(l.handle.stack, prefix + (l.slash || typeof l.rawPath !== 'string' || l.rawPath === '/' ? '' : l.rawPath));
  });
}

/** Replaces `#/components/schemas/…` references by the schemas they name. */
function deref(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(deref);
  if (!schema || typeof schema !== 'object') return schema;
  const ref = (schema as { $ref?: string }).$ref;
  if (ref) return deref(doc.components!.schemas![ref.replace('#/components/schemas/', '')]);
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, deref(v)]));
}

/** The real answer checked against the document's schema for its route, status and media type. */
function expectConforms(method: string, template: string, res: ApiResponse) {
  const op = doc.paths[template]?.[method.toLowerCase()];
  expect(op, `${method} ${template} in the document`).toBeDefined();
  const declared = op!.responses[String(res.status)] ?? op!.responses.default;
  expect(declared, `${method} ${template} declares ${res.status}`).toBeDefined();
  const media = res.contentType.split(';')[0]!;
  const schema = declared!.content?.[media]?.schema;
  expect(schema, `${method} ${template} ${res.status} as ${media}`).toBeDefined();
  const result = z.fromJSONSchema(deref(schema) as never).safeParse(res.body);
  expect(result.success ? [] : result.error.issues.slice(0, 5), `${method} ${template} ${res.status}`).toEqual([]);
}

beforeAll(async () => {
  h = await bootHarness({ pilots: [createHealthcarePilot(), createLightingPilot()], tenantPilots: ['healthcare', 'lighting'] });
  const res = await h.anonymous().get('/api/v1/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
  admin = await h.as(h.tenants.a.users['tenant-admin']);
  op = await h.as(h.tenants.a.users.operator);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('the served API contract', () => {
  it('is an OpenAPI 3.1 document reachable without a token, with the docs UI served from the platform itself', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const page = await h.anonymous().get('/api/docs');
    expect(page.status).toBe(200);
    expect(page.contentType).toMatch(/^text\/html/);
    // Every script and style the page loads is served here: no CDN.
    const assets = [...String(page.body).matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const a of assets) {
      expect(a).toMatch(/^\/api\/docs\//);
      const asset = await h.anonymous().get(a);
      expect(asset.status, a).toBe(200);
    }
    const init = await h.anonymous().get('/api/docs/custodia-init.js');
    expect(init.body).toContain("'/api/v1/openapi.json'");
    expect((await h.anonymous().get('/api/docs/package.json')).status).toBe(404);
  });

  it('names every route the served app has, the pilots’ routes and the FHIR mount included', () => {
    const served = walk((h.platform.app as unknown as { router: { stack: Layer[] } }).router.stack, '');
    // The platform routes, the two pilots', FHIR and health: far more than a handful.
    expect(served.length).toBeGreaterThan(80);
    const missing = served.filter((r) => !doc.paths[r.path.replace(/:(\w+)/g, '{$1}')]?.[r.method]).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(missing).toEqual([]);
    for (const p of ['/api/v1/devices/{id}', '/api/v1/pilots/healthcare/patients/{id}/fhir', '/api/v1/pilots/lighting/lamps', '/fhir/R4/Observation']) expect(doc.paths[p]).toBeDefined();
  });

  it('names the permission of each guarded route and the query parameters its handler validates', () => {
    const op = doc.paths['/api/v1/devices']!.get as unknown as { 'x-permissions': string[]; parameters: { name: string; in: string }[] };
    expect(op['x-permissions']).toEqual(['devices:read']);
    expect(op.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['query:kind', 'query:q', 'query:status', 'query:online', 'query:offset', 'query:limit']);
  });
});

describe('real answers conform to the document', () => {
  it('auth, devices, users, alarms, commands and health', async () => {
    const token = await h.anonymous().post('/api/v1/auth/token', { username: h.tenants.a.users.operator, password: TEST_PASSWORD });
    expectConforms('POST', '/api/v1/auth/token', token);
    expectConforms('GET', '/api/v1/auth/me', await op.get('/api/v1/auth/me'));
    const created = await admin.post('/api/v1/devices', { id: 'contract-hub-1', kind: 'home-hub', label: 'Contract hub' });
    expect(created.status).toBe(201);
    expectConforms('POST', '/api/v1/devices', created);
    expectConforms('GET', '/api/v1/devices', await admin.get('/api/v1/devices'));
    expectConforms('GET', '/api/v1/devices/{id}', await admin.get('/api/v1/devices/contract-hub-1'));
    expectConforms('POST', '/api/v1/devices/{id}/rotate', await admin.post('/api/v1/devices/contract-hub-1/rotate'));
    expectConforms('GET', '/api/v1/users', await admin.get('/api/v1/users'));
    // A password the administrator sets is one-time, and the document says so.
    const newUser = await admin.post('/api/v1/users', { username: 'contract-user', password: TEST_PASSWORD, role: 'auditor' });
    const patched = await admin.patch(`/api/v1/users/${newUser.body.id}`, { password: 'a-handed-over-passphrase' });
    expectConforms('PATCH', '/api/v1/users/{id}', patched);
    expect(patched.body.passwordTemporaryUntil).toBeGreaterThan(Date.now());
    expect((doc.paths['/api/v1/users/{id}']!.patch as unknown as { summary: string }).summary).toMatch(/one-time.*72 hours/);
    const cmd = await op.post('/api/v1/commands', { deviceId: 'contract-hub-1', name: 'ping' });
    expect(cmd.status).toBe(202);
    expectConforms('POST', '/api/v1/commands', cmd);
    expectConforms('GET', '/api/v1/commands/{id}', await op.get(`/api/v1/commands/${cmd.body.id}`));
    expectConforms('GET', '/api/v1/commands', await op.get('/api/v1/commands'));
    expectConforms('GET', '/api/v1/alarms', await op.get('/api/v1/alarms'));
    expectConforms('GET', '/api/v1/tenants', await (await h.as('root-admin')).get('/api/v1/tenants'));
    expectConforms('GET', '/healthz', await h.anonymous().get('/healthz'));
    expectConforms('GET', '/readyz', await h.anonymous().get('/readyz'));
  });

  it('errors: problem+json on the REST API, OperationOutcome on FHIR', async () => {
    expectConforms('GET', '/api/v1/devices/{id}', await admin.get('/api/v1/devices/no-such-device'));
    expectConforms('POST', '/api/v1/devices', await admin.post('/api/v1/devices', { id: 'x' }));
    expectConforms('GET', '/fhir/R4/Patient/{id}', await op.get('/fhir/R4/Patient/no-such-patient'));
  });

  it('the healthcare pilot: enrolment, consent, the FHIR export and the FHIR read API', async () => {
    const p = await enrol(op);
    expectConforms('GET', '/api/v1/pilots/healthcare/patients/{id}/consent', await op.get(`${HC}/patients/${p.id}/consent`));
    expectConforms('GET', '/api/v1/pilots/healthcare/patients/{id}', await op.get(`${HC}/patients/${p.id}`));
    expectConforms('GET', '/api/v1/pilots/healthcare/patients', await op.get(`${HC}/patients`));
    expectConforms('GET', '/api/v1/pilots/healthcare/patients/{id}/news2', await op.get(`${HC}/patients/${p.id}/news2`));
    expectConforms('GET', '/api/v1/pilots/healthcare/patients/{id}/fhir', await op.get(`${HC}/patients/${p.id}/fhir?type=transaction`));
    expectConforms('GET', '/fhir/R4/metadata', await op.get('/fhir/R4/metadata'));
    expectConforms('GET', '/fhir/R4/Patient/{id}', await op.get(`/fhir/R4/Patient/${p.id}`));
    expectConforms('GET', '/fhir/R4/Observation', await op.get(`/fhir/R4/Observation?patient=${p.id}`));
  });

  it('a field the code sends but the document does not declare is caught', async () => {
    const res = await admin.get('/api/v1/devices/contract-hub-1');
    expect(() => expectConforms('GET', '/api/v1/devices/{id}', { ...res, body: { ...res.body, secretHash: 'leak' } })).toThrow();
  });
});
