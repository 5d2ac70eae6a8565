// What the agreements view shows and offers, as pure functions of an agreement and the viewer's tenant.
export interface AgreementSignatureView {
  party: 'provider' | 'consumer';
  tenant: string;
  signer: string;
  keyId: string;
  signedAt: number;
}

export interface AgreementView {
  id: string;
  title: string;
  providerTenant: string;
  consumerTenant: string;
  purpose: string;
  categories: string[];
  operations: string[];
  status: 'proposed' | 'active' | 'revoked';
  version?: number;
  validFrom: number;
  validUntil: number;
  signatures?: AgreementSignatureView[];
  countersignature?: { keyId: string; at: number };
  revocation?: { signer: string; tenant: string; at: number };
  activatedAt?: number;
}

export const partyOf = (a: AgreementView, tenant: string): 'provider' | 'consumer' => (a.providerTenant === tenant ? 'provider' : 'consumer');

/** Whether the viewer's tenant still has to sign the current version. */
export function awaitsSignatureOf(a: AgreementView, tenant: string): boolean {
  if (a.status === 'revoked') return false;
  const party = partyOf(a, tenant);
  return !(a.signatures ?? []).some((s) => s.party === party);
}

/** One line per party: who signed and when, or that they have not yet. */
export function signatureRows(a: AgreementView): { party: 'provider' | 'consumer'; tenant: string; signature: AgreementSignatureView | null }[] {
  return (['provider', 'consumer'] as const).map((party) => ({
    party,
    tenant: party === 'provider' ? a.providerTenant : a.consumerTenant,
    signature: (a.signatures ?? []).find((s) => s.party === party) ?? null,
  }));
}
