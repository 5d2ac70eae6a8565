// Opens one sqlite file with the pragmas the platform's promises rely on, and creates or checks
// its schema. Platform and tenant files share this schema (see ./store.ts for its use).
import { chmodSync, closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';

/** Stored in `PRAGMA user_version`; bump with a migration step in `migrate` below. */
export const SCHEMA_VERSION = 1;

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

const DDL_V1 = `
CREATE TABLE meta (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE records (
  kind       TEXT NOT NULL,
  id         TEXT NOT NULL,
  subject    TEXT,
  body       BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX records_kind_created ON records (kind, created_at, id);
CREATE INDEX records_kind_updated ON records (kind, updated_at, id);
CREATE INDEX records_kind_subject ON records (kind, subject);

CREATE TABLE record_index (
  kind  TEXT NOT NULL,
  id    TEXT NOT NULL,
  name  TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (kind, id, name),
  FOREIGN KEY (kind, id) REFERENCES records (kind, id) ON DELETE CASCADE
) WITHOUT ROWID;
-- Equality look-ups: WHERE kind = ? AND name = ? AND value = ?
CREATE INDEX record_index_lookup ON record_index (kind, name, value);

CREATE TABLE points (
  series  TEXT NOT NULL,
  id      TEXT NOT NULL UNIQUE,
  ts      INTEGER NOT NULL,
  subject TEXT,
  body    BLOB NOT NULL
);
-- The implicit rowid is the index's last column, so ORDER BY ts, rowid is served by it.
CREATE INDEX points_series_ts ON points (series, ts);

CREATE TABLE keys (
  scope      TEXT NOT NULL,
  version    INTEGER NOT NULL,
  wrapped    BLOB NOT NULL,
  wrapped_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (scope, version)
);

CREATE TABLE audit (
  seq       INTEGER PRIMARY KEY,
  ts        INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  target    TEXT NOT NULL,
  outcome   TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  details   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
-- Defence in depth for the append-only log: the hash chain detects tampering, these stop the
-- platform itself from rewriting history by mistake (an attacker with the file can drop them).
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

CREATE TABLE checkpoints (
  seq        INTEGER NOT NULL,
  head_hash  TEXT NOT NULL,
  ts         INTEGER NOT NULL,
  signature  TEXT NOT NULL,
  key_id     TEXT NOT NULL
);
CREATE INDEX checkpoints_seq ON checkpoints (seq);
`;

export interface OpenOptions {
  busyTimeoutMs: number;
}

/**
 * Opens (creating when missing, mode 0600) one database file and prepares it.
 * `scope` is recorded in the file on creation and checked on every later open, so a tenant's
 * file copied or renamed onto another tenant's path is refused instead of served.
 */
export function openDatabase(file: string, scope: string, opts: OpenOptions): Database.Database {
  // Create the file ourselves so it is 0600 from its first byte; sqlite gives the -wal and -shm
  // files the main file's permissions.
  closeSync(openSync(file, 'a', FILE_MODE));
  chmodSync(file, FILE_MODE);

  const db = new Database(file);
  try {
    db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs)}`);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`sqlite refused WAL mode for ${scope} (got ${String(mode)})`);
    // FULL in WAL mode syncs the WAL on every commit: a commit that returned survives power loss,
    // which the MQTT PUBACK-after-commit promise depends on (NORMAL would only survive crashes).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Freed content is zeroed, so destroyed wrapped keys do not linger in free pages.
    db.pragma('secure_delete = ON');
    db.pragma('trusted_schema = OFF');
    migrate(db, scope);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function migrate(db: Database.Database, scope: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`store ${scope} has schema version ${version}; this build knows up to ${SCHEMA_VERSION}`);
  }
  if (version === 0) {
    db.transaction(() => {
      // Re-read under the write lock: another process may have created the schema meanwhile.
      if ((db.pragma('user_version', { simple: true }) as number) !== 0) return;
      db.exec(DDL_V1);
      db.prepare('INSERT INTO meta (name, value) VALUES (?, ?)').run('scope', scope);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
  }
  const row = db.prepare('SELECT value FROM meta WHERE name = ?').get('scope') as { value: string } | undefined;
  if (row?.value !== scope) {
    throw new Error(`store file belongs to scope ${JSON.stringify(row?.value ?? null)}, not ${JSON.stringify(scope)}`);
  }
}
