import { describe, expect, it } from 'vitest';
import { awaitsSignatureOf, signatureRows, type AgreementView } from './agreements.ts';

const a = (over: Partial<AgreementView> = {}): AgreementView => ({
  id: 'x',
  title: 'Study',
  providerTenant: 'care',
  consumerTenant: 'uni',
  purpose: 'research',
  categories: ['healthcare.vitals'],
  operations: ['aggregate'],
  status: 'proposed',
  version: 1,
  validFrom: 0,
  validUntil: 1,
  signatures: [{ party: 'provider', tenant: 'care', signer: 'user:care-dpo', keyId: '0123456789abcdef', signedAt: 5 }],
  ...over,
});

describe('agreements view', () => {
  it.each([
    ['the provider after signing', a(), 'care', false],
    ['the consumer before signing', a(), 'uni', true],
    ['anyone on a revoked agreement', a({ status: 'revoked', signatures: [] }), 'uni', false],
    ['the provider of a new, unsigned version', a({ version: 2, signatures: [] }), 'care', true],
  ])('%s: awaits a signature → %s', (_what, agreement, tenant, expected) => {
    expect(awaitsSignatureOf(agreement, tenant)).toBe(expected);
  });

  it('shows each party, signed or not', () => {
    expect(signatureRows(a()).map((r) => [r.party, r.tenant, r.signature?.signer ?? null])).toEqual([
      ['provider', 'care', 'user:care-dpo'],
      ['consumer', 'uni', null],
    ]);
  });
});
