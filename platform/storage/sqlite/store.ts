// One sqlite file behind the Store port (../port.ts). A SqliteStore owns exactly one database
// connection, so it can only ever read or write its own scope's file (tenant or platform).
// better-sqlite3 is synchronous: each method does its work in one go and returns a settled
// promise; a write blocks the event loop only for its one transaction and fsync. A batch of
// points alone (ingest's group commit) is the exception: its fsync runs off the event loop
// (./wal-sync.ts) and the commit settles when it is done.
import type Database from 'better-sqlite3';
import type {
  RangeQuery,
  RecordQuery,
  Store,
  StoredAuditEntry,
  StoredCheckpoint,
  StoredKey,
  StoredPoint,
  StoredRecord,
  WriteBatch,
} from '../port.ts';

import { checkBatch, checkBytes, checkLimit, checkNumber } from '../shared/checks.ts';
import { WalSync, type FileSync } from './wal-sync.ts';
import {
  AUDIT_COLUMNS,
  POINT_COLUMNS,
  toAudit,
  toCheckpoint,
  toKey,
  toPoint,
  toRecord,
  type AuditRow,
  type CheckpointRow,
  type KeyRow,
  type PointRow,
  type RecordRow,
} from '../shared/rows.ts';

type Db = Database.Database;

const RECORD_COLUMNS = `r.kind, r.id, r.subject, r.body, r.created_at, r.updated_at,
  (SELECT json_group_object(i.name, i.value) FROM record_index i WHERE i.kind = r.kind AND i.id = r.id) AS idx`;

/** Dynamic queries (find/count with a varying number of index terms) are cached by their SQL;
 *  the number of shapes is small, this bound only guards against pathological callers. */
const MAX_CACHED_QUERIES = 256;

export class SqliteStore implements Store {
  readonly #db: Db;
  readonly #queries = new Map<string, Database.Statement<unknown[], unknown>>();
  #closed = false;

  readonly #getRecord;
  readonly #upsertRecord;
  readonly #deleteIndex;
  readonly #insertIndex;
  readonly #deleteRecord;
  readonly #insertPoint;
  readonly #rangeAsc;
  readonly #rangeDesc;
  readonly #latest;
  readonly #countPointsAll;
  readonly #countPointsSeries;
  readonly #deletePointsBefore;
  readonly #listSeries;
  readonly #getKeys;
  readonly #putKey;
  readonly #deleteKeys;
  readonly #insertAudit;
  readonly #readAudit;
  readonly #lastAudit;
  readonly #insertCheckpoint;
  readonly #listCheckpoints;
  readonly #applyBatch: (batch: WriteBatch) => void;
  readonly #applyPoints: (points: StoredPoint[]) => void;
  readonly #walSync: WalSync;
  readonly #appendAuditTx: (entries: StoredAuditEntry[]) => void;

