import { describe, expect, it } from 'vitest';
import { agreementInputSchema, decide, suppressSmallGroups, type Agreement } from './agreements.ts';

const base: Agreement = {
  id: 'a-1',
  providerTenant: 'care',
  consumerTenant: 'uni',
  title: 'COPD outcomes study',
  purpose: 'research',
  categories: ['healthcare.vitals'],
  operations: ['aggregate'],
  obligations: { aggregationOnly: true, minGroupSize: 5, retentionDays: 30, requireConsent: true },
  validFrom: 1000,
  validUntil: 2000,
  status: 'active',
  proposedBy: 'user:x',
  proposedAt: 900,
};
const req = { consumerTenant: 'uni', purpose: 'research' as const, category: 'healthcare.vitals', operation: 'aggregate' as const, at: 1500 };

describe('data sharing decision (docs/architecture.md promise 5)', () => {
  it.each([
    ['the agreed request', {}, {}, true, undefined],
    ['another consumer', {}, { consumerTenant: 'other' }, false, 'not-a-party'],
    ['a proposed agreement', { status: 'proposed' }, {}, false, 'not-active'],
    ['a revoked agreement', { status: 'revoked' }, {}, false, 'not-active'],
    ['before validity', {}, { at: 999 }, false, 'not-yet-valid'],
    ['at the first valid instant', {}, { at: 1000 }, true, undefined],
    ['at the end of validity', {}, { at: 2000 }, false, 'expired'],
    ['another purpose', {}, { purpose: 'public-statistics' }, false, 'purpose'],
    ['another category', {}, { category: 'healthcare.patients' }, false, 'category'],
    ['a record read', {}, { operation: 'read' }, false, 'operation'],
  ] as const)('%s → allow=%s', (_what, agreementPatch, requestPatch, allow, reason) => {
    const d = decide({ ...base, ...agreementPatch } as Agreement, { ...req, ...requestPatch } as typeof req);
    expect(d.allow).toBe(allow);
    if (!d.allow) expect(d.reason).toBe(reason);
    else expect(d.obligations.minGroupSize).toBe(5);
  });

  it('an aggregation-only agreement cannot allow record reads', () => {
    const { id: _i, providerTenant: _p, status: _s, proposedBy: _b, proposedAt: _a, ...input } = base;
    expect(agreementInputSchema.safeParse({ ...input, operations: ['aggregate', 'read'] }).success).toBe(false);
    expect(agreementInputSchema.safeParse(input).success).toBe(true);
  });

  it('validity must end after it starts', () => {
    const { id: _i, providerTenant: _p, status: _s, proposedBy: _b, proposedAt: _a, ...input } = base;
    expect(agreementInputSchema.safeParse({ ...input, validUntil: 1000 }).success).toBe(false);
  });

  it('groups below the minimum size are suppressed and counted', () => {
    const r = suppressSmallGroups([{ k: 'a', subjects: 7 }, { k: 'b', subjects: 4 }, { k: 'c', subjects: 5 }], 5);
    expect(r.rows.map((x) => x.k)).toEqual(['a', 'c']);
    expect(r.suppressed).toBe(1);
  });
});
