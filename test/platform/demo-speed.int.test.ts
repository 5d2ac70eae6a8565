// The demo speed from the dashboard's API (platform/api/routes/demo.ts): the demo tenants read it,
// their operators change it (audited), the simulators are told; other tenants and roles are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRoutes } from '../../platform/api/routes/demo.ts';
import { ensureDemoAccounts } from '../../platform/demo.ts';
import { createDemoSpeed } from '../../platform/demo-speed.ts';
import { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';

let h: Harness;
const speed = createDemoSpeed(1);
const told: number[] = [];
const passwords = new Map<string, string>();
const as = (username: string) => new ApiClient(h.url).login(username, passwords.get(username)!);

beforeAll(async () => {
  h = await bootHarness({ routers: (s) => [demoRoutes(s, speed)] });
  for (const a of (await ensureDemoAccounts(h.platform.services)).created) passwords.set(a.username, a.password);
  speed.attach(async (n) => void told.push(n));
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('demo speed', () => {
  it('a demo operator reads it and changes it; the simulators are told and the change is audited', async () => {
    const op = await as('care-operator');
    const before = await op.get('/api/v1/demo/speed');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ speed: 1, deteriorationMs: 30 * 60_000, simulators: true });
    const res = await op.request('PUT', '/api/v1/demo/speed', { speed: 60 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.speed).toBe(60);
    expect(res.body.changes.map((c: { speed: number }) => c.speed)).toEqual([1, 60]);
    expect(told).toEqual([60]);
    const auditor = await as('care-auditor');
    const log = await auditor.get('/api/v1/audit?action=demo.speed');
    expect(JSON.stringify(log.body)).toContain('demo.speed');
  });

  it('refuses a speed out of bounds with a problem document, and changes nothing', async () => {
    const op = await as('city-operator');
    for (const bad of [0, -1, 1001, '60']) {
      const res = await op.request('PUT', '/api/v1/demo/speed', { speed: bad });
      expect(res.status).toBe(400);
      expect(res.contentType).toContain('application/problem+json');
    }
    expect((await op.get('/api/v1/demo/speed')).body.speed).toBe(60);
  });

  it('only operators change it, and tenants other than the demo\'s get 403 (ASVS 4.1.3)', async () => {
    const auditor = await as('care-auditor');
    expect((await auditor.request('PUT', '/api/v1/demo/speed', { speed: 2 })).status).toBe(403);
    const other = await h.as(h.tenants.a.users.operator);
    expect((await other.get('/api/v1/demo/speed')).status).toBe(403);
    expect((await other.request('PUT', '/api/v1/demo/speed', { speed: 2 })).status).toBe(403);
    expect(told).toEqual([60]);
  });
});
