// Purpose-bound sharing (docs/architecture.md promise 5): data leaves a tenant only under an active
// agreement, for its purpose, category and operation, within its validity; audited in both chains.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { asTenantId } from '../../platform/ids.ts';
import { TEST_PASSWORD, bootHarness, type Harness } from '../../validation/support/harness.ts';
import { probePilot } from '../../validation/support/probe-pilot.ts';

let h: Harness;
let aAdmin: ApiClient;
let bAdmin: ApiClient;
let bOperator: ApiClient;
let aDpo: ApiClient;
let bDpo: ApiClient;

beforeAll(async () => {
  h = await bootHarness({ pilots: [probePilot], tenantPilots: ['probe'] });
  aAdmin = await h.as(h.tenants.a.users['tenant-admin']);
  bAdmin = await h.as(h.tenants.b.users['tenant-admin']);
  bOperator = await h.as(h.tenants.b.users.operator);
  aDpo = await h.as(h.tenants.a.users.dpo);
  bDpo = await h.as(h.tenants.b.users.dpo);
  await aAdmin.post('/api/v1/devices', { id: 'share-1', kind: 'probe-sensor' });
  await aAdmin.post('/api/v1/devices', { id: 'share-2', kind: 'probe-sensor' });
  await runInTenant(systemContext('test', asTenantId('tenant-a')), async () => {
    const pts = (dev: string, n: number) => Array.from({ length: n }, (_, i) => ({ series: dev, id: `${dev}-${i}`, ts: 1_700_000_000_000 + i, subject: null, data: { value: 10 } }));
    await h.platform.services.series.append([...pts('share-1', 6), ...pts('share-2', 2)]);
  });
});
afterAll(async () => {
  await h?.close();
});

it('shared data flows only under an active agreement, for its purpose, and small groups are suppressed', async () => {
  const now = Date.now();
  const proposed = await aAdmin.post('/api/v1/agreements', {
    consumerTenant: 'tenant-b',
    title: 'probe statistics',
    purpose: 'research',
    categories: ['probe.values'],
    operations: ['aggregate'],
    obligations: { aggregationOnly: true, minGroupSize: 5, retentionDays: 7, requireConsent: true },
    validFrom: now - 1000,
    validUntil: now + 3_600_000,
  });
  expect(proposed.status).toBe(201);
  const id = proposed.body.id as string;
  const url = `/api/v1/sharing/${id}/probe.values?purpose=research`;

  expect((await bOperator.get(url)).body.detail).toMatch(/not-active/);
  expect((await bAdmin.post(`/api/v1/agreements/${id}/sign`)).status).toBe(403); // the admin does not sign
  expect((await aDpo.post(`/api/v1/agreements/${id}/sign`)).body.status).toBe('proposed'); // one party is not enough
  expect((await bOperator.get(url)).body.detail).toMatch(/not-active/);
  expect((await bDpo.post(`/api/v1/agreements/${id}/sign`)).body.status).toBe('active');

  const ok = await bOperator.get(url);
  expect(ok.status).toBe(200);
  expect(ok.body.rows).toEqual([{ device: 'share-1', mean: 10, subjects: 6 }]);
  expect(ok.body.suppressed).toBe(1);
  expect(ok.body.obligations.retentionDays).toBe(7);

  expect((await bOperator.get(`/api/v1/sharing/${id}/probe.values?purpose=public-statistics`)).body.detail).toMatch(/purpose/);
  expect((await bOperator.get(`/api/v1/sharing/${id}/probe.values?purpose=research&operation=read`)).body.detail).toMatch(/operation/);
  // the provider's own operator is not the consumer
  expect((await (await h.as(h.tenants.a.users.operator)).get(url)).status).toBe(403);
  // an evaluator of the consumer has no sharing permission
  expect((await (await h.as(h.tenants.b.users.evaluator)).get(url)).status).toBe(403);

  expect((await aAdmin.post(`/api/v1/agreements/${id}/revoke`)).status).toBe(403); // revocation is signed by a signer
  expect((await aDpo.post(`/api/v1/agreements/${id}/revoke`)).body.status).toBe('revoked');
  expect((await bOperator.get(url)).status).toBe(403);

  // Each party sees the usage from its own chain, newest first: the one allowed request with the
  // rows that left, and the refused ones (two before activation, purpose, operation, one after
  // revocation); the provider's chain also holds its own operator's attempt, recorded once.
  const expected = {
    a: ['not-active', 'not-a-party', 'operation', 'purpose', 'allowed', 'not-active', 'not-active'],
    b: ['not-active', 'operation', 'purpose', 'allowed', 'not-active', 'not-active'],
  };
  for (const [tenant, client] of [['a', aAdmin], ['b', bDpo]] as const) {
    const usage = await client.get(`/api/v1/agreements/${id}/usage`);
    expect(usage.status, tenant).toBe(200);
    const requests = expected[tenant].length;
    expect(usage.body, tenant).toMatchObject({ agreementId: id, requests, allowed: 1, refused: requests - 1, rows: 1 });
    expect(usage.body.byCategory, tenant).toEqual([{ category: 'probe.values', requests, allowed: 1, rows: 1 }]);
    expect(usage.body.recent.map((r: { reason?: string }) => r.reason ?? 'allowed'), tenant).toEqual(expected[tenant]);
  }
  // A tenant that is not a party learns nothing, not even that the agreement exists (ASVS 4.2.1).
  const outsider = await bootOutsider();
  expect((await outsider.get(`/api/v1/agreements/${id}/usage`)).status).toBe(404);
  // An operator has no agreement permission.
  expect((await bOperator.get(`/api/v1/agreements/${id}/usage`)).status).toBe(403);

  for (const [tenant, auditor] of [['a', h.tenants.a.users.auditor], ['b', h.tenants.b.users.auditor]] as const) {
    const log = await (await h.as(auditor)).get('/api/v1/audit?action=sharing.access&limit=100');
    const outcomes = log.body.items.map((e: { outcome: string }) => e.outcome);
    expect(outcomes, tenant).toContain('success');
    expect(outcomes, tenant).toContain('denied');
  }
});

