// Pure helpers of the PostgreSQL store (./store.ts): the merge of a batch's puts, connection
// error detection, and the batch check (the shared one, plus string kinds and ids: a number
// would be bound as text and stored under a different key). Row shapes and their mapping are
// shared with SQLite (../shared/rows.ts).
import type { StoredRecord, WriteBatch } from '../port.ts';
import { checkBatch as checkCommonBatch, str } from '../shared/checks.ts';

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

export function checkBatch(batch: WriteBatch): void {
  for (const r of batch.put ?? []) {
    str('kind', r.kind);
    str('id', r.id);
  }
  checkCommonBatch(batch);
}
