// Pure helpers of the PostgreSQL store (./store.ts): row shapes and their mapping to the port's
// types, the merge of a batch's puts, and the cheap argument checks run before any statement.
import type { StoredAuditEntry, StoredPoint, StoredRecord, WriteBatch } from '../port.ts';

export interface RecordRow {
  kind: string;
  id: string;
  subject: string | null;
  body: Buffer;
  idx: Record<string, string>;
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

export interface AuditRow {
  seq: string;
  ts: number;
  actor: string;
  action: string;
  target: string;
  outcome: StoredAuditEntry['outcome'];
  details: string;
  prev_hash: string;
  hash: string;
}

export function toRecord(row: RecordRow): StoredRecord {
  return {
    kind: row.kind,
    id: row.id,
    subject: row.subject,
    index: row.idx,
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

/** Puts of one batch applied in order, as SQLite does one by one: a later put of the same
 *  (kind, id) wins, but an insert's createdAt is the first one's (an update keeps createdAt).
 *  One multi-row upsert cannot touch a row twice, hence the merge. */
export function mergePuts(puts: readonly StoredRecord[]): StoredRecord[] {
  const byKey = new Map<string, StoredRecord>();
  for (const r of puts) {
    const key = `${r.kind}\u0000${r.id}`;
    const earlier = byKey.get(key);
    byKey.delete(key);
    byKey.set(key, earlier ? { ...r, createdAt: earlier.createdAt } : r);
  }
  return [...byKey.values()];
}

/** Errors that leave the connection unusable (socket gone, server shutting down, client-side
 *  timeouts): the pool must discard that client. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (/^(08|57P)/.test(code) || /^E[A-Z]+$/.test(code))) return true;
  return err instanceof Error && /Connection terminated|not queryable|timeout/i.test(err.message);
}

export function str(what: string, value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  return value;
}

export function checkLimit(limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  return limit;
}

export function checkNumber(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number`);
}

/** Only bytes reach the body columns (a string would be a value that skipped the keyring). */
export function checkBytes(what: string, value: unknown): void {
  if (!Buffer.isBuffer(value)) throw new TypeError(`${what} must be a Buffer`);
}

export function checkBatch(batch: WriteBatch): void {
  for (const r of batch.put ?? []) {
    str('kind', r.kind);
    str('id', r.id);
    checkBytes(`body of ${r.kind}/${r.id}`, r.body);
    checkNumber('createdAt', r.createdAt);
    checkNumber('updatedAt', r.updatedAt);
    for (const [name, value] of Object.entries(r.index)) {
      if (typeof value !== 'string') throw new TypeError(`index ${name} of ${r.kind}/${r.id} must be a string`);
    }
  }
  for (const p of batch.points ?? []) {
    checkBytes(`body of point ${p.id}`, p.body);
    checkNumber('ts', p.ts);
  }
}
