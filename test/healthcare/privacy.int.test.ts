// The healthcare pilot's privacy promises on the real platform: consent gates storage, the FHIR
// export is well-formed, reads are audited, erasure shreds, and no plaintext reaches the disk.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthcarePilot } from '../../pilots/healthcare/index.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { scanDir } from '../../validation/support/scan.ts';
import { connectAll, enrol, eventually, HC, sendSet, type EnrolledPatient, type Device } from '../../validation/support/healthcare-steps.ts';

// Synthetic and deliberately unusual, so a raw byte scan cannot match them by chance.
const GIVEN = 'Quillonia';
const FAMILY = 'Zephyrfield-Oktavec';
const IDENTIFIER = 'SYN-873164';
const TEMPERATURE = 38.37;
const MESSAGE = 'Xylograph reminder 5521';

let h: Harness;
let op: ApiClient;
let dataDir = '';
let p: EnrolledPatient;
let devs: Record<string, Device>;

const inA = <T>(fn: () => Promise<T>) => runInTenant(systemContext('test', asTenantId('tenant-a')), fn);
const storedPoints = (deviceId: string) => inA(() => h.platform.services.series.count(deviceId));

beforeAll(async () => {
  h = await bootHarness({ pilots: [createHealthcarePilot()], tenantPilots: ['healthcare'] });
  dataDir = h.config.dataDir;
  op = await h.as(h.tenants.a.users.operator);
  p = await enrol(op, {
    identifier: IDENTIFIER,
    givenName: GIVEN,
    familyName: FAMILY,
    address: { line: ['12 Synthetic Row'], city: 'Fictonia', postalCode: 'ZZ9 9ZZ', country: 'GB' },
    conditions: ['copd'],
    settings: { scale: 2, monitoringMinutes: 30 },
  });
  devs = await connectAll(h, 'tenant-a', p);
  await sendSet(devs, { rr: 22, spo2: 89, sys: 118, hr: 96, temp: TEMPERATURE }, Date.now() - 60_000);
});

