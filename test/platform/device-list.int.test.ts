// The tenant-admin's device list (GET /api/v1/devices): search, filters and paging with the total,
// online state and last seen from the live broker; never another tenant's devices.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthcarePilot } from '../../pilots/healthcare/index.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { eventually } from '../../validation/support/healthcare-steps.ts';
import { deviceCreds } from '../../validation/support/mqtt-probe.ts';

let h: Harness;
let admin: ApiClient;
const secrets = new Map<string, string>();

beforeAll(async () => {
  h = await bootHarness({ pilots: [healthcarePilot], tenantPilots: ['healthcare'] });
  admin = await h.as(h.tenants.a.users['tenant-admin']);
  for (let i = 1; i <= 7; i++) {
    const id = `ward-scale-${String(i).padStart(2, '0')}`;
    const res = await admin.post('/api/v1/devices', { id, kind: 'scale', label: i % 2 ? 'Ward east' : 'Ward west' });
    expect(res.status).toBe(201);
    secrets.set(id, res.body.secret);
  }
  await admin.post('/api/v1/devices/ward-scale-07/revoke');
});

afterAll(async () => {
  await h?.close();
});

describe('device list', () => {
  it('searches id and label, pages with the total, and filters by status', async () => {
    const page1 = await admin.get('/api/v1/devices?q=ward-scale&limit=3');
    expect(page1.status).toBe(200);
    expect(page1.body.total).toBe(7);
    expect(page1.body.items.map((d: { id: string }) => d.id)).toEqual(['ward-scale-01', 'ward-scale-02', 'ward-scale-03']);
    const page3 = await admin.get('/api/v1/devices?q=ward-scale&limit=3&offset=6');
    expect(page3.body.items.map((d: { id: string }) => d.id)).toEqual(['ward-scale-07']);
    const west = await admin.get('/api/v1/devices?q=WEST');
    expect(west.body.items.map((d: { id: string }) => d.id)).toEqual(['ward-scale-02', 'ward-scale-04', 'ward-scale-06']);
    const revoked = await admin.get('/api/v1/devices?status=revoked');
    expect(revoked.body.items.map((d: { id: string }) => d.id)).toEqual(['ward-scale-07']);
    expect(page1.body.items[0]).not.toHaveProperty('secretHash');
  });

  it('shows a connected device online with its last seen, and offline after it leaves', async () => {
    const id = 'ward-scale-03';
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${h.platform.mqttPort}`, { ...deviceCreds({ id, secret: secrets.get(id)!, tenantId: 'tenant-a' }), reconnectPeriod: 0 });
    const online = await eventually(async () => {
      const r = await admin.get('/api/v1/devices?online=true');
      return r.body.items.find((d: { id: string }) => d.id === id);
    }, 'device online');
    expect(online.lastSeen).toBeGreaterThan(Date.now() - 60_000);
    await c.endAsync(true);
    await eventually(async () => (await admin.get('/api/v1/devices?online=false&q=ward-scale-03')).body.total === 1, 'device offline');
  });

  it("never lists another tenant's devices, whatever the search (ASVS 4.2.1)", async () => {
    const other = await h.as(h.tenants.b.users['tenant-admin']);
    const res = await other.get('/api/v1/devices?q=ward-scale');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], total: 0 });
  });

  it.each(['limit=0', 'limit=1000', 'offset=-1', 'online=maybe', 'sort=id'])('refuses ?%s with 400', async (qs) => {
    const res = await admin.get(`/api/v1/devices?${qs}`);
    expect(res.status).toBe(400);
    expect(res.contentType).toMatch(/problem\+json/);
  });
});
