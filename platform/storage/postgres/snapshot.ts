// A consistent, read-only view of one PostgreSQL store for backups and region moves
// (platform/backup/snapshot.ts `StoreSnapshot`): one connection in a REPEATABLE READ, READ ONLY
// transaction, so every page sees the data committed when the first statement ran while the
// platform keeps writing. Pages are keyset-ordered (records by kind and id, points by insertion,
// audit by seq), never OFFSET.
import type pg from 'pg';
import type { StoredAuditEntry, StoredCheckpoint, StoredKey, StoredPoint, StoredRecord } from '../port.ts';
import { AUDIT_COLUMNS, CHECKPOINT_COLUMNS, KEY_COLUMNS, POINT_COLUMNS, toAudit, toCheckpoint, toKey, toPoint, toRecord, type AuditRow, type CheckpointRow, type KeyRow, type PointRow, type RecordRow } from '../shared/rows.ts';
import type { Tables } from './schema.ts';

export class PgSnapshot {
  #closed = false;

  constructor(
    readonly scope: string,
    private readonly client: pg.PoolClient,
    private readonly t: Tables,
    private readonly release: (err?: Error) => void,
  ) {}

  static async begin(scope: string, client: pg.PoolClient, t: Tables, release: (err?: Error) => void): Promise<PgSnapshot> {
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // Pins the snapshot now, not at the first page read later.
      await client.query(`SELECT 1 FROM ${t.meta} LIMIT 1`);
    } catch (err) {
      release(err as Error);
      throw err;
    }
    return new PgSnapshot(scope, client, t, release);
  }

  async keys(): Promise<StoredKey[]> {
    const res = await this.client.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM ${this.t.keys} ORDER BY scope, version`);
    return res.rows.map(toKey);
  }

  async *records(pageSize: number): AsyncIterable<StoredRecord[]> {
    let after: [string, string] = ['', ''];
    for (;;) {
      const res = await this.client.query<RecordRow>(
        `SELECT kind, id, subject, body, idx, created_at, updated_at FROM ${this.t.records}
          WHERE (kind, id) > ($1, $2) ORDER BY kind, id LIMIT $3`,
        [after[0], after[1], pageSize],
      );
      if (res.rows.length === 0) return;
      yield res.rows.map(toRecord);
      const last = res.rows.at(-1)!;
      after = [last.kind, last.id];
      if (res.rows.length < pageSize) return;
    }
  }

  async *points(pageSize: number): AsyncIterable<StoredPoint[]> {
    let after = '0';
    for (;;) {
      const res = await this.client.query<PointRow & { n: string }>(
        `SELECT n, ${POINT_COLUMNS} FROM ${this.t.points} WHERE n > $1 ORDER BY n LIMIT $2`,
        [after, pageSize],
      );
      if (res.rows.length === 0) return;
      yield res.rows.map(toPoint);
      after = res.rows.at(-1)!.n;
      if (res.rows.length < pageSize) return;
    }
  }

  async *audit(pageSize: number): AsyncIterable<StoredAuditEntry[]> {
    let after = '0';
    for (;;) {
      const res = await this.client.query<AuditRow>(
        `SELECT ${AUDIT_COLUMNS} FROM ${this.t.audit}
          WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [after, pageSize],
      );
      if (res.rows.length === 0) return;
      yield res.rows.map(toAudit);
      after = String(res.rows.at(-1)!.seq);
      if (res.rows.length < pageSize) return;
    }
  }

  async checkpoints(): Promise<StoredCheckpoint[]> {
    const res = await this.client.query<CheckpointRow>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM ${this.t.checkpoints} ORDER BY seq ASC, n ASC`,
    );
    return res.rows.map(toCheckpoint);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    let broken: Error | undefined;
    await this.client.query('ROLLBACK').catch((err: Error) => {
      broken = err;
    });
    this.release(broken);
  }
}
