// The FHIR R4 read API on the real platform: bearer tokens and roles, OperationOutcome errors,
// searches with paging, audit of every read with ids only, isolation from a second healthcare
// tenant, and the resources validated against the HL7 vital-signs profiles (test/support/fhir-profiles.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthcarePilot } from '../../pilots/healthcare/index.ts';
import type { ApiClient, ApiResponse } from '../../validation/support/api-client.ts';
import { bootHarness, TEST_PASSWORD, type Harness } from '../../validation/support/harness.ts';
import { connectAll, enrol, HC, sendSet, type Device, type EnrolledPatient } from '../../validation/support/healthcare-steps.ts';
import { fhirProblems, loadFhirProfiles, vitalSignsRules } from '../support/fhir-profiles.ts';
import { asTenantId } from '../../platform/ids.ts';

const FHIR = '/fhir/R4';
const LOINC_HR = 'http://loinc.org|8867-4';
const T0 = Date.UTC(2025, 2, 10, 8, 0);
const MINUTE = 60_000;

let h: Harness;
let op: ApiClient;
let opB: ApiClient;
let admin: ApiClient;
let auditor: ApiClient;
let patient: EnrolledPatient;
let identifier: string;
let devices: Record<string, Device>;

const fhirGet = (c: ApiClient, path: string, headers: Record<string, string> = {}) => c.request('GET', path, undefined, headers);

function expectOutcome(res: ApiResponse, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.contentType).toMatch(/^application\/fhir\+json/);
  expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code }] });
}

/** Every page of a search, following the next links as a client would. */
async function allPages(c: ApiClient, first: string) {
  const pages = [];
  let url: string | undefined = first;
  while (url) {
    const res = await fhirGet(c, url.replace(h.url, ''));
    expect(res.status).toBe(200);
    pages.push(res.body);
    url = res.body.link.find((l: { relation: string }) => l.relation === 'next')?.url;
  }
  return pages;
}

beforeAll(async () => {
  // First: it blocks the event loop for seconds, which must not happen while sockets are open.
  loadFhirProfiles();
  h = await bootHarness({ pilots: [createHealthcarePilot()], tenantPilots: ['healthcare'] });
  op = await h.as(h.tenants.a.users.operator);
  opB = await h.as(h.tenants.b.users.operator);
  admin = await h.as(h.tenants.a.users['tenant-admin']);
  auditor = await h.as(h.tenants.a.users.auditor);
  identifier = `SYN-${String(Math.floor(Math.random() * 900_000) + 100_000)}`;
  patient = await enrol(op, { identifier });
  devices = await connectAll(h, 'tenant-a', patient);
  // Four observation sets a quarter of an hour apart: each stored before its PUBACK.
  for (let i = 0; i < 4; i++) await sendSet(devices, { rr: 16 + i, spo2: 97, sys: 124, hr: 70 + i, temp: 36.8 }, T0 + i * 15 * MINUTE);
}, 60_000);

afterAll(async () => {
  for (const d of Object.values(devices ?? {})) await d.close().catch(() => undefined);
  await h?.close();
});

