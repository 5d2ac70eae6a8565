import { describe, expect, it } from 'vitest';
import type { Agreement } from './agreements.ts';
import { buildProcessingRecords, processingRecordsHtml, type ProcessingInput } from './processing-records.ts';

const agreement = (over: Partial<Agreement>): Agreement => ({
  id: '00000000-0000-4000-8000-000000000001',
  providerTenant: 'care',
  consumerTenant: 'uni',
  title: 'COPD study',
  purpose: 'research',
  categories: ['healthcare.vitals'],
  operations: ['aggregate'],
  obligations: { aggregationOnly: true, minGroupSize: 5, retentionDays: 30, requireConsent: true },
  validFrom: 1000,
  validUntil: 5000,
  status: 'active',
  proposedBy: 'user:care-admin',
  proposedAt: 900,
  version: 2,
  signatures: [{ party: 'provider', tenant: 'care', signer: 'user:care-dpo', keyId: '0123456789abcdef', signedAt: 950, signature: 'AA==' }],
  activatedAt: 960,
  history: [{ version: 1, digest: 'd1', activatedAt: 920, endedAt: 940 }],
  ...over,
});

const input = (agreements: Agreement[], over: Partial<ProcessingInput> = {}): ProcessingInput => ({
  tenant: { id: 'care', name: 'Care <North>', region: 'eu-central', pilots: ['healthcare'], readingsRetentionDays: 365 },
  pilots: [
    { id: 'healthcare', title: 'Home healthcare', deviceKinds: ['pulse-oximeter'], shares: [{ category: 'healthcare.vitals', description: 'NEWS2 statistics', sensitivity: 'health' }] },
    { id: 'lighting', title: 'Public lighting', deviceKinds: ['lamp'], shares: [] },
  ],
  agreements,
  regionLocation: 'own location',
  generatedAt: 2000,
  ...over,
});

describe('records of processing (GDPR art. 30)', () => {
  it('lists enabled pilots with purposes, categories, recipients from agreements in force, retention and region', () => {
    const r = buildProcessingRecords(input([agreement({}), agreement({ id: '00000000-0000-4000-8000-000000000002', consumerTenant: 'stats', status: 'revoked', history: [] })]));
    expect(r.storage).toEqual({ region: 'eu-central', location: 'own location' });
    expect(r.activities).toHaveLength(1);
    expect(r.activities[0]).toMatchObject({
      pilot: 'healthcare',
      purposes: ['operating Home healthcare', 'research (shared under agreement)'],
      recipients: ['uni'],
      retention: 'readings deleted after 365 days',
      dataCategories: [{ category: 'healthcare.vitals', sensitivity: 'health', description: 'NEWS2 statistics' }],
    });
    expect(r.agreementsInForce.map((a) => [a.recipient, a.version, a.direction])).toEqual([['uni', 2, 'provides']]);
    expect(r.agreementsInForce[0]!.signedBy).toEqual([{ party: 'provider', signer: 'user:care-dpo', signedAt: 950 }]);
    expect(r.agreementVersions.map((v) => [v.version, v.endedAt])).toEqual([[1, 940], [2, null]]);
  });

  it.each([
    ['an expired agreement', { validUntil: 2000 }],
    ['a not yet valid agreement', { validFrom: 2001 }],
    ['a proposed agreement', { status: 'proposed' as const }],
  ])('leaves out %s', (_what, over) => {
    const r = buildProcessingRecords(input([agreement(over)]));
    expect(r.agreementsInForce).toEqual([]);
    expect(r.activities[0]!.recipients).toEqual([]);
  });

  it('says when no retention period is set', () => {
    const r = buildProcessingRecords(input([], { tenant: { id: 'care', name: 'Care', region: 'eu-west', pilots: ['healthcare'] } }));
    expect(r.activities[0]!.retention).toMatch(/no retention period/);
  });

  it('the HTML is self-contained and escapes every value (ASVS 5.3.3)', () => {
    const html = processingRecordsHtml(buildProcessingRecords(input([agreement({ title: '<script>alert(1)</script>' })])));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Care &lt;North&gt;');
    expect(html).not.toMatch(/<(script|link|img|iframe)\b|src=|href=/i);
  });
});
