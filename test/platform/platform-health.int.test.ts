// The platform health page's data (GET /api/v1/platform/health): readiness, the store, and this
// node's broker and ingest figures after real readings over MQTT; platform operator only, with no
// tenant named in the answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthcarePilot } from '../../pilots/healthcare/index.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { connectAll, enrol, eventually, sendSet } from '../../validation/support/healthcare-steps.ts';

let h: Harness;

beforeAll(async () => {
  h = await bootHarness({ pilots: [healthcarePilot], tenantPilots: ['healthcare'] });
});

afterAll(async () => {
  await h?.close();
});

describe('platform health', () => {
  it('shows readiness, the store, connections and commit times once readings flow', async () => {
    const op = await h.as(h.tenants.a.users.operator);
    const p = await enrol(op);
    const devices = await connectAll(h, 'tenant-a', p);
    await sendSet(devices, { rr: 16, spo2: 97, hr: 70, sys: 125, temp: 36.8 }, Date.now());
    const root = await h.as('root-admin');
    const body = await eventually(async () => {
      const res = await root.get('/api/v1/platform/health');
      expect(res.status).toBe(200);
      return res.body.ingest.commit.count > 0 ? res.body : undefined;
    }, 'a group commit counted');
    expect(body).toMatchObject({ ready: true, parts: { storage: true, broker: true }, store: { kind: 'sqlite' } });
    expect(body.mqtt.connected).toBeGreaterThanOrEqual(Object.keys(devices).length);
    expect(body.mqtt.accepted).toBeGreaterThanOrEqual(5);
    expect(body.ingest.commit.meanMs).toBeGreaterThan(0);
    expect(body.ingest.commit.p95Ms).not.toBeNull();
    expect(JSON.stringify(body)).not.toContain('tenant-a');
    for (const d of Object.values(devices)) await d.close();
  });

  it.each(['tenant-admin', 'operator', 'auditor'] as const)('a tenant %s is refused (ASVS 4.1.3)', async (role) => {
    const client = await h.as(h.tenants.a.users[role]);
    expect((await client.get('/api/v1/platform/health')).status).toBe(403);
  });

  it('without a session it is 401', async () => {
    expect((await h.anonymous().get('/api/v1/platform/health')).status).toBe(401);
  });
});
