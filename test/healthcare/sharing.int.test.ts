// Healthcare data shared under an agreement (docs/architecture.md promise 5): aggregates only, only of
// patients whose consent covers the agreement's purpose, small groups suppressed, audited in
// both tenants' chains — and the platform's floors hold even when the agreement waives them.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { healthcarePilot } from '../../pilots/healthcare/index.ts';
import type { ApiClient } from '../../validation/support/api-client.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { connectAll, enrol, eventually, HC, HIGH, NORMAL, sendSet, type EnrolledPatient } from '../../validation/support/healthcare-steps.ts';

let h: Harness;
let admin: ApiClient;
let dpo: ApiClient;
let partnerDpo: ApiClient;
let partner: ApiClient;
const patients: EnrolledPatient[] = [];

beforeAll(async () => {
  h = await bootHarness({ pilots: [healthcarePilot], tenantPilots: ['healthcare'] });
  const clinician = await h.as(h.tenants.a.users.operator);
  admin = await h.as(h.tenants.a.users['tenant-admin']);
  dpo = await h.as(h.tenants.a.users.dpo);
  partnerDpo = await h.as(h.tenants.b.users.dpo);
  partner = await h.as(h.tenants.b.users.operator);

  // Six COPD patients consent to research (one of them deteriorating); one more COPD patient does
  // not; one heart-failure patient consents (a group of one) and another does not.
  const cohort: [condition: string, research: boolean][] = [
    ...Array.from({ length: 6 }, () => ['copd', true] as [string, boolean]),
    ['copd', false],
    ['heart-failure', true],
    ['heart-failure', false],
  ];
  for (const [i, [condition, research]] of cohort.entries()) {
    const p = await enrol(clinician, { conditions: [condition] });
    if (research) expect((await clinician.post(`${HC}/patients/${p.id}/consent`, { status: 'given', note: 'research too', purposes: ['research'] })).status).toBe(201);
    const devices = await connectAll(h, 'tenant-a', p);
    await sendSet(devices, i === 0 ? HIGH : NORMAL, Date.now());
    for (const d of Object.values(devices)) await d.close();
    patients.push(p);
  }
  for (const p of patients) {
    await eventually(async () => (await clinician.get(`${HC}/patients/${p.id}/news2`)).body.items?.length > 0, `NEWS2 of ${p.id}`);
  }
}, 120_000);
afterAll(async () => {
  await h?.close();
});

async function agree(terms: { operations: string[]; obligations: Record<string, unknown> }): Promise<string> {
  const now = Date.now();
  const proposal = await admin.post('/api/v1/agreements', {
    consumerTenant: 'tenant-b',
    title: 'COPD early-warning study',
    purpose: 'research',
    categories: ['healthcare.vitals'],
    validFrom: now - 1000,
    validUntil: now + 3_600_000,
    ...terms,
  });
  expect(proposal.status).toBe(201);
  // Health data leaves only under an agreement both parties' data protection officers signed.
  expect((await dpo.post(`/api/v1/agreements/${proposal.body.id}/sign`)).status).toBe(200);
  expect((await partnerDpo.post(`/api/v1/agreements/${proposal.body.id}/sign`)).body.status).toBe('active');
  return proposal.body.id;
}

function expectNothingPersonal(body: unknown) {
  const text = JSON.stringify(body);
  for (const p of patients) expect(text).not.toContain(p.id);
  expect(text).not.toContain('Synthia');
}

it('a research partner gets NEWS2 statistics of consenting patients only, never a record', async () => {
  const id = await agree({ operations: ['aggregate'], obligations: { aggregationOnly: true, minGroupSize: 5, retentionDays: 30, requireConsent: true } });
  const shared = await partner.get(`/api/v1/sharing/${id}/healthcare.vitals?purpose=research`);
  expect(shared.status).toBe(200);
  // Only the six consenting COPD patients: one group; the consenting heart-failure patient alone is suppressed.
  expect(shared.body.rows).toHaveLength(1);
  expect(shared.body.rows[0]).toMatchObject({ group: 'copd', subjects: 6 });
  expect(shared.body.rows[0].highBandShare).toBeCloseTo(1 / 6, 2);
  expectNothingPersonal(shared.body);

  // Patient-level reads stay impossible for the partner.
  expect((await partner.get(`${HC}/patients/${patients[0]!.id}`)).status).toBe(404);
});

it('a hostile agreement (consent off, groups of one, record reads) still yields only consented aggregates of groups ≥ 5 (ASVS 8.3.4, 1.8.1; ETSI 6-2, 6-4)', async () => {
  const id = await agree({ operations: ['aggregate', 'read'], obligations: { aggregationOnly: false, minGroupSize: 1, retentionDays: 3650, requireConsent: false } });

  const read = await partner.get(`/api/v1/sharing/${id}/healthcare.vitals?purpose=research&operation=read`);
  expect(read.status).toBe(403);
  expectNothingPersonal(read.body);

  const shared = await partner.get(`/api/v1/sharing/${id}/healthcare.vitals?purpose=research`);
  expect(shared.status).toBe(200);
  expect(shared.body.rows).toHaveLength(1);
  expect(shared.body.rows[0]).toMatchObject({ group: 'copd', subjects: 6 });
  expect(shared.body.subjects).toBe(6);
  expect(shared.body.obligations).toMatchObject({ aggregationOnly: true, requireConsent: true, minGroupSize: 5 });
  expectNothingPersonal(shared.body);

  // Grouped by age band (every synthetic patient is in one band): the seven consenting patients,
  // never the two who did not consent.
  const byAge = await partner.get(`/api/v1/sharing/${id}/healthcare.vitals?purpose=research&groupBy=ageBand`);
  expect(byAge.status).toBe(200);
  expect(byAge.body.rows).toHaveLength(1);
  expect(byAge.body.rows[0].group).toMatch(/^\d0-\d9$/);
  expect(byAge.body.rows[0].subjects).toBe(7);
});

it('health data is not shared under an agreement the administrators tried to sign: signing needs the DPO permission (ASVS 4.1.3, 1.4.1; GDPR art. 9, 28(3))', async () => {
  const now = Date.now();
  const proposal = await admin.post('/api/v1/agreements', {
    consumerTenant: 'tenant-b', title: 'COPD early-warning study', purpose: 'research', categories: ['healthcare.vitals'], operations: ['aggregate'], validFrom: now - 1000, validUntil: now + 3_600_000,
  });
  const id = proposal.body.id as string;
  for (const who of [admin, await h.as(h.tenants.b.users['tenant-admin'])]) {
    const refused = await who.post(`/api/v1/agreements/${id}/sign`);
    expect(refused.status).toBe(403);
    expect(refused.contentType).toContain('application/problem+json');
  }
  const shared = await partner.get(`/api/v1/sharing/${id}/healthcare.vitals?purpose=research`);
  expect(shared.status).toBe(403);
  expect(shared.body.detail).toMatch(/not-active/);
  expectNothingPersonal(shared.body);
});
