// Linking a registered device to a patient and unlinking it (POST/DELETE …/patients/:id/devices):
// a linked device's readings reach the patient's record, an unlinked one's are refused; a device
// is never moved between patients or tenants silently; every change is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthcarePilot } from '../../pilots/healthcare/index.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { Device, enrol, eventually, HC, type EnrolledPatient } from '../../validation/support/healthcare-steps.ts';

let h: Harness;
let op: ApiClient;
let admin: ApiClient;
let p: EnrolledPatient;
let other: EnrolledPatient;

async function register(client: ApiClient, id: string, kind: string) {
  const res = await client.post('/api/v1/devices', { id, kind });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id, kind, secret: res.body.secret as string };
}

beforeAll(async () => {
  h = await bootHarness({ pilots: [healthcarePilot], tenantPilots: ['healthcare'] });
  op = await h.as(h.tenants.a.users.operator);
  admin = await h.as(h.tenants.a.users['tenant-admin']);
  p = await enrol(op, { devices: ['pulse-oximeter'] });
  other = await enrol(op, { devices: ['pulse-oximeter'] });
});

afterAll(async () => {
  await h?.close();
});

describe('linking and unlinking devices', () => {
  it("a linked scale's readings reach the patient; unlinked, they are refused; both are audited", async () => {
    const scale = await register(admin, 'spare-scale-0001', 'scale');
    const link = await op.post(`${HC}/patients/${p.id}/devices`, { deviceId: scale.id });
    expect(link.status, JSON.stringify(link.body)).toBe(201);
    expect(link.body.deviceIds).toContain(scale.id);
    expect((await op.get(`${HC}/patients/${p.id}`)).body.patient.deviceIds).toContain(scale.id);

    const dev = await Device.connect(h, 'tenant-a', scale);
    await dev.send('telemetry', { ts: Date.now(), weight: 71.5 });
    await eventually(async () => (await op.get(`${HC}/patients/${p.id}/vitals?param=weight`)).body.series.weight?.length > 0, 'weight stored for the patient');

    const unlink = await op.request('DELETE', `${HC}/patients/${p.id}/devices/${scale.id}`);
    expect(unlink.status, JSON.stringify(unlink.body)).toBe(200);
    expect(unlink.body.deviceIds).not.toContain(scale.id);
    await dev.send('telemetry', { ts: Date.now(), weight: 72 });
    await eventually(() => dev.errors.some((e) => (e as { detail?: string }).detail === 'no-patient'), 'no-patient notice');
    await dev.close();

    const auditor = await h.as(h.tenants.a.users.auditor);
    const actions = (await auditor.get('/api/v1/audit?limit=500')).body.items.map((e: { action: string; target: string }) => `${e.action} ${e.target}`);
    expect(actions).toContain(`patient.device.link patient:${p.id}`);
    expect(actions).toContain(`patient.device.unlink patient:${p.id}`);
  });

  it("a device of another patient is not moved silently: 409, and it stays with its patient (ASVS 4.2.1)", async () => {
    const theirs = other.devices['pulse-oximeter']!.id;
    const res = await op.post(`${HC}/patients/${p.id}/devices`, { deviceId: theirs });
    expect(res.status).toBe(409);
    expect(res.contentType).toMatch(/problem\+json/);
    expect((await op.get(`${HC}/patients/${other.id}`)).body.patient.deviceIds).toContain(theirs);
    expect((await op.get(`${HC}/patients/${p.id}`)).body.patient.deviceIds).not.toContain(theirs);
  });

  it("another tenant's device is not found, whatever its id (ASVS 4.2.1)", async () => {
    const bAdmin = await h.as(h.tenants.b.users['tenant-admin']);
    const foreign = await register(bAdmin, 'foreign-scale-0001', 'scale');
    const res = await op.post(`${HC}/patients/${p.id}/devices`, { deviceId: foreign.id });
    expect(res.status).toBe(404);
    const bOp = await h.as(h.tenants.b.users.operator);
    expect((await bOp.request('DELETE', `${HC}/patients/${p.id}/devices/${p.devices['pulse-oximeter']!.id}`)).status).toBe(404);
  });

  it.each([
    ['the home hub', 'DELETE', () => `${HC}/patients/${p.id}/devices/${p.hubDeviceId}`, undefined, 400],
    ['a device not linked here', 'DELETE', () => `${HC}/patients/${p.id}/devices/${other.devices['pulse-oximeter']!.id}`, undefined, 404],
    ['an unknown body field', 'POST', () => `${HC}/patients/${p.id}/devices`, { deviceId: 'x-scale-1', force: true }, 400],
    ['a malformed device id', 'POST', () => `${HC}/patients/${p.id}/devices`, { deviceId: 'Not An Id' }, 400],
  ])('refuses %s', async (_name, method, path, body, status) => {
    const res = await op.request(method, path(), body);
    expect(res.status).toBe(status);
    expect(res.contentType).toMatch(/problem\+json/);
  });

  it('a spare home hub is not linked: each patient keeps the hub enrolled with them', async () => {
    const hub = await register(admin, 'spare-hub-0001', 'home-hub');
    const res = await op.post(`${HC}/patients/${p.id}/devices`, { deviceId: hub.id });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/cannot be linked/);
  });

  it.each(['auditor', 'evaluator'] as const)('a tenant %s may not link or unlink (ASVS 4.1.3)', async (role) => {
    const client = await h.as(h.tenants.a.users[role]);
    expect((await client.post(`${HC}/patients/${p.id}/devices`, { deviceId: 'spare-scale-0001' })).status).toBe(403);
    expect((await client.request('DELETE', `${HC}/patients/${p.id}/devices/${p.devices['pulse-oximeter']!.id}`)).status).toBe(403);
  });
});
