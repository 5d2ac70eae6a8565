// Row shapes of the SQLite schema (./schema.ts) and their mapping to the port's types; shared by
// the store and by the migration tool, which reads these tables directly.
import type { StoredAuditEntry, StoredPoint, StoredRecord } from '../port.ts';

export interface RecordRow {
  kind: string;
  id: string;
  subject: string | null;
  body: Buffer;
  created_at: number;
  updated_at: number;
  idx: string;
}

export interface PointRow {
  series: string;
  id: string;
  ts: number;
  subject: string | null;
  body: Buffer;
}

export interface KeyRow {
  scope: string;
  version: number;
  wrapped: Buffer;
  wrapped_by: string;
  created_at: number;
}

export interface AuditRow {
  seq: number;
  ts: number;
  actor: string;
  action: string;
  target: string;
  outcome: StoredAuditEntry['outcome'];
  details: string;
  prev_hash: string;
  hash: string;
}

export interface CheckpointRow {
  seq: number;
  head_hash: string;
  ts: number;
  signature: string;
  key_id: string;
}

export function toRecord(row: RecordRow): StoredRecord {
  return {
    kind: row.kind,
    id: row.id,
    subject: row.subject,
    index: JSON.parse(row.idx) as Record<string, string>,
    body: row.body,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toPoint(row: PointRow): StoredPoint {
  return { series: row.series, id: row.id, ts: row.ts, subject: row.subject, body: row.body };
}

export function toAudit(row: AuditRow): StoredAuditEntry {
  return {
    seq: row.seq,
    ts: row.ts,
    actor: row.actor,
    action: row.action,
    target: row.target,
    outcome: row.outcome,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