describe('FHIR R4 read API: access', () => {
  it('answers only bearer-authenticated callers, with an OperationOutcome otherwise (ASVS 4.1.1)', async () => {
    expectOutcome(await fhirGet(h.anonymous(), `${FHIR}/metadata`), 401, 'login');
    expectOutcome(await fhirGet(h.anonymous(), `${FHIR}/Patient/${patient.id}`), 401, 'login');
    const res = await fhirGet(op, `${FHIR}/metadata`);
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^application\/fhir\+json/);
    expect(res.body).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', format: expect.arrayContaining(['application/fhir+json']) });
    expect(res.body.rest[0].resource.map((r: { type: string }) => r.type)).toEqual(['Patient', 'Observation', 'Device']);
  });

  it('reads resources only with the FHIR export permission: a tenant-admin or an auditor is refused (ASVS 4.1.3)', async () => {
    for (const c of [admin, auditor]) {
      expectOutcome(await fhirGet(c, `${FHIR}/Patient/${patient.id}`), 403, 'forbidden');
      expectOutcome(await fhirGet(c, `${FHIR}/Observation?patient=${patient.id}`), 403, 'forbidden');
    }
  });

  it('serves JSON only: another format is refused, unknown parameters and routes are OperationOutcomes (ASVS 5.1.3)', async () => {
    expectOutcome(await fhirGet(op, `${FHIR}/Patient/${patient.id}`, { accept: 'application/fhir+xml' }), 406, 'not-supported');
    expect((await fhirGet(op, `${FHIR}/Patient/${patient.id}`, { accept: 'application/fhir+json' })).status).toBe(200);
    expectOutcome(await fhirGet(op, `${FHIR}/Patient/${patient.id}?_format=xml`), 400, 'invalid');
    expectOutcome(await fhirGet(op, `${FHIR}/Observation?patient=${patient.id}&colour=red`), 400, 'invalid');
    expectOutcome(await fhirGet(op, `${FHIR}/Observation?code=${LOINC_HR}`), 400, 'invalid');
    expectOutcome(await fhirGet(op, `${FHIR}/Observation?patient=${patient.id}&date=yesterday`), 400, 'invalid');
    expectOutcome(await fhirGet(op, `${FHIR}/Patient`), 400, 'invalid');
    expectOutcome(await fhirGet(op, `${FHIR}/Encounter`), 404, 'not-found');
    expectOutcome(await fhirGet(op, `${FHIR}/Patient/00000000-0000-4000-8000-000000000000`), 404, 'not-found');
  });
});

