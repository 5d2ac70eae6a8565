// Retention of readings: a tenant's period is a setting (platform operator), enforced by the job
// through the storage port, audited in the tenant's chain, and shown in the data sharing
// agreements' `retention` (GDPR art. 5(1)(e) storage limitation).
import { expect, it } from 'vitest';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import { bootHarness } from '../../validation/support/harness.ts';
import { probePilot } from '../../validation/support/probe-pilot.ts';

const DAY = 86_400_000;

it('deletes readings past the tenant’s retention period, audits it, and shows it in agreements (GDPR 5(1)(e))', { timeout: 60_000 }, async () => {
  const h = await bootHarness({ pilots: [probePilot], tenantPilots: ['probe'] });
  try {
    const root = await h.as('root-admin');
    const aAdmin = await h.as(h.tenants.a.users['tenant-admin']);
    const bAdmin = await h.as(h.tenants.b.users['tenant-admin']);
    const now = Date.now();
    const pts = Array.from({ length: 10 }, (_, i) => ({ series: 'ret-1', id: `ret-${i}`, ts: now - (i < 4 ? 20 : 2) * DAY - i, subject: null, data: { value: i } }));
    await runInTenant(systemContext('test', asTenantId('tenant-a')), () => h.platform.services.series.append(pts));

    expect((await root.patch('/api/v1/tenants/tenant-a', { readingsRetentionDays: 0 })).status).toBe(400);
    const set = await root.patch('/api/v1/tenants/tenant-a', { readingsRetentionDays: 10 });
    expect(set.status).toBe(200);
    expect(set.body.readingsRetentionDays).toBe(10);

    const outcomes = await h.platform.services.retention!.runOnce();
    expect(outcomes).toEqual([expect.objectContaining({ tenant: 'tenant-a', days: 10, deleted: 4 })]);
    const left = await runInTenant(systemContext('test', asTenantId('tenant-a')), () =>
      h.platform.services.series.range<{ value: number }>('ret-1', { limit: 100 }),
    );
    expect(left.map((p) => p.data.value).sort()).toEqual([4, 5, 6, 7, 8, 9]);
    const chain = (await h.platform.services.audit.admin.list('tenant-a', { limit: 1000 })).entries;
    expect(chain.filter((e) => e.action === 'retention.enforce')).toHaveLength(1);
    expect((await h.platform.services.audit.admin.verify('tenant-a')).ok).toBe(true);

    // The agreement shows the provider's retention next to the consumer's deletion duty.
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
    for (const client of [aAdmin, bAdmin]) {
      const list = await client.get('/api/v1/agreements');
      expect(list.body.items[0].retention).toEqual({ providerReadingsDays: 10, consumerDeleteAfterDays: 7 });
    }
    expect((await root.patch('/api/v1/tenants/tenant-a', { readingsRetentionDays: null })).body.readingsRetentionDays).toBeUndefined();
    expect((await aAdmin.get('/api/v1/agreements')).body.items[0].retention.providerReadingsDays).toBeNull();
  } finally {
    await h.close();
  }
});
