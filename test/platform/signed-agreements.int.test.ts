// Signed, purpose-bound agreements (docs/security.md "Signed agreements"): only the parties' data
// protection officers sign, each with their own key; the platform countersigns enforcement; a
// stored document that no longer matches its signatures shares nothing; a change is a new
// version signed again; the export verifies offline.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyAgreement, type AgreementExport } from '../../platform/policy/agreement-document.ts';
import type { Agreement } from '../../platform/policy/agreements.ts';
import { PLATFORM_SCOPE } from '../../platform/storage/port.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { probePilot } from '../../validation/support/probe-pilot.ts';

let h: Harness;
let aAdmin: ApiClient;
let aDpo: ApiClient;
let bDpo: ApiClient;
let bOperator: ApiClient;
let bAuditor: ApiClient;

beforeAll(async () => {
  h = await bootHarness({ pilots: [probePilot], tenantPilots: ['probe'] });
  aAdmin = await h.as(h.tenants.a.users['tenant-admin']);
  aDpo = await h.as(h.tenants.a.users.dpo);
  bDpo = await h.as(h.tenants.b.users.dpo);
  bOperator = await h.as(h.tenants.b.users.operator);
  bAuditor = await h.as(h.tenants.b.users.auditor);
  await aAdmin.post('/api/v1/devices', { id: 'sig-1', kind: 'probe-sensor' });
  await aAdmin.post('/api/v1/devices', { id: 'sig-2', kind: 'probe-sensor' });
  await runInTenant(systemContext('test', asTenantId('tenant-a')), async () => {
    const pts = (dev: string, n: number) => Array.from({ length: n }, (_, i) => ({ series: dev, id: `${dev}-${i}`, ts: 1_700_000_000_000 + i, subject: null, data: { value: 10 } }));
    await h.platform.services.series.append([...pts('sig-1', 6), ...pts('sig-2', 2)]);
  });
});
afterAll(async () => {
  await h?.close();
});

const terms = (over: Record<string, unknown> = {}) => {
  const now = Date.now();
  return { consumerTenant: 'tenant-b', title: 'probe statistics', purpose: 'research', categories: ['probe.values'], operations: ['aggregate'], obligations: { aggregationOnly: true, minGroupSize: 5, retentionDays: 7, requireConsent: true }, validFrom: now - 1000, validUntil: now + 3_600_000, ...over };
};

async function proposeAndSign(): Promise<string> {
  const proposed = await aAdmin.post('/api/v1/agreements', terms());
  expect(proposed.status).toBe(201);
  const id = proposed.body.id as string;
  expect((await aDpo.post(`/api/v1/agreements/${id}/sign`)).status).toBe(200);
  expect((await bDpo.post(`/api/v1/agreements/${id}/sign`)).body.status).toBe('active');
  return id;
}
const share = (id: string) => bOperator.get(`/api/v1/sharing/${id}/probe.values?purpose=research`);

it('an agreement signed by a role without the signing permission is refused, and shares nothing (ASVS 4.1.3, 1.4.1; GDPR art. 28(3))', async () => {
  const proposed = await aAdmin.post('/api/v1/agreements', terms());
  const id = proposed.body.id as string;
  for (const who of [aAdmin, bOperator, bAuditor, await h.as(h.tenants.b.users['tenant-admin'])]) {
    const refused = await who.post(`/api/v1/agreements/${id}/sign`);
    expect(refused.status).toBe(403);
    expect(refused.contentType).toContain('application/problem+json');
    expect(refused.body.detail).toMatch(/agreements:sign/);
  }
  const list = await aAdmin.get('/api/v1/agreements');
  const a = list.body.items.find((x: Agreement) => x.id === id) as Agreement;
  expect(a.status).toBe('proposed');
  expect(a.signatures).toEqual([]);
  expect((await share(id)).status).toBe(403);
  // Nor can one party sign twice to make up for the other.
  expect((await aDpo.post(`/api/v1/agreements/${id}/sign`)).status).toBe(200);
  expect((await aDpo.post(`/api/v1/agreements/${id}/sign`)).status).toBe(409);
  expect((await share(id)).body.detail).toMatch(/not-active/);
});

it('the export of a signed agreement verifies with public keys only, and the directory publishes the signers (GDPR art. 5(2))', async () => {
  const id = await proposeAndSign();
  const exp = (await aDpo.get(`/api/v1/agreements/${id}/export`)).body as AgreementExport;
  expect(verifyAgreement(exp)).toMatchObject({ valid: true, inForce: true });
  expect(exp.signatures.map((s) => [s.party, s.signer])).toEqual([['provider', 'user:tenant-a-dpo'], ['consumer', 'user:tenant-b-dpo']]);
  // The countersigning key is the platform's published audit signing key.
  expect(exp.platformKey.pem).toBe(h.platform.services.identityKey.publicKeyPem);
  const dir = (await bAuditor.get('/api/v1/signers')).body.items as { keyId: string; signer: string }[];
  expect(dir.map((d) => d.signer)).toEqual(['user:tenant-b-dpo']);
  expect(exp.publicKeys[dir[0]!.keyId]).toMatchObject({ tenant: 'tenant-b', signer: 'user:tenant-b-dpo' });
  expect(JSON.stringify(dir)).not.toMatch(/PRIVATE/);

  const log = await bAuditor.get('/api/v1/audit?limit=100');
  const actions = log.body.items.filter((e: { target: string }) => e.target === `agreement:${id}`).map((e: { action: string }) => e.action);
  expect(actions).toEqual(expect.arrayContaining(['agreement.propose', 'agreement.sign', 'agreement.enforce']));
});

