import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signedExport } from '../../validation/support/signed-agreement.ts';
import { documentDigest, revocationCounterPayload, revocationPayload, verifyAgreement, type AgreementExport } from './agreement-document.ts';

const clone = (e: AgreementExport): AgreementExport => structuredClone(e);

describe('signed agreement verification (GDPR art. 28(3), 26; ASVS 1.4.1)', () => {
  it('a fully signed, countersigned export is valid and in force', () => {
    const v = verifyAgreement(signedExport().exp);
    expect(v.verdicts.filter((x) => !x.ok)).toEqual([]);
    expect(v).toMatchObject({ valid: true, inForce: true, revoked: false });
    expect(v.verdicts.map((x) => x.what)).toEqual([
      'document',
      'provider signature by user:tenant-a-dpo of tenant-a at 2023-11-14T22:15:00.000Z',
      'consumer signature by user:tenant-b-dpo of tenant-b at 2023-11-14T22:15:00.001Z',
      'platform countersignature at 2023-11-14T22:16:40.000Z',
    ]);
  });

  // Any field of the document, and any field of a signature, changed after signing breaks it.
  it.each<[string, (e: AgreementExport & { document: Record<string, any> }) => void]>([
    ['purpose', (e) => (e.document.purpose = 'public-statistics')],
    ['a category added', (e) => e.document.categories.push('healthcare.alarms')],
    ['an operation added', (e) => e.document.operations.push('read')],
    ['minimum group size', (e) => (e.document.obligations.minGroupSize = 1)],
    ['consent obligation', (e) => (e.document.obligations.requireConsent = false)],
    ['retention', (e) => (e.document.obligations.retentionDays = 3650)],
    ['validity end', (e) => (e.document.validity.until += 1)],
    ['version', (e) => (e.document.version = 2)],
    ['consumer party', (e) => (e.document.parties.consumer = 'tenant-c')],
    ['title', (e) => (e.document.title += '.')],
    ['an extra field', (e) => (e.document.note = 'x')],
    ['signing time', (e) => (e.signatures[0]!.signedAt += 1)],
    ['signer name', (e) => (e.signatures[1]!.signer = 'user:tenant-b-admin')],
    ['a signature dropped', (e) => e.signatures.pop()],
    ['countersignature time', (e) => (e.countersignature!.at += 1)],
    ['countersignature dropped', (e) => (e.countersignature = null)],
  ])('tampering with %s makes it invalid', (_what, tamper) => {
    const e = clone(signedExport().exp) as AgreementExport & { document: Record<string, any> };
    tamper(e);
    expect(verifyAgreement(e)).toMatchObject({ valid: false, inForce: false });
  });

  it('a key swapped for another (re-signed) key does not pass as the signer named', () => {
    const e = clone(signedExport().exp);
    const stranger = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    e.publicKeys[e.signatures[0]!.keyId]!.pem = stranger;
    const v = verifyAgreement(e);
    expect(v.valid).toBe(false);
    expect(v.verdicts[1]!.reason).toBe('public key does not match its key id');
  });

  it('a signature by the provider key claiming to be the consumer is refused', () => {
    const e = clone(signedExport().exp);
    e.signatures[1]!.tenant = 'tenant-a';
    expect(verifyAgreement(e).verdicts[2]).toMatchObject({ ok: false, reason: "signer's tenant is not the consumer" });
  });

  it('a signed revocation verifies and takes the agreement out of force; a forged one does not', () => {
    const { exp, signWith } = signedExport();
    const digest = documentDigest(exp.document);
    const s = exp.signatures[1]!;
    const unsigned = { party: s.party, tenant: s.tenant, signer: s.signer, keyId: s.keyId, at: 1_700_000_300_000 };
    const signature = signWith('consumer', revocationPayload(digest, unsigned));
    const platform = { keyId: exp.platformKey.keyId, at: unsigned.at, signature: signWith('platform', revocationCounterPayload({ signature }, unsigned.at)) };
    const revoked = clone(exp);
    revoked.revocation = { ...unsigned, signature, platform };
    expect(verifyAgreement(revoked)).toMatchObject({ valid: true, inForce: false, revoked: true });

    // Recorded by some other key than the platform's: refused.
    const forged = clone(revoked);
    forged.revocation!.platform.signature = signWith('consumer', revocationCounterPayload({ signature }, unsigned.at));
    expect(verifyAgreement(forged).verdicts.at(-1)).toMatchObject({ ok: false, reason: 'signature does not verify' });
    // Revoked by the provider's key in the consumer's name: refused.
    const impostor = clone(revoked);
    impostor.revocation!.signature = signWith('provider', revocationPayload(digest, unsigned));
    expect(verifyAgreement(impostor).valid).toBe(false);
  });
});
