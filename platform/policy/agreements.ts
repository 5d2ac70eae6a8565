// Data Sharing Agreements (docs/architecture.md promise 5): machine-readable terms attached to data that
// leaves a tenant — parties, purpose, data categories, allowed operations, obligations and
// validity — and the pure decision that enforces them at query time.
import type { Countersignature, PartySignature, Revocation } from './agreement-document.ts';
import type { AgreementInput, Obligations, Operation, Purpose } from './agreement-terms.ts';

export { OPERATIONS, PURPOSES, agreementInputSchema, obligationsSchema, type AgreementInput, type Obligations, type Operation, type Purpose } from './agreement-terms.ts';

export type AgreementStatus = 'proposed' | 'active' | 'revoked';

/** A version that was in force and was superseded or revoked (records of processing list them). */
export interface AgreementVersionRecord {
  version: number;
  digest: string;
  activatedAt: number;
  endedAt: number;
}

export interface Agreement extends AgreementInput {
  id: string;
  providerTenant: string;
  status: AgreementStatus;
  proposedBy: string;
  proposedAt: number;
  /** Any change to the terms is a new version, signed again (1 for records older than signing). */
  version?: number;
  /** The parties' signatures over the current version's canonical document (./agreement-document.ts). */
  signatures?: PartySignature[];
  /** The platform's signature when enforcement started (both parties had signed). */
  countersignature?: Countersignature;
  revocation?: Revocation;
  history?: AgreementVersionRecord[];
  activatedAt?: number;
  revokedBy?: string;
  revokedAt?: number;
}

export interface SharingRequest {
  consumerTenant: string;
  purpose: Purpose;
  category: string;
  operation: Operation;
  at: number;
}

export type SharingDecision =
  | { allow: true; obligations: Obligations }
  | { allow: false; reason: 'not-a-party' | 'not-active' | 'not-yet-valid' | 'expired' | 'purpose' | 'category' | 'operation' | 'signature' };

/** The enforcement point: every condition of the agreement must hold at the time of the request. */
export function decide(a: Agreement, r: SharingRequest): SharingDecision {
  if (a.consumerTenant !== r.consumerTenant) return { allow: false, reason: 'not-a-party' };
  if (a.status !== 'active') return { allow: false, reason: 'not-active' };
  if (r.at < a.validFrom) return { allow: false, reason: 'not-yet-valid' };
  if (r.at >= a.validUntil) return { allow: false, reason: 'expired' };
  if (a.purpose !== r.purpose) return { allow: false, reason: 'purpose' };
  if (!a.categories.includes(r.category)) return { allow: false, reason: 'category' };
  if (!a.operations.includes(r.operation)) return { allow: false, reason: 'operation' };
  return { allow: true, obligations: a.obligations };
}

/** Applies the minimum group size to aggregate rows: small groups are suppressed, not shown. */
export function suppressSmallGroups<T extends { subjects: number }>(rows: T[], minGroupSize: number): { rows: T[]; suppressed: number } {
  const kept = rows.filter((r) => r.subjects >= minGroupSize);
  return { rows: kept, suppressed: rows.length - kept.length };
}
