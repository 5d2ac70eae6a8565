// A fully signed agreement export built with fresh Ed25519 keys, for the tests of the pure
// verification and of `npm run agreement:verify` (the server builds the same shape).
import { generateKeyPairSync, sign } from 'node:crypto';
import { auditKeyId } from '../../platform/audit/signer.ts';
import {
  documentDigest,
  enforcementPayload,
  EXPORT_FORMAT,
  partyPayload,
  type AgreementDocument,
  type AgreementExport,
  type Party,
  type PartySignature,
} from '../../platform/policy/agreement-document.ts';

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyId: auditKeyId(publicKey) };
}

export const sampleDocument = (): AgreementDocument => ({
  format: 'custodia.agreement/v1',
  id: '0b6f1d2e-3c4a-4b5d-8e6f-7a8b9c0d1e2f',
  version: 1,
  parties: { provider: 'tenant-a', consumer: 'tenant-b' },
  title: 'COPD early-warning study',
  purpose: 'research',
  categories: ['healthcare.vitals'],
  operations: ['aggregate'],
  obligations: { aggregationOnly: true, minGroupSize: 5, retentionDays: 30, requireConsent: true },
  validity: { from: 1_700_000_000_000, until: 1_800_000_000_000 },
});

export function signedExport(doc: AgreementDocument = sampleDocument()): { exp: AgreementExport; platformPem: string; signWith: (k: Party | 'platform', data: Buffer) => string } {
  const parties = { provider: keyPair(), consumer: keyPair() };
  const platform = keyPair();
  const digest = documentDigest(doc);
  const signatures: PartySignature[] = (['provider', 'consumer'] as const).map((party, i) => {
    const unsigned = { party, tenant: doc.parties[party], signer: `user:${doc.parties[party]}-dpo`, keyId: parties[party].keyId, signedAt: 1_700_000_100_000 + i };
    return { ...unsigned, signature: sign(null, partyPayload(digest, unsigned), parties[party].privateKey).toString('base64') };
  });
  const at = 1_700_000_200_000;
  const exp: AgreementExport = {
    format: EXPORT_FORMAT,
    document: doc,
    signatures,
    countersignature: { keyId: platform.keyId, at, signature: sign(null, enforcementPayload(digest, signatures, at), platform.privateKey).toString('base64') },
    revocation: null,
    publicKeys: Object.fromEntries(signatures.map((s) => [s.keyId, { pem: parties[s.party].pem, tenant: s.tenant, signer: s.signer }])),
    platformKey: { keyId: platform.keyId, pem: platform.pem },
  };
  const signWith = (k: Party | 'platform', data: Buffer) => sign(null, data, (k === 'platform' ? platform : parties[k]).privateKey).toString('base64');
  return { exp, platformPem: platform.pem, signWith };
}