it('a hostile agreement (consent off, groups of one, record reads) on personal data still yields only aggregates of groups ≥ 5 without text or identifiers (ASVS 8.3.4, 1.8.1; ETSI 6-2, 6-4)', async () => {
  const now = Date.now();
  const proposed = await aAdmin.post('/api/v1/agreements', {
    consumerTenant: 'tenant-b',
    title: 'everything, please',
    purpose: 'research',
    categories: ['probe.people'],
    operations: ['aggregate', 'read'],
    obligations: { aggregationOnly: false, minGroupSize: 1, retentionDays: 3650, requireConsent: false },
    validFrom: now - 1000,
    validUntil: now + 3_600_000,
  });
  expect(proposed.status).toBe(201);
  const id = proposed.body.id as string;
  await aDpo.post(`/api/v1/agreements/${id}/sign`);
  expect((await bDpo.post(`/api/v1/agreements/${id}/sign`)).body.status).toBe('active');

  // Record-level reads of personal data are refused whatever the agreement allows.
  const read = await bOperator.get(`/api/v1/sharing/${id}/probe.people?purpose=research&operation=read`);
  expect(read.status).toBe(403);
  expect(read.body.detail).toMatch(/operation/);

  const shared = await bOperator.get(`/api/v1/sharing/${id}/probe.people?purpose=research`);
  expect(shared.status).toBe(200);
  expect(shared.body.rows).toEqual([{ group: 'north', subjects: 7, mean: 12.5 }]);
  expect(shared.body.subjects).toBe(7);
  expect(shared.body.suppressed).toBe(4);
  expect(shared.body.obligations).toMatchObject({ aggregationOnly: true, requireConsent: true, minGroupSize: 5 });
  const text = JSON.stringify(shared.body);
  for (const leak of ['Elm Street', 'Example Person', 'person-1', '3f2504e0']) expect(text).not.toContain(leak);
});

it('a proposal offers the data categories of the pilots the tenant runs, to its administrator only', async () => {
  const categories = await aAdmin.get('/api/v1/sharing/categories');
  expect(categories.status).toBe(200);
  expect(categories.body.items.map((c: { category: string }) => c.category).sort()).toEqual(['probe.people', 'probe.values']);
  expect((await aDpo.get('/api/v1/sharing/categories')).status).toBe(403);
  // A tenant without the probe pilot has nothing of it to offer.
  expect((await (await bootOutsider()).get('/api/v1/sharing/categories')).body.items).toEqual([]);
});

/** An administrator of a third tenant, party to nothing. */
async function bootOutsider(): Promise<ApiClient> {
  const s = h.platform.services;
  if (!(await s.tenants.get('tenant-c'))) {
    await s.tenants.create({ id: 'tenant-c', name: 'Test tenant-c', pilots: [] });
    await s.users.create({ username: 'tenant-c-admin', password: TEST_PASSWORD, role: 'tenant-admin', tenantId: asTenantId('tenant-c') });
  }
  return h.as('tenant-c-admin');
}