describe('FHIR R4 read API: resources', () => {
  it('reads the Patient, and finds them by identifier with or without its system', async () => {
    const read = await fhirGet(op, `${FHIR}/Patient/${patient.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ resourceType: 'Patient', id: patient.id, identifier: [{ value: identifier }] });
    expect(fhirProblems(read.body)).toEqual([]);

    for (const q of [identifier, `https://custodia.example/fhir/NamingSystem/patient-identifier|${identifier}`]) {
      const res = await fhirGet(op, `${FHIR}/Patient?identifier=${encodeURIComponent(q)}`);
      expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ resource: { id: patient.id }, search: { mode: 'match' } }] });
      expect(res.body.entry[0].fullUrl).toBe(`${h.url}${FHIR}/Patient/${patient.id}`);
    }
    const otherSystem = await fhirGet(op, `${FHIR}/Patient?identifier=${encodeURIComponent(`urn:other|${identifier}`)}`);
    expect(otherSystem.body).toMatchObject({ total: 0, entry: [] });
  });

  it('reads a Device with its patient', async () => {
    const res = await fhirGet(op, `${FHIR}/Device/${patient.devices['pulse-oximeter']!.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'Device', id: patient.devices['pulse-oximeter']!.id, patient: { reference: `Patient/${patient.id}` } });
    expect(fhirProblems(res.body)).toEqual([]);
  });

  it('searches Observations by patient and code, paged with _count and next links that cover every match once', async () => {
    const first = await fhirGet(op, `${FHIR}/Observation?patient=Patient/${patient.id}&code=${encodeURIComponent(LOINC_HR)}&_count=3`);
    expect(first.status).toBe(200);
    // Heart rate comes from three devices in each of the four sets.
    expect(first.body.total).toBe(12);
    expect(first.body.entry).toHaveLength(3);
    const pages = await allPages(op, first.body.link.find((l: { relation: string }) => l.relation === 'self').url);
    expect(pages).toHaveLength(4);
    const ids = pages.flatMap((p) => p.entry.map((e: { resource: { id: string } }) => e.resource.id));
    expect(new Set(ids).size).toBe(12);
    const times = pages.flatMap((p) => p.entry.map((e: { resource: { effectiveDateTime: string } }) => e.resource.effectiveDateTime));
    expect([...times].sort()).toEqual(times);
    for (const p of pages) for (const e of p.entry) expect(e.resource.code.coding[0]).toMatchObject({ system: 'http://loinc.org', code: '8867-4' });
  });

  it('narrows by a date range with prefixes', async () => {
    const from = new Date(T0 + 10 * MINUTE).toISOString();
    const to = new Date(T0 + 35 * MINUTE).toISOString();
    const res = await fhirGet(op, `${FHIR}/Observation?subject=${patient.id}&code=${encodeURIComponent(LOINC_HR)}&date=ge${from}&date=le${to}`);
    expect(res.status).toBe(200);
    // The second and third sets only.
    expect(res.body.total).toBe(6);
    const times = new Set(res.body.entry.map((e: { resource: { effectiveDateTime: string } }) => e.resource.effectiveDateTime));
    expect(times).toEqual(new Set([new Date(T0 + 15 * MINUTE).toISOString(), new Date(T0 + 30 * MINUTE).toISOString()]));
  });

  it('every Observation validates against the base definition and the HL7 vital-signs profiles it claims', async () => {
    const pages = await allPages(op, `${h.url}${FHIR}/Observation?patient=${patient.id}&_count=100`);
    const observations = pages.flatMap((p) => p.entry.map((e: { resource: unknown }) => e.resource));
    const profiled = observations.filter((o) => o.meta?.profile?.length);
    // Vital signs of four sets (RR, SpO2, BP, HR ×3, temperature) at least, and the NEWS2 scores.
    expect(profiled.length).toBeGreaterThanOrEqual(4 * 7);
    const claimed = new Set(profiled.flatMap((o) => o.meta.profile));
    for (const p of ['vitalsigns', 'heartrate', 'resprate', 'oxygensat', 'bodytemp', 'bp']) expect(claimed).toContain(`http://hl7.org/fhir/StructureDefinition/${p}`);
    for (const o of observations) {
      expect([...fhirProblems(o), ...vitalSignsRules(o)], `${o.code.coding[0].code} ${o.id}`).toEqual([]);
    }
  });

  it('the validator is not a rubber stamp: a wrong LOINC code, a missing category, unit or BP component is caught', async () => {
    const res = await fhirGet(op, `${FHIR}/Observation?patient=${patient.id}&code=${encodeURIComponent(LOINC_HR)}&_count=1`);
    const hr = res.body.entry[0].resource;
    expect(fhirProblems({ ...hr, code: { coding: [{ system: 'http://loinc.org', code: '9279-1' }] } }).join()).toMatch(/HeartRateCode/);
    expect(fhirProblems({ ...hr, category: [] }).join()).toMatch(/VSCat|category/);
    expect(vitalSignsRules({ ...hr, valueQuantity: { ...hr.valueQuantity, code: 'bpm' } })).toEqual([expect.stringMatching(/unit bpm/)]);
    const bp = (await fhirGet(op, `${FHIR}/Observation?patient=${patient.id}&code=85354-9&_count=1`)).body.entry[0].resource;
    expect(vitalSignsRules(bp)).toEqual([]);
    expect(vitalSignsRules({ ...bp, component: [bp.component[0]] })).toEqual([expect.stringMatching(/0 components with LOINC 8462-4/)]);
  });
});

