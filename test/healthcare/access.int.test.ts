// Who may use the healthcare routes: tenant isolation (404 for another tenant's patients), least
// privilege per role (403), strict input validation (400), demo provisioning and scenarios.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthcarePilot } from '../../pilots/healthcare/index.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, TEST_PASSWORD, type Harness } from '../../validation/support/harness.ts';
import { Device, enrol, eventually, HC, type EnrolledPatient } from '../../validation/support/healthcare-steps.ts';
import { asTenantId } from '../../platform/ids.ts';

let h: Harness;
let op: ApiClient;
let p: EnrolledPatient;

/** Every patient-scoped route, with a valid body where one is needed. */
const patientRoutes = (id: string): [string, string, unknown?][] => [
  ['GET', `${HC}/patients/${id}`],
  ['PATCH', `${HC}/patients/${id}/settings`, { scale: 2 }],
  ['GET', `${HC}/patients/${id}/vitals`],
  ['GET', `${HC}/patients/${id}/news2`],
  ['GET', `${HC}/patients/${id}/alarms`],
  ['GET', `${HC}/patients/${id}/consent`],
  ['POST', `${HC}/patients/${id}/consent`, { status: 'withdrawn' }],
  ['GET', `${HC}/patients/${id}/messages`],
  ['POST', `${HC}/patients/${id}/messages`, { text: 'hello' }],
  ['POST', `${HC}/patients/${id}/simulate`, { scenario: 'fall' }],
  ['GET', `${HC}/patients/${id}/fhir`],
  ['POST', `${HC}/patients/${id}/erase`, { confirm: id }],
];

beforeAll(async () => {
  h = await bootHarness({ pilots: [healthcarePilot], tenantPilots: ['healthcare'] });
  op = await h.as(h.tenants.a.users.operator);
  p = await enrol(op);
});

afterAll(async () => {
  await h?.close();
});

describe('tenant isolation', () => {
  it("tenant b's operator gets 404 on every route of tenant a's patient, and tenant a's data is unchanged", async () => {
    const other = await h.as(h.tenants.b.users.operator);
    for (const [method, path, body] of patientRoutes(p.id)) {
      const res = await other.request(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await other.get(`${HC}/patients`)).body.items).toEqual([]);
    const consent = await op.get(`${HC}/patients/${p.id}/consent`);
    expect(consent.body.status).toBe('given');
    expect((await op.get(`${HC}/patients/${p.id}`)).body.patient.settings.scale).toBe(1);
  });

  it('a tenant that did not enable the pilot does not see its routes', async () => {
    const s = h.platform.services;
    await s.tenants.create({ id: 'tenant-c', name: 'Test tenant-c', pilots: [] });
    await s.users.create({ username: 'tenant-c-operator', password: TEST_PASSWORD, role: 'operator', tenantId: asTenantId('tenant-c') });
    const c = await h.as('tenant-c-operator');
    expect((await c.get(`${HC}/patients`)).status).toBe(404);
  });
});

describe('least privilege', () => {
  it.each(['auditor', 'evaluator'] as const)('a tenant %s gets 403 on the board and on every patient route', async (role) => {
    const client = await h.as(h.tenants.a.users[role]);
    expect((await client.get(`${HC}/patients`)).status).toBe(403);
    expect((await client.post(`${HC}/patients`, { identifier: 'SYN-111111' })).status).toBe(403);
    for (const [method, path, body] of patientRoutes(p.id)) {
      expect((await client.request(method, path, body)).status, `${method} ${path}`).toBe(403);
    }
  });

  it('the platform operator gets 403: it manages tenants, never their patients', async () => {
    const root = await h.as('root-admin');
    expect((await root.get(`${HC}/patients`)).status).toBe(403);
    expect((await root.post(`${HC}/demo/provision`, { patients: 1, seed: 1 })).status).toBe(403);
    for (const [method, path, body] of patientRoutes(p.id)) {
      expect((await root.request(method, path, body)).status, `${method} ${path}`).toBe(403);
    }
  });

  it('without a session every route is 401', async () => {
    expect((await h.anonymous().get(`${HC}/patients`)).status).toBe(401);
    expect((await h.anonymous().get(`${HC}/patients/${p.id}`)).status).toBe(401);
  });

  it('a tenant-admin enrols patients and their devices but cannot record consent or read the board', async () => {
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const created = await enrol(admin, { consent: undefined, devices: ['pulse-oximeter', 'scale'] });
    expect(Object.keys(created.devices).sort()).toEqual(['home-hub', 'pulse-oximeter', 'scale']);
    await expect(enrol(admin)).rejects.toThrow(/403/);
    expect((await admin.get(`${HC}/patients`)).status).toBe(403);
    expect((await admin.get(`${HC}/patients/${created.id}`)).status).toBe(403);
    // Enrolled without consent: the clinician sees it, and the device is refused until consent.
    const consent = await op.get(`${HC}/patients/${created.id}/consent`);
    expect(consent.body.status).toBe('none');
    const ox = await Device.connect(h, 'tenant-a', created.devices['pulse-oximeter']!);
    await ox.send('telemetry', { ts: Date.now(), spo2: 97, heartRate: 70 });
    await eventually(() => ox.errors.some((e) => (e as { detail?: string }).detail === 'no-consent'), 'no-consent notice');
    await ox.close();
  });
});