it('a stored agreement changed behind the signatures shares nothing (ASVS 1.4.1; GDPR art. 28(3))', async () => {
  const id = await proposeAndSign();
  expect((await share(id)).body.rows).toEqual([{ device: 'sig-1', mean: 10, subjects: 6 }]);

  // Someone with write access to the store lowers the group size the parties signed.
  const records = await h.platform.services.scopes.records(PLATFORM_SCOPE);
  const stored = (await records.get<Agreement>('agreement', id))!;
  await records.put('agreement', id, { ...stored.data, obligations: { ...stored.data.obligations, minGroupSize: 1 } }, { tags: stored.tags });

  const refused = await share(id);
  expect(refused.status).toBe(403);
  expect(refused.body.detail).toMatch(/signature/);
  const exp = (await aDpo.get(`/api/v1/agreements/${id}/export`)).body as AgreementExport;
  expect(verifyAgreement(exp).valid).toBe(false);
});

it('new terms are a new version: sharing stops until both signers sign it, and revocation is signed (GDPR art. 28(3))', async () => {
  const id = await proposeAndSign();
  const amended = await aAdmin.post(`/api/v1/agreements/${id}/amend`, terms({ obligations: { aggregationOnly: true, minGroupSize: 6, retentionDays: 7, requireConsent: true } }));
  expect(amended.status).toBe(200);
  expect(amended.body).toMatchObject({ version: 2, status: 'proposed', signatures: [] });
  expect(amended.body.history).toEqual([expect.objectContaining({ version: 1 })]);
  expect((await share(id)).body.detail).toMatch(/not-active/);
  expect((await aDpo.post(`/api/v1/agreements/${id}/sign`)).status).toBe(200);
  expect((await bDpo.post(`/api/v1/agreements/${id}/sign`)).body).toMatchObject({ status: 'active', version: 2 });
  expect((await share(id)).status).toBe(200);

  expect((await aAdmin.post(`/api/v1/agreements/${id}/revoke`)).status).toBe(403);
  const revoked = await bDpo.post(`/api/v1/agreements/${id}/revoke`);
  expect(revoked.body.status).toBe('revoked');
  expect((await share(id)).status).toBe(403);
  const exp = (await aDpo.get(`/api/v1/agreements/${id}/export`)).body as AgreementExport;
  expect(verifyAgreement(exp)).toMatchObject({ valid: true, inForce: false, revoked: true });
  expect(exp.revocation).toMatchObject({ party: 'consumer', signer: 'user:tenant-b-dpo' });
});

it('records of processing list purposes, categories, recipients, retention, region and the agreement versions in force, as JSON and escaped HTML (GDPR art. 30; ASVS 5.3.3)', async () => {
  const id = await proposeAndSign();
  const json = await aAdmin.get('/api/v1/processing-records');
  expect(json.status).toBe(200);
  expect(json.body).toMatchObject({ format: 'custodia.records-of-processing/v1', controller: { tenant: 'tenant-a' }, storage: { region: 'eu-west', location: 'default location' } });
  const probe = json.body.activities.find((a: { pilot: string }) => a.pilot === 'probe');
  expect(probe.recipients).toEqual(['tenant-b']);
  expect(probe.purposes).toContain('research (shared under agreement)');
  expect(probe.dataCategories.map((c: { category: string }) => c.category)).toContain('probe.values');
  const inForce = json.body.agreementsInForce.find((a: { id: string }) => a.id === id);
  expect(inForce).toMatchObject({ version: 1, direction: 'provides', recipient: 'tenant-b', recipientDeleteAfterDays: 7 });
  expect(inForce.signedBy.map((s: { signer: string }) => s.signer)).toEqual(['user:tenant-a-dpo', 'user:tenant-b-dpo']);
  // Revoked and amended agreements of the earlier tests are not in force, but their versions are listed.
  expect(json.body.agreementVersions.some((v: { endedAt: number | null }) => v.endedAt !== null)).toBe(true);

  const received = (await bAuditor.get('/api/v1/processing-records')).body;
  expect(received.agreementsInForce.find((a: { id: string }) => a.id === id).direction).toBe('receives');

  const html = await bAuditor.request('GET', '/api/v1/processing-records/html');
  expect(html.status).toBe(200);
  expect(html.contentType).toContain('text/html');
  expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
  expect(String(html.body)).toContain('Records of processing activities (GDPR art. 30)');
  expect(String(html.body)).not.toMatch(/<script/i);

  for (const who of [bOperator, await h.as(h.tenants.b.users.evaluator)]) expect((await who.get('/api/v1/processing-records')).status).toBe(403);
});