describe('FHIR R4 read API: accountability and isolation', () => {
  it('audits each read and search in the tenant chain with ids only (ASVS 8.3.5, 7.1.1)', async () => {
    await fhirGet(op, `${FHIR}/Patient/${patient.id}`);
    await fhirGet(op, `${FHIR}/Observation?patient=${patient.id}&_count=1`);
    await fhirGet(op, `${FHIR}/Device/${patient.devices['pulse-oximeter']!.id}`);
    const res = await auditor.get('/api/v1/audit?limit=1000');
    expect(res.status).toBe(200);
    const entries = res.body.items
      .filter((e: { action: string }) => e.action === 'fhir.read' || e.action === 'fhir.search')
      .map((e: { details: string }) => ({ ...e, details: JSON.parse(e.details) }));
    expect(entries.some((e: { action: string; target: string; details: { resource: string } }) => e.action === 'fhir.read' && e.target === `patient:${patient.id}` && e.details.resource === 'Patient')).toBe(true);
    expect(entries.some((e: { action: string; target: string; details: { resource: string } }) => e.action === 'fhir.search' && e.target === `patient:${patient.id}` && e.details.resource === 'Observation')).toBe(true);
    expect(entries.some((e: { target: string }) => e.target === `device:${patient.devices['pulse-oximeter']!.id}`)).toBe(true);
    // No name, identifier or value in any of them.
    const text = JSON.stringify(entries);
    for (const personal of ['Synthia', 'Testcase', identifier, '1947-07-21']) expect(text).not.toContain(personal);
  });

  it('a second healthcare tenant gets nothing of the first: reads 404, searches empty (ASVS 4.2.1)', async () => {
    expectOutcome(await fhirGet(opB, `${FHIR}/Patient/${patient.id}`), 404, 'not-found');
    expectOutcome(await fhirGet(opB, `${FHIR}/Device/${patient.devices['bp-cuff']!.id}`), 404, 'not-found');
    const byId = await fhirGet(opB, `${FHIR}/Patient?identifier=${identifier}`);
    expect(byId.body).toMatchObject({ resourceType: 'Bundle', total: 0, entry: [] });
    const obs = await fhirGet(opB, `${FHIR}/Observation?patient=${patient.id}`);
    expect(obs.body).toMatchObject({ resourceType: 'Bundle', total: 0, entry: [] });
  });

  it('a tenant that does not run the pilot and the platform operator get no FHIR data', async () => {
    const root = await h.as('root-admin');
    expectOutcome(await fhirGet(root, `${FHIR}/Patient/${patient.id}`), 403, 'forbidden');
    const s = h.platform.services;
    await s.tenants.create({ id: 'tenant-c', name: 'Test tenant-c', pilots: [] });
    await s.users.create({ username: 'tenant-c-operator', password: TEST_PASSWORD, role: 'operator', tenantId: asTenantId('tenant-c') });
    const opC = await h.as('tenant-c-operator');
    expectOutcome(await fhirGet(opC, `${FHIR}/metadata`), 404, 'not-found');
    expectOutcome(await fhirGet(opC, `${FHIR}/Patient/${patient.id}`), 404, 'not-found');
  });

  it('an erased patient is gone from the FHIR API as from the REST API', async () => {
    const other = await enrol(op);
    expect((await fhirGet(op, `${FHIR}/Patient/${other.id}`)).status).toBe(200);
    const erased = await op.post(`${HC}/patients/${other.id}/erase`, { confirm: other.id });
    expect(erased.status).toBe(200);
    expectOutcome(await fhirGet(op, `${FHIR}/Patient/${other.id}`), 404, 'not-found');
    expect((await op.get(`${HC}/patients/${other.id}`)).status).toBe(404);
  });
});

describe('FHIR export as a transaction', () => {
  it('answers a transaction Bundle of POST entries on request, a collection by default', async () => {
    const range = `from=${T0 - MINUTE}&to=${T0 + 60 * MINUTE}`;
    const collection = await op.get(`${HC}/patients/${patient.id}/fhir?${range}`);
    expect(collection.body.type).toBe('collection');
    const tx = await op.get(`${HC}/patients/${patient.id}/fhir?${range}&type=transaction`);
    expect(tx.status).toBe(200);
    expect(tx.contentType).toMatch(/^application\/fhir\+json/);
    expect(tx.body.type).toBe('transaction');
    expect(tx.body.entry.length).toBe(collection.body.entry.length);
    for (const e of tx.body.entry) expect(e.request).toMatchObject({ method: 'POST', url: e.resource.resourceType });
    expect(fhirProblems(tx.body)).toEqual([]);
    expect((await op.get(`${HC}/patients/${patient.id}/fhir?type=batch`)).status).toBe(400);
  });
});