afterAll(async () => {
  for (const d of Object.values(devs ?? {})) await d.close().catch(() => undefined);
  await h?.close({ keepData: true });
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('consent', () => {
  it('withdrawal stops storage and tells the device; giving it again resumes', async () => {
    const ox = devs['pulse-oximeter']!;
    const before = await storedPoints(ox.id);
    expect(before).toBe(1);

    const withdrawn = await op.post(`${HC}/patients/${p.id}/consent`, { status: 'withdrawn', note: 'patient request' });
    expect(withdrawn.status).toBe(201);
    expect(withdrawn.body.status).toBe('withdrawn');
    await ox.send('telemetry', { ts: Date.now(), spo2: 90, heartRate: 90 }); // acknowledged, not stored
    const notice = await eventually(() => ox.errors.find((e) => (e as { detail?: string }).detail === 'no-consent'), 'refusal notice');
    expect(notice).toMatchObject({ reason: 'refused', topic: 'telemetry' });
    expect(await storedPoints(ox.id)).toBe(before);

    await op.post(`${HC}/patients/${p.id}/consent`, { status: 'given', note: 'consent renewed' });
    await ox.send('telemetry', { ts: Date.now(), spo2: 90, heartRate: 90 });
    expect(await storedPoints(ox.id)).toBe(before + 1);

    const history = await op.get(`${HC}/patients/${p.id}/consent`);
    expect(history.body.status).toBe('given');
    expect(history.body.history.map((e: { status: string }) => e.status)).toEqual(['given', 'withdrawn', 'given']);
    expect(history.body.history[1]).toMatchObject({ recordedBy: 'user:tenant-a-operator', note: 'patient request' });
  });
});

describe('FHIR export', () => {
  it('is a Bundle of the patient, devices, LOINC/UCUM vital signs and NEWS2 scores', async () => {
    const res = await op.get(`${HC}/patients/${p.id}/fhir`);
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^application\/fhir\+json/);
    const bundle = res.body;
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    expect(typeof bundle.id).toBe('string');
    expect(bundle.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const resources = bundle.entry.map((e: { resource: { resourceType: string } }) => e.resource);
    const patient = resources.find((r: { resourceType: string }) => r.resourceType === 'Patient');
    expect(patient).toMatchObject({
      id: p.id,
      identifier: [{ value: IDENTIFIER }],
      name: [{ family: FAMILY, given: [GIVEN] }],
      gender: 'female',
      birthDate: '1947-07-21',
    });
    const patientUrl = bundle.entry.find((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Patient').fullUrl;
    expect(resources.filter((r: { resourceType: string }) => r.resourceType === 'Device')).toHaveLength(5);

    const observations = resources.filter((r: { resourceType: string }) => r.resourceType === 'Observation');
    const byCode = new Map<string, any>(observations.map((o: any) => [o.code.coding[0].code, o]));
    const expected: [string, string, number | null][] = [
      ['8867-4', '/min', null], // heart rate, from three devices (checked below)
      ['9279-1', '/min', 22], // respiratory rate
      ['2708-6', '%', null], // SpO2 (checked below)
      ['8310-5', 'Cel', TEMPERATURE], // body temperature
      ['85354-9', 'mm[Hg]', null], // BP panel: values in components
    ];
    for (const [code, unit, value] of expected) {
      const o = byCode.get(code);
      expect(o, `observation ${code}`).toBeDefined();
      expect(o.code.coding[0].system).toBe('http://loinc.org');
      expect(o.status).toBe('final');
      expect(o.category[0].coding[0]).toMatchObject({ code: 'vital-signs' });
      expect(o.subject.reference).toBe(patientUrl);
      expect(o.effectiveDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      const q = o.valueQuantity ?? o.component[0].valueQuantity;
      expect(q).toMatchObject({ system: 'http://unitsofmeasure.org', code: unit });
      if (value !== null) expect(o.valueQuantity.value).toBe(value);
    }
    const pulses = observations.filter((o: any) => o.code.coding[0].code === '8867-4').map((o: any) => o.valueQuantity.value);
    expect(pulses.sort()).toEqual([90, 96, 96, 96]);
    // The reading sent while consent was withdrawn is not there: 89 before, 90 after renewal.
    const spo2 = observations.filter((o: any) => o.code.coding[0].code === '2708-6').map((o: any) => o.valueQuantity.value);
    expect(spo2).toEqual([89, 90]);
    expect(byCode.get('85354-9').component.map((c: any) => c.code.coding[0].code)).toEqual(['8480-6', '8462-4']);
    const score = byCode.get('news2');
    expect(score).toMatchObject({ category: [{ coding: [{ code: 'survey' }] }], valueQuantity: { code: '{score}' } });
    // Scale 2 (COPD): SpO2 89 % scores 0; RR 22 → 2, pulse 96 → 1, 38.37 °C → 1: total 4.
    const complete = observations.filter((o: any) => o.code.coding[0].code === 'news2' && o.status === 'final');
    expect(complete.map((o: any) => o.valueQuantity.value)).toContain(4);
  });

  it('every read of personal data is in the audit chain, by id only', async () => {
    await op.get(`${HC}/patients/${p.id}`);
    await op.get(`${HC}/patients/${p.id}/vitals`);
    await op.get(`${HC}/patients`);
    const auditor = await h.as(h.tenants.a.users.auditor);
    const log = await auditor.get('/api/v1/audit?limit=1000');
    expect(log.status).toBe(200);
    const actions = log.body.items.map((e: { action: string }) => e.action);
    for (const a of ['patient.create', 'consent.give', 'consent.withdraw', 'fhir.export', 'patient.read', 'vitals.read', 'patient.list', 'consent.read']) {
      expect(actions, a).toContain(a);
    }
    const text = JSON.stringify(log.body.items);
    expect(text).toContain(`patient:${p.id}`);
    for (const secret of [GIVEN, FAMILY, IDENTIFIER, String(TEMPERATURE), 'Fictonia']) expect(text).not.toContain(secret);
  });
});

describe('erasure', () => {
  it('needs the clinician and a confirmation naming the patient', async () => {
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    expect((await admin.post(`${HC}/patients/${p.id}/erase`, { confirm: p.id })).status).toBe(403);
    expect((await op.post(`${HC}/patients/${p.id}/erase`, {})).status).toBe(400);
    expect((await op.post(`${HC}/patients/${p.id}/erase`, { confirm: crypto.randomUUID() })).status).toBe(400);
    expect((await op.get(`${HC}/patients/${p.id}`)).status).toBe(200);
  });

  it('shreds the key: readings become unreadable, the patient is gone, devices are refused', async () => {
    const msg = await op.post(`${HC}/patients/${p.id}/messages`, { text: MESSAGE });
    expect(msg.status).toBe(201);
    const ox = devs['pulse-oximeter']!;
    expect((await inA(() => h.platform.services.series.range(ox.id))).length).toBeGreaterThan(0);

    const res = await op.post(`${HC}/patients/${p.id}/erase`, { confirm: p.id });
    expect(res.status).toBe(200);
    expect(res.body.devicesDetached).toHaveLength(5);

    expect((await op.get(`${HC}/patients/${p.id}`)).status).toBe(404);
    expect((await op.get(`${HC}/patients/${p.id}/fhir`)).status).toBe(404);
    expect((await op.get(`${HC}/patients`)).body.items.map((i: { id: string }) => i.id)).not.toContain(p.id);
    // The sealed points are still stored, and no one can open them any more.
    expect(await storedPoints(ox.id)).toBeGreaterThan(0);
    expect(await inA(() => h.platform.services.series.range(ox.id))).toEqual([]);
    expect(await inA(() => h.platform.services.keyring.isErased('tenant-a', p.id))).toBe(true);

    const count = await storedPoints(ox.id);
    await ox.send('telemetry', { ts: Date.now(), spo2: 95, heartRate: 70 });
    await eventually(() => ox.errors.some((e) => (e as { detail?: string }).detail === 'no-patient'), 'no-patient notice');
    expect(await storedPoints(ox.id)).toBe(count);
  });

  it('after closing, a raw scan of the data directory finds no name, identifier, address, value or message', async () => {
    for (const d of Object.values(devs)) await d.close();
    devs = {};
    await h.platform.stop();
    const hits = scanDir(dataDir, [GIVEN, FAMILY, IDENTIFIER, 'Fictonia', '12 Synthetic Row', String(TEMPERATURE), MESSAGE]);
    expect(hits).toEqual([]);
    // The scan reads the right bytes: ids are stored in clear.
    expect(scanDir(dataDir, [p.hubDeviceId]).length).toBeGreaterThan(0);
  });
});
