// Row shapes of the SQL adapters (sqlite/ and postgres/ name their columns alike) and their one
// mapping to the port's types. The engines differ only in what a driver hands back: SQLite gives
// the record's index as a JSON string and integers as numbers; PostgreSQL gives jsonb as an object
// and BIGINT sequence numbers as strings. The mappers accept both.
import type { StoredAuditEntry, StoredCheckpoint, StoredKey, StoredPoint, StoredRecord } from '../port.ts';

export interface RecordRow {
  kind: string;
  id: string;
  subject: string | null;
  body: Buffer;
  /** JSON text (SQLite json_group_object) or the parsed object (PostgreSQL jsonb). */
  idx: string | Record<string, string>;
  created_at: number;
  updated_at: number;
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
  version: number | string;
  wrapped: Buffer;
  wrapped_by: string;
  created_at: number;
}

export interface AuditRow {
  seq: number | string;
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
  seq: number | string;
  head_hash: string;
  ts: number;
  signature: string;
  key_id: string;
}

export const POINT_COLUMNS = 'series, id, ts, subject, body';
export const KEY_COLUMNS = 'scope, version, wrapped, wrapped_by, created_at';
export const AUDIT_COLUMNS = 'seq, ts, actor, action, target, outcome, details, prev_hash, hash';
export const CHECKPOINT_COLUMNS = 'seq, head_hash, ts, signature, key_id';

export function toRecord(row: RecordRow): StoredRecord {
  return {
    kind: row.kind,
    id: row.id,
    subject: row.subject,
    index: typeof row.idx === 'string' ? (JSON.parse(row.idx) as Record<string, string>) : row.idx,
    body: row.body,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toPoint(row: PointRow): StoredPoint {
  return { series: row.series, id: row.id, ts: row.ts, subject: row.subject, body: row.body };
}

export function toKey(row: KeyRow): StoredKey {
  return { scope: row.scope, version: Number(row.version), wrapped: row.wrapped, wrappedBy: row.wrapped_by, createdAt: row.created_at };
}

export function toAudit(row: AuditRow): StoredAuditEntry {
  return {
    seq: Number(row.seq),
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

export function toCheckpoint(row: CheckpointRow): StoredCheckpoint {
  return { seq: Number(row.seq), headHash: row.head_hash, ts: row.ts, signature: row.signature, keyId: row.key_id };
}