  /** `db` must come from ./schema.ts `openDatabase` for the same scope. */
  constructor(
    readonly scope: string,
    readonly file: string,
    db: Db,
    /** The fsync behind points-only commits (tests observe it). */
    syncFile?: FileSync,
  ) {
    this.#db = db;
    this.#walSync = new WalSync(file, syncFile);
    this.#getRecord = db.prepare<[string, string], RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM records r WHERE r.kind = ? AND r.id = ?`,
    );
    // Upsert: an update keeps the original created_at (port: updates keep createdAt).
    this.#upsertRecord = db.prepare<[string, string, string | null, Buffer, number, number], void>(
      `INSERT INTO records (kind, id, subject, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, id) DO UPDATE SET subject = excluded.subject, body = excluded.body,
         updated_at = excluded.updated_at`,
    );
    this.#deleteIndex = db.prepare<[string, string], void>('DELETE FROM record_index WHERE kind = ? AND id = ?');
    this.#insertIndex = db.prepare<[string, string, string, string], void>(
      'INSERT INTO record_index (kind, id, name, value) VALUES (?, ?, ?, ?)',
    );
    // record_index rows go with it (ON DELETE CASCADE, foreign_keys = ON).
    this.#deleteRecord = db.prepare<[string, string], void>('DELETE FROM records WHERE kind = ? AND id = ?');
    // Plain INSERT: a duplicate point id aborts the whole batch (id is UNIQUE).
    this.#insertPoint = db.prepare<[string, string, number, string | null, Buffer], void>(
      'INSERT INTO points (series, id, ts, subject, body) VALUES (?, ?, ?, ?, ?)',
    );
    this.#rangeAsc = db.prepare<[string, number, number, number], PointRow>(
      `SELECT ${POINT_COLUMNS} FROM points WHERE series = ? AND ts >= ? AND ts <= ?
       ORDER BY ts ASC, rowid ASC LIMIT ?`,
    );
    this.#rangeDesc = db.prepare<[string, number, number, number], PointRow>(
      `SELECT ${POINT_COLUMNS} FROM points WHERE series = ? AND ts >= ? AND ts <= ?
       ORDER BY ts DESC, rowid DESC LIMIT ?`,
    );
    this.#latest = db.prepare<[string], PointRow>(
      `SELECT ${POINT_COLUMNS} FROM points WHERE series = ? ORDER BY ts DESC, rowid DESC LIMIT 1`,
    );
    this.#countPointsAll = db.prepare<[], number>('SELECT count(*) FROM points').pluck();
    this.#countPointsSeries = db.prepare<[string], number>('SELECT count(*) FROM points WHERE series = ?').pluck();
    this.#deletePointsBefore = db.prepare<[number], void>('DELETE FROM points WHERE ts < ?');
    this.#listSeries = db.prepare<[], string>('SELECT DISTINCT series FROM points ORDER BY series').pluck();
    this.#getKeys = db.prepare<[string], KeyRow>(
      'SELECT scope, version, wrapped, wrapped_by, created_at FROM keys WHERE scope = ? ORDER BY version',
    );
    // Re-wrapping (master or tenant key rotation) replaces the wrapped bytes of an existing
    // version; secure_delete zeroes the old cell content.
    this.#putKey = db.prepare<[string, number, Buffer, string, number], void>(
      `INSERT INTO keys (scope, version, wrapped, wrapped_by, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (scope, version) DO UPDATE SET wrapped = excluded.wrapped, wrapped_by = excluded.wrapped_by`,
    );
    this.#deleteKeys = db.prepare<[string], void>('DELETE FROM keys WHERE scope = ?');
    this.#insertAudit = db.prepare<[number, number, string, string, string, string, string, string, string], void>(
      `INSERT INTO audit (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#readAudit = db.prepare<[number, number], AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit WHERE seq >= ? ORDER BY seq ASC LIMIT ?`,
    );
    this.#lastAudit = db.prepare<[], AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit ORDER BY seq DESC LIMIT 1`);
    this.#insertCheckpoint = db.prepare<[number, string, number, string, string], void>(
      'INSERT INTO checkpoints (seq, head_hash, ts, signature, key_id) VALUES (?, ?, ?, ?, ?)',
    );
    this.#listCheckpoints = db.prepare<[], CheckpointRow>(
      'SELECT seq, head_hash, ts, signature, key_id FROM checkpoints ORDER BY seq ASC, rowid ASC',
    );

    this.#applyBatch = db.transaction((batch: WriteBatch) => {
      for (const r of batch.put ?? []) {
        this.#upsertRecord.run(r.kind, r.id, r.subject ?? null, r.body, r.createdAt, r.updatedAt);
        this.#deleteIndex.run(r.kind, r.id);
        for (const [name, value] of Object.entries(r.index)) this.#insertIndex.run(r.kind, r.id, name, value);
      }
      for (const d of batch.delete ?? []) this.#deleteRecord.run(d.kind, d.id);
      for (const p of batch.points ?? []) this.#insertPoint.run(p.series, p.id, p.ts, p.subject ?? null, p.body);
    });
    // NORMAL for this one transaction: sqlite skips its own WAL fsync, which #walSync then does
    // in the thread pool before the commit settles. Every other write stays FULL.
    const normal = db.prepare('PRAGMA synchronous = NORMAL');
    const full = db.prepare('PRAGMA synchronous = FULL');
    this.#applyPoints = (points) => {
      normal.run();
      try {
        this.#applyBatch({ points });
      } finally {
        full.run();
      }
    };
    this.#appendAuditTx = db.transaction((entries: StoredAuditEntry[]) => {
      for (const e of entries) {
        this.#insertAudit.run(e.seq, e.ts, e.actor, e.action, e.target, e.outcome, e.details, e.prevHash, e.hash);
      }
    });
  }

  // ---- records ----

  async get(kind: string, id: string): Promise<StoredRecord | null> {
    const row = this.#getRecord.get(kind, id);
    return row ? toRecord(row) : null;
  }

  async find(query: RecordQuery): Promise<StoredRecord[]> {
    const limit = checkLimit(query.limit);
    if (limit === 0) return [];
    const { sql, params } = recordFilter(query.kind, query.where, query.subject);
    const newest = query.newestFirst === true;
    let text = `SELECT ${RECORD_COLUMNS} ${sql}`;
    if (query.after !== undefined) {
      checkNumber('after', query.after);
      // Keyset pagination in the direction of travel (port: "past this").
      text += newest ? ' AND r.updated_at < ?' : ' AND r.created_at > ?';
      params.push(query.after);
    }
    text += newest ? ' ORDER BY r.updated_at DESC, r.id DESC' : ' ORDER BY r.created_at ASC, r.id ASC';
    text += ' LIMIT ?';
    params.push(limit ?? -1);
    return (this.#query<RecordRow>(text).all(...params) as RecordRow[]).map(toRecord);
  }

  async count(kind: string, where?: Record<string, string>): Promise<number> {
    const { sql, params } = recordFilter(kind, where, undefined);
    return this.#query<number>(`SELECT count(*) ${sql}`).pluck().get(...params) as number;
  }

  async commit(batch: WriteBatch): Promise<void> {
    checkBatch(batch);
    if (batch.points?.length && !batch.put?.length && !batch.delete?.length) {
      this.#applyPoints(batch.points);
      return this.#walSync.afterCommit();
    }
    this.#applyBatch(batch);
  }

  // ---- time series ----

  async range(query: RangeQuery): Promise<StoredPoint[]> {
    const limit = checkLimit(query.limit);
    if (limit === 0) return [];
    if (query.from !== undefined) checkNumber('from', query.from);
    if (query.to !== undefined) checkNumber('to', query.to);
    const stmt = query.desc === true ? this.#rangeDesc : this.#rangeAsc;
    // Both bounds inclusive; ±Infinity binds as a REAL that every stored ts compares within.
    return stmt.all(query.series, query.from ?? -Infinity, query.to ?? Infinity, limit ?? -1).map(toPoint);
  }

  async latest(series: string): Promise<StoredPoint | null> {
    const row = this.#latest.get(series);
    return row ? toPoint(row) : null;
  }

  async countPoints(series?: string): Promise<number> {
    return (series === undefined ? this.#countPointsAll.get() : this.#countPointsSeries.get(series)) ?? 0;
  }

  async listSeries(): Promise<string[]> {
    return this.#listSeries.all();
  }

  async deletePointsBefore(before: number): Promise<number> {
    checkNumber('before', before);
    return this.#deletePointsBefore.run(before).changes;
  }

  // ---- keys ----

  async getKeys(scope: string): Promise<StoredKey[]> {
    return this.#getKeys.all(scope).map(toKey);
  }

  async listKeyScopes(prefix: string): Promise<string[]> {
    // substr comparison instead of LIKE: scopes may contain '_' and '%', which LIKE treats as wildcards.
    const rows = this.#db
      .prepare<[string, string], { scope: string }>(
        'SELECT DISTINCT scope FROM keys WHERE substr(scope, 1, length(?)) = ? ORDER BY scope',
      )
      .all(prefix, prefix);
    return rows.map((r) => r.scope);
  }

  async putKey(key: StoredKey): Promise<void> {
    checkBytes('wrapped key', key.wrapped);
    if (!Number.isInteger(key.version)) throw new TypeError('key version must be an integer');
    this.#putKey.run(key.scope, key.version, key.wrapped, key.wrappedBy, key.createdAt);
  }

  async destroyKeys(scope: string): Promise<number> {
    const { changes } = this.#deleteKeys.run(scope);
    // secure_delete zeroed the cells in the new page images, but those live in the WAL while the
    // old images may still sit in the main file or earlier WAL frames. TRUNCATE copies the zeroed
    // pages into the main file and cuts the WAL to zero bytes.
    this.#checkpoint(`destroying keys of ${scope}`);
    return changes;
  }

  // ---- audit ----

  async appendAudit(entries: StoredAuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    this.#appendAuditTx(entries);
  }

  async readAudit(fromSeq: number, limit: number): Promise<StoredAuditEntry[]> {
    const n = checkLimit(limit) ?? 0;
    if (n === 0) return [];
    return this.#readAudit.all(fromSeq, n).map(toAudit);
  }

  async lastAudit(): Promise<StoredAuditEntry | null> {
    const row = this.#lastAudit.get();
    return row ? toAudit(row) : null;
  }

  async putCheckpoint(cp: StoredCheckpoint): Promise<void> {
    this.#insertCheckpoint.run(cp.seq, cp.headHash, cp.ts, cp.signature, cp.keyId);
  }

  async listCheckpoints(): Promise<StoredCheckpoint[]> {
    return this.#listCheckpoints.all().map(toCheckpoint);
  }

  async ping(): Promise<boolean> {
    try {
      return this.#db.prepare('SELECT 1').pluck().get() === 1;
    } catch {
      return false;
    }
  }

  // ---- lifecycle (not part of the port: the provider owns it) ----

  get closed(): boolean {
    return this.#closed;
  }

  /** Final checkpoint (so the data sits in the main file alone), then close. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.#queries.clear();
      this.#db.close();
      this.#walSync.close();
    }
  }

  /** Closes without a checkpoint, for a file about to be deleted. */
  closeForDrop(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queries.clear();
    this.#db.close();
    this.#walSync.close();
  }

  #checkpoint(why: string): void {
    const [result] = this.#db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (result?.busy) {
      // Another connection (a CLI, a backup) holds a read snapshot; fail loudly rather than
      // report bytes destroyed that may still be in the WAL.
      throw new Error(`${this.scope}: WAL checkpoint blocked by a reader while ${why}; retry`);
    }
  }

  #query<R>(sql: string): Database.Statement<unknown[], R> {
    let stmt = this.#queries.get(sql);
    if (!stmt) {
      if (this.#queries.size >= MAX_CACHED_QUERIES) this.#queries.clear();
      stmt = this.#db.prepare<unknown[], unknown>(sql);
      this.#queries.set(sql, stmt);
    }
    return stmt as Database.Statement<unknown[], R>;
  }
}

/** FROM/JOIN/WHERE shared by find and count: one join on record_index per `where` entry (AND),
 *  each served by the (kind, name, value) index. Names and values are bound, never spliced. */
function recordFilter(
  kind: string,
  where: Record<string, string> | undefined,
  subject: string | undefined,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  let sql = 'FROM records r';
  let n = 0;
  for (const [name, value] of Object.entries(where ?? {})) {
    if (typeof value !== 'string') throw new TypeError(`where.${name} must be a string`);
    sql += ` JOIN record_index w${n} ON w${n}.kind = r.kind AND w${n}.id = r.id AND w${n}.name = ? AND w${n}.value = ?`;
    params.push(name, value);
    n++;
  }
  sql += ' WHERE r.kind = ?';
  params.push(kind);
  if (subject !== undefined) {
    sql += ' AND r.subject = ?';
    params.push(subject);
  }
  return { sql, params };
}