describe('validation and settings', () => {
  it.each([
    ['a path id that is not a UUID', 'GET', `${HC}/patients/not-a-uuid`, undefined],
    ['an unknown body field', 'POST', `${HC}/patients/{id}/messages`, { text: 'hi', priority: 'high' }],
    ['an empty message', 'POST', `${HC}/patients/{id}/messages`, { text: '' }],
    ['an unknown scenario', 'POST', `${HC}/patients/{id}/simulate`, { scenario: 'earthquake' }],
    ['an unknown query parameter', 'GET', `${HC}/patients/{id}/vitals?sort=asc`, undefined],
    ['an unparseable time', 'GET', `${HC}/patients/{id}/news2?from=yesterday`, undefined],
    ['an empty settings patch', 'PATCH', `${HC}/patients/{id}/settings`, {}],
  ])('refuses %s with 400', async (_name, method, path, body) => {
    const res = await op.request(method, path.replace('{id}', p.id), body);
    expect(res.status).toBe(400);
    expect(res.contentType).toMatch(/problem\+json/);
  });

  it('a duplicate identifier is a conflict', async () => {
    const first = await op.get(`${HC}/patients/${p.id}`);
    const res = await op.post(`${HC}/patients`, {
      identifier: first.body.patient.identifier,
      givenName: 'Other',
      familyName: 'Synthetic',
      birthDate: '1960-01-01',
      sex: 'male',
    });
    expect(res.status).toBe(409);
  });

  it('switching a patient to SpO2 scale 2 is saved and audited', async () => {
    const res = await op.patch(`${HC}/patients/${p.id}/settings`, { scale: 2, thresholds: { weight: { high: 90 } } });
    expect(res.status).toBe(200);
    expect(res.body.settings).toMatchObject({ scale: 2, thresholds: { weight: { high: 90 } } });
    expect((await op.get(`${HC}/patients/${p.id}`)).body.summary.scale).toBe(2);
    const auditor = await h.as(h.tenants.a.users.auditor);
    const log = await auditor.get('/api/v1/audit?action=patient.scale.set');
    expect(log.body.items.at(-1)).toMatchObject({ action: 'patient.scale.set', target: `patient:${p.id}`, actor: 'user:tenant-a-operator' });
  });
});

describe('demo provisioning and scenarios', () => {
  it('a tenant-admin provisions a seeded fleet; scenarios go to demo hubs only', async () => {
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const res = await admin.post(`${HC}/demo/provision`, { patients: 3, seed: 11 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ tenantId: 'tenant-a', pilot: 'healthcare' });
    const profiles = res.body.extra.patients as { id: string; condition: string; scale: number; hubDeviceId: string; deviceIds: string[] }[];
    expect(profiles.map((x) => x.condition)).toEqual(['copd', 'heart-failure', 'diabetes']);
    expect(profiles.map((x) => x.scale)).toEqual([2, 1, 1]);
    expect(res.body.devices.length).toBe(profiles.reduce((n, x) => n + x.deviceIds.length, 0));
    expect(JSON.stringify(res.body.extra)).not.toMatch(/SYN-|givenName|familyName|birthDate/);

    const board = await op.get(`${HC}/patients`);
    for (const x of profiles) expect(board.body.items.find((i: { id: string }) => i.id === x.id)).toMatchObject({ consent: 'given' });

    const hubCreds = res.body.devices.find((d: { id: string }) => d.id === profiles[0]!.hubDeviceId);
    const hub = await Device.connect(h, 'tenant-a', hubCreds);
    const sim = await op.post(`${HC}/patients/${profiles[0]!.id}/simulate`, { scenario: 'deterioration' });
    expect(sim.status).toBe(202);
    const cmd = await eventually(() => hub.commands.find((c) => c.body.id === sim.body.id), 'simulate command at the hub');
    expect(cmd.body).toMatchObject({ name: 'simulate', params: { scenario: 'deterioration' } });
    await hub.close();

    expect((await op.post(`${HC}/patients/${p.id}/simulate`, { scenario: 'fall' })).status).toBe(409);
  });
});
