// Healthcare data shared under an agreement (docs/architecture.md promise 5): aggregates only, only of
// patients whose consent covers the agreement's purpose, small groups suppressed, audited in
// both tenants' chains.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { healthcarePilot } from '../../pilots/healthcare/index.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { connectAll, enrol, eventually, HC, HIGH, NORMAL, sendSet } from '../../validation/support/healthcare-steps.ts';

let h: Harness;
beforeAll(async () => {
  h = await bootHarness({ pilots: [healthcarePilot], tenantPilots: ['healthcare'] });
});
afterAll(async () => {
  await h?.close();
});

it('a research partner gets NEWS2 statistics of consenting patients only, never a record', async () => {
  const clinician = await h.as(h.tenants.a.users.operator);
  const admin = await h.as(h.tenants.a.users['tenant-admin']);
  const partnerAdmin = await h.as(h.tenants.b.users['tenant-admin']);
  const partner = await h.as(h.tenants.b.users.operator);

  // Three COPD patients consent to research; one more COPD patient and one heart-failure patient do not.
  const patients = [];
  for (const [i, research] of [true, true, true, false, false].entries()) {
    const p = await enrol(clinician, { conditions: [i === 4 ? 'heart-failure' : 'copd'] });
    if (research) expect((await clinician.post(`${HC}/patients/${p.id}/consent`, { status: 'given', note: 'research too', purposes: ['research'] })).status).toBe(201);
    const devices = await connectAll(h, 'tenant-a', p);
    await sendSet(devices, i === 0 ? HIGH : NORMAL, Date.now());
    patients.push(p);
  }
  for (const p of patients) {
    await eventually(async () => (await clinician.get(`${HC}/patients/${p.id}/news2`)).body.items?.length > 0, `NEWS2 of ${p.id}`);
  }

  const now = Date.now();
  const proposal = await admin.post('/api/v1/agreements', {
    consumerTenant: 'tenant-b',
    title: 'COPD early-warning study',
    purpose: 'research',
    categories: ['healthcare.vitals'],
    operations: ['aggregate'],
    obligations: { aggregationOnly: true, minGroupSize: 2, retentionDays: 30, requireConsent: true },
    validFrom: now - 1000,
    validUntil: now + 3_600_000,
  });
  expect(proposal.status).toBe(201);
  await partnerAdmin.post(`/api/v1/agreements/${proposal.body.id}/accept`);

  const shared = await partner.get(`/api/v1/sharing/${proposal.body.id}/healthcare.vitals?purpose=research`);
  expect(shared.status).toBe(200);
  // Only the three consenting COPD patients: one group, no heart-failure group, nothing personal.
  expect(shared.body.rows).toHaveLength(1);
  expect(shared.body.rows[0]).toMatchObject({ group: 'copd', subjects: 3 });
  expect(shared.body.rows[0].highBandShare).toBeCloseTo(1 / 3, 2);
  const text = JSON.stringify(shared.body);
  for (const p of patients) expect(text).not.toContain(p.id);
  expect(text).not.toContain('Synthia');

  // Patient-level reads stay impossible for the partner.
  expect((await partner.get(`${HC}/patients/${patients[0]!.id}`)).status).toBe(404);
});
