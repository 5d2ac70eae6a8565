// One PostgreSQL schema behind the Store port (../port.ts). A PgStore fixes its schema's quoted
// name at construction (./schema.ts tablesOf); every statement is schema-qualified from those
// constants and every value is a bound parameter, so nothing a caller passes can reach another
// tenant's tables. Connections come from the provider's pool, whose sessions run with an empty
// search_path (an unqualified table name fails instead of resolving somewhere) and
// synchronous_commit = on (a COMMIT that returned is on disk).
import type pg from 'pg';
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
import { checkBytes, checkLimit, checkNumber, str } from '../shared/checks.ts';
import {
  AUDIT_COLUMNS,
  CHECKPOINT_COLUMNS,
  KEY_COLUMNS,
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
import { checkBatch, mergePuts } from './rows.ts';
import type { Tables } from './schema.ts';
import { withClient } from './client.ts';


const RECORD_COLUMNS = 'r.kind, r.id, r.subject, r.body, r.idx, r.created_at, r.updated_at';

export interface PgStoreOptions {
  scope: string;
  tables: Tables;
  pool: pg.Pool;
  /** False once the provider is closed. */
  isOpen: () => boolean;
}

export class PgStore implements Store {
  readonly scope: string;
  readonly #t: Tables;
  readonly #pool: pg.Pool;
  readonly #isOpen: () => boolean;
  #dropped = false;

  constructor(opts: PgStoreOptions) {
    this.scope = opts.scope;
    this.#t = opts.tables;
    this.#pool = opts.pool;
    this.#isOpen = opts.isOpen;
  }

  /** Called by the provider on dropTenant: this handle refuses work from now on. */
  markDropped(): void {
    this.#dropped = true;
  }

  // ---- records ----

  async get(kind: string, id: string): Promise<StoredRecord | null> {
    const rows = await this.#rows<RecordRow>(`SELECT ${RECORD_COLUMNS} FROM ${this.#t.records} r WHERE r.kind = $1 AND r.id = $2`, [
      str('kind', kind),
      str('id', id),
    ]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async find(query: RecordQuery): Promise<StoredRecord[]> {
    const limit = checkLimit(query.limit);
    if (limit === 0) return [];
    const { sql, params } = this.#recordFilter(query.kind, query.where, query.subject);
    const newest = query.newestFirst === true;
    let text = `SELECT ${RECORD_COLUMNS} ${sql}`;
    if (query.after !== undefined) {
      checkNumber('after', query.after);
      params.push(query.after);
      // Keyset pagination in the direction of travel (port: "past this").
      text += newest ? ` AND r.updated_at < $${params.length}` : ` AND r.created_at > $${params.length}`;
    }
    // Ties by id in byte order (the columns are COLLATE "C", as SQLite compares).
    text += newest ? ' ORDER BY r.updated_at DESC, r.id DESC' : ' ORDER BY r.created_at ASC, r.id ASC';
    if (limit !== undefined) {
      params.push(limit);
      text += ` LIMIT $${params.length}`;
    }
    return (await this.#rows<RecordRow>(text, params)).map(toRecord);
  }

  async count(kind: string, where?: Record<string, string>): Promise<number> {
    const { sql, params } = this.#recordFilter(kind, where, undefined);
    const rows = await this.#rows<{ n: string }>(`SELECT count(*) AS n ${sql}`, params);
    return Number(rows[0]?.n ?? 0);
  }

  /** The whole batch is one transaction of at most three statements (each a multi-row statement
   *  over arrays), committed with synchronous_commit = on: when this resolves the batch is
   *  durable; when the connection fails at any point it rejects. */
  async commit(batch: WriteBatch): Promise<void> {
    checkBatch(batch);
    const puts = mergePuts(batch.put ?? []);
    const deletes = batch.delete ?? [];
    const points = batch.points ?? [];
    if (puts.length === 0 && deletes.length === 0 && points.length === 0) {
      this.#assertUsable();
      return;
    }
    await this.#transaction(async (c) => {
      if (puts.length > 0) {
        await c.query(
          `INSERT INTO ${this.#t.records} (kind, id, subject, body, idx, created_at, updated_at)
           SELECT kind, id, subject, body, idx::jsonb, created_at, updated_at
           FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::text[], $6::float8[], $7::float8[])
             AS u(kind, id, subject, body, idx, created_at, updated_at)
           ON CONFLICT (kind, id) DO UPDATE SET subject = excluded.subject, body = excluded.body,
             idx = excluded.idx, updated_at = excluded.updated_at`,
          [
            puts.map((r) => r.kind),
            puts.map((r) => r.id),
            puts.map((r) => r.subject ?? null),
            puts.map((r) => r.body),
            puts.map((r) => JSON.stringify(r.index)),
            puts.map((r) => r.createdAt),
            puts.map((r) => r.updatedAt),
          ],
        );
      }
      if (deletes.length > 0) {
        await c.query(
          `DELETE FROM ${this.#t.records} r USING unnest($1::text[], $2::text[]) AS d(kind, id)
           WHERE r.kind = d.kind AND r.id = d.id`,
          [deletes.map((d) => str('kind', d.kind)), deletes.map((d) => str('id', d.id))],
        );
      }
      if (points.length > 0) {
        // Plain INSERT: a duplicate point id aborts the whole batch (id is UNIQUE). ORDER BY the
        // array position, so n (the tie-breaker among equal ts) follows the batch order.
        await c.query(
          `INSERT INTO ${this.#t.points} (series, id, ts, subject, body)
           SELECT series, id, ts, subject, body
           FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[], $5::bytea[])
             WITH ORDINALITY AS u(series, id, ts, subject, body, o)
           ORDER BY o`,
          [
            points.map((p) => str('series', p.series)),
            points.map((p) => str('point id', p.id)),
            points.map((p) => p.ts),
            points.map((p) => p.subject ?? null),
            points.map((p) => p.body),
          ],
        );
      }
    });
  }

  /** Record kinds present (the migration's verification notices kinds the source lacks). */
  async listKinds(): Promise<string[]> {
    const rows = await this.#rows<{ kind: string }>(`SELECT DISTINCT kind FROM ${this.#t.records} ORDER BY kind`, []);
    return rows.map((r) => r.kind);
  }

  // ---- time series ----

  async range(query: RangeQuery): Promise<StoredPoint[]> {
    const limit = checkLimit(query.limit);
    if (limit === 0) return [];
    const params: unknown[] = [str('series', query.series)];
    let text = `SELECT ${POINT_COLUMNS} FROM ${this.#t.points} WHERE series = $1`;
    if (query.from !== undefined) {
      checkNumber('from', query.from);
      params.push(query.from);
      text += ` AND ts >= $${params.length}`;
    }
    if (query.to !== undefined) {
      checkNumber('to', query.to);
      params.push(query.to);
      text += ` AND ts <= $${params.length}`;
    }
    text += query.desc === true ? ' ORDER BY ts DESC, n DESC' : ' ORDER BY ts ASC, n ASC';
    if (limit !== undefined) {
      params.push(limit);
      text += ` LIMIT $${params.length}`;
    }
    return (await this.#rows<PointRow>(text, params)).map(toPoint);
  }

  async latest(series: string): Promise<StoredPoint | null> {
    const rows = await this.#rows<PointRow>(
      `SELECT ${POINT_COLUMNS} FROM ${this.#t.points} WHERE series = $1 ORDER BY ts DESC, n DESC LIMIT 1`,
      [str('series', series)],
    );
    return rows[0] ? toPoint(rows[0]) : null;
  }

  async countPoints(series?: string): Promise<number> {
    const rows =
      series === undefined
        ? await this.#rows<{ n: string }>(`SELECT count(*) AS n FROM ${this.#t.points}`, [])
        : await this.#rows<{ n: string }>(`SELECT count(*) AS n FROM ${this.#t.points} WHERE series = $1`, [str('series', series)]);
    return Number(rows[0]?.n ?? 0);
  }

  async deletePointsBefore(before: number): Promise<number> {
    this.#assertUsable();
    checkNumber('before', before);
    const res = await this.#pool.query(`DELETE FROM ${this.#t.points} WHERE ts < $1`, [before]);
    return res.rowCount ?? 0;
  }

  async listSeries(): Promise<string[]> {
    const rows = await this.#rows<{ series: string }>(
      `SELECT DISTINCT series FROM ${this.#t.points} ORDER BY series`,
      [],
    );
    return rows.map((r) => r.series);
  }

  // ---- keys ----

  async getKeys(scope: string): Promise<StoredKey[]> {
    const rows = await this.#rows<KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM ${this.#t.keys} WHERE scope = $1 ORDER BY version`,
      [str('key scope', scope)],
    );
    return rows.map(toKey);
  }

  async listKeyScopes(prefix: string): Promise<string[]> {
    // left() comparison instead of LIKE: scopes may contain '_' and '%', which LIKE treats as wildcards.
    const rows = await this.#rows<{ scope: string }>(
      `SELECT DISTINCT scope FROM ${this.#t.keys} WHERE left(scope, length($1)) = $1 ORDER BY scope`,
      [str('prefix', prefix)],
    );
    return rows.map((r) => r.scope);
  }

  async putKey(key: StoredKey): Promise<void> {
    checkBytes('wrapped key', key.wrapped);
    if (!Number.isInteger(key.version)) throw new TypeError('key version must be an integer');
    checkNumber('createdAt', key.createdAt);
    await this.#write(
      `INSERT INTO ${this.#t.keys} (scope, version, wrapped, wrapped_by, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (scope, version) DO UPDATE SET wrapped = excluded.wrapped, wrapped_by = excluded.wrapped_by`,
      [str('key scope', key.scope), key.version, key.wrapped, str('wrappedBy', key.wrappedBy), key.createdAt],
    );
  }

  async destroyKeys(scope: string): Promise<number> {
    this.#assertUsable();
    const res = await this.#pool.query(`DELETE FROM ${this.#t.keys} WHERE scope = $1`, [str('key scope', scope)]);
    // MVCC leaves the deleted row versions in the table's pages until vacuumed; VACUUM FULL
    // rewrites the (small) keys table into new files so the old pages are released at once.
    // The WAL and base backups keep their copies until recycled: see docs/architecture.md.
    if ((res.rowCount ?? 0) > 0) await this.#pool.query(`VACUUM FULL ${this.#t.keys}`);
    return res.rowCount ?? 0;
  }

  // ---- audit ----

  async appendAudit(entries: StoredAuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.#transaction(async (c) => {
      await c.query(
        `INSERT INTO ${this.#t.audit} (${AUDIT_COLUMNS})
         SELECT * FROM unnest($1::bigint[], $2::float8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])`,
        [
          entries.map((e) => e.seq),
          entries.map((e) => e.ts),
          entries.map((e) => e.actor),
          entries.map((e) => e.action),
          entries.map((e) => e.target),
          entries.map((e) => e.outcome),
          entries.map((e) => e.details),
          entries.map((e) => e.prevHash),
          entries.map((e) => e.hash),
        ],
      );
    });
  }

  async readAudit(fromSeq: number, limit: number): Promise<StoredAuditEntry[]> {
    const n = checkLimit(limit) ?? 0;
    if (n === 0) return [];
    checkNumber('fromSeq', fromSeq);
    const rows = await this.#rows<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM ${this.#t.audit} WHERE seq >= $1 ORDER BY seq ASC LIMIT $2`,
      [fromSeq, n],
    );
    return rows.map(toAudit);
  }

  async lastAudit(): Promise<StoredAuditEntry | null> {
    const rows = await this.#rows<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM ${this.#t.audit} ORDER BY seq DESC LIMIT 1`, []);
    return rows[0] ? toAudit(rows[0]) : null;
  }

  async putCheckpoint(cp: StoredCheckpoint): Promise<void> {
    await this.#write(
      `INSERT INTO ${this.#t.checkpoints} (seq, head_hash, ts, signature, key_id) VALUES ($1, $2, $3, $4, $5)`,
      [cp.seq, cp.headHash, cp.ts, cp.signature, cp.keyId],
    );
  }

  async listCheckpoints(): Promise<StoredCheckpoint[]> {
    const rows = await this.#rows<CheckpointRow>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM ${this.#t.checkpoints} ORDER BY seq ASC, n ASC`,
      [],
    );
    return rows.map(toCheckpoint);
  }

  /** True when a connection answers and this scope's schema is there. */
  async ping(): Promise<boolean> {
    if (this.#dropped || !this.#isOpen()) return false;
    try {
      const res = await this.#pool.query<{ ok: number }>('SELECT 1 AS ok FROM pg_namespace WHERE oid = to_regnamespace($1)', [
        this.#t.schema,
      ]);
      return res.rows[0]?.ok === 1;
    } catch {
      return false;
    }
  }

  // ---- internals ----

  /** A read. PostgreSQL text cannot hold NUL, so no stored value equals a string containing
   *  one: such a read matches nothing (as in SQLite) instead of failing on the encoding. */
  async #rows<R extends pg.QueryResultRow>(text: string, params: unknown[]): Promise<R[]> {
    this.#assertUsable();
    if (params.some((p) => typeof p === 'string' && p.includes('\u0000'))) return [];
    return (await this.#pool.query<R>(text, params)).rows;
  }

  async #write(text: string, params: unknown[]): Promise<void> {
    this.#assertUsable();
    await this.#pool.query(text, params);
  }

  async #transaction(work: (c: pg.PoolClient) => Promise<void>): Promise<void> {
    this.#assertUsable();
    await withClient(this.#pool, async (client, broken) => {
      await client.query('BEGIN');
      try {
        await work(client);
        await client.query('COMMIT');
      } catch (err) {
        // A connection whose ROLLBACK fails is destroyed, never reused.
        await client.query('ROLLBACK').catch(broken);
        throw err;
      }
    });
  }

  /** FROM/WHERE shared by find and count: one containment term for all `where` entries (AND),
   *  served by the GIN index. Names and values are bound as one JSON parameter, never spliced. */
  #recordFilter(kind: string, where: Record<string, string> | undefined, subject: string | undefined): { sql: string; params: unknown[] } {
    const params: unknown[] = [str('kind', kind)];
    let sql = `FROM ${this.#t.records} r WHERE r.kind = $1`;
    const terms = Object.entries(where ?? {});
    for (const [name, value] of terms) str(`where.${name}`, value);
    if (terms.length > 0) {
      // A NUL cannot be in stored JSON either; pass it raw so #rows sees it and matches nothing.
      const nul = terms.find(([name, value]) => `${name}${value}`.includes('\u0000'));
      params.push(nul ? '\u0000' : JSON.stringify(Object.fromEntries(terms)));
      sql += ` AND r.idx @> $${params.length}::jsonb`;
    }
    if (subject !== undefined) {
      params.push(str('subject', subject));
      sql += ` AND r.subject = $${params.length}`;
    }
    return { sql, params };
  }

  #assertUsable(): void {
    if (!this.#isOpen()) throw new Error('postgres storage is closed');
    if (this.#dropped) throw new Error(`store ${this.scope} was dropped`);
  }
}
