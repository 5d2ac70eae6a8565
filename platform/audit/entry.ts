// One entry of a tenant's audit chain: the row every store keeps and the API lists. Pure types, so
// the dashboard's contract (../contract.ts) and the storage port (../storage/port.ts) share it.

export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  seq: number;
  ts: number;
  actor: string;
  action: string;
  target: string;
  outcome: AuditOutcome;
  /** Canonical JSON, no personal data. */
  details: string;
  prevHash: string;
  hash: string;
}
