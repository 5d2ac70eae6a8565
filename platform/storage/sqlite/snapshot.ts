// A consistent, read-only view of one sqlite store (../snapshot.ts `StoreSnapshot`) for backups,
// region moves and the migration tool: its own read-only connection inside one read transaction,
// so every page sees what was committed when it opened while the platform keeps writing, and the
// file is never written (SQLite may leave empty -wal/-shm companions of a reader behind).
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  PLATFORM_SCOPE,
  TENANT_ID_PATTERN,
  assertTenantId,
  type StoredAuditEntry,
  type StoredCheckpoint,
  type StoredKey,
  type StoredPoint,
  type StoredRecord,
} from '../port.ts';
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
import { SCHEMA_VERSION } from './schema.ts';

type Rowid = { rowid: number };

const RECORD_SELECT = `SELECT r.rowid AS rowid, r.kind, r.id, r.subject, r.body, r.created_at, r.updated_at,
  (SELECT json_group_object(i.name, i.value) FROM record_index i WHERE i.kind = r.kind AND i.id = r.id) AS idx
  FROM records r`;

/** Where the sqlite adapter keeps a scope's file (./provider.ts). */
export function sqliteFileFor(dataDir: string, scope: string): string {
  if (scope === PLATFORM_SCOPE) return join(dataDir, 'platform.db');
  assertTenantId(scope);
  return join(dataDir, 'tenants', `${scope}.db`);
}

/** Tenants that have a file in the data directory, sorted. */
export async function sqliteTenants(dataDir: string): Promise<string[]> {
  const files = await readdir(join(dataDir, 'tenants')).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  return files
    .filter((f) => f.endsWith('.db'))
    .map((f) => f.slice(0, -3))
    .filter((id) => TENANT_ID_PATTERN.test(id))
    .sort();
}

export class SqliteSnapshot {
  readonly #db: Database.Database;

  private constructor(
    readonly scope: string,
    readonly file: string,
    db: Database.Database,
  ) {
    this.#db = db;
  }

  static open(dataDir: string, scope: string): SqliteSnapshot {
    const file = sqliteFileFor(dataDir, scope);
    if (!existsSync(file)) throw new Error(`no sqlite store for ${scope} at ${file}`);
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      // Every read below sees the same snapshot, even if the platform is still writing.
      db.exec('BEGIN');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version !== SCHEMA_VERSION) {
        throw new Error(`${file} has sqlite schema version ${version}; this tool reads version ${SCHEMA_VERSION}`);
      }
      const owner = db.prepare('SELECT value FROM meta WHERE name = ?').pluck().get('scope');
      if (owner !== scope) {
        throw new Error(`${file} belongs to scope ${JSON.stringify(owner ?? null)}, not ${JSON.stringify(scope)}`);
      }
      return new SqliteSnapshot(scope, file, db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    if (!this.#db.open) return;
    if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
    this.#db.close();
  }

  *records(pageSize: number): Generator<StoredRecord[]> {
    const page = this.#db.prepare<[number, number], RecordRow & Rowid>(`${RECORD_SELECT} WHERE r.rowid > ? ORDER BY r.rowid LIMIT ?`);
    for (let after = 0; ; ) {
      const rows = page.all(after, pageSize);
      if (rows.length === 0) return;
      after = rows.at(-1)!.rowid;
      yield rows.map(toRecord);
    }
  }

  *points(pageSize: number): Generator<StoredPoint[]> {
    const page = this.#db.prepare<[number, number], PointRow & Rowid>(
      `SELECT rowid, ${POINT_COLUMNS} FROM points WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    );
    for (let after = 0; ; ) {
      const rows = page.all(after, pageSize);
      if (rows.length === 0) return;
      after = rows.at(-1)!.rowid;
      yield rows.map(toPoint);
    }
  }

  *audit(pageSize: number): Generator<StoredAuditEntry[]> {
    const page = this.#db.prepare<[number, number], AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit WHERE seq > ? ORDER BY seq LIMIT ?`);
    for (let after = Number.MIN_SAFE_INTEGER; ; ) {
      const rows = page.all(after, pageSize);
      if (rows.length === 0) return;
      after = Number(rows.at(-1)!.seq);
      yield rows.map(toAudit);
    }
  }

  async keys(): Promise<StoredKey[]> {
    return this.#db.prepare<[], KeyRow>(`SELECT ${KEY_COLUMNS} FROM keys ORDER BY scope, version`).all().map(toKey);
  }

  async checkpoints(): Promise<StoredCheckpoint[]> {
    return this.#db.prepare<[], CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM checkpoints ORDER BY seq, rowid`).all().map(toCheckpoint);
  }
}
