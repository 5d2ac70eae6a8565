// Schema names and DDL of the PostgreSQL adapter: one schema per tenant plus the platform's, in
// one database. Every table name a store uses is built here from its scope, once, at
// construction; request input never reaches an identifier.
import pg from 'pg';
import { PLATFORM_SCOPE, assertTenantId } from '../port.ts';

/** Stored in each schema's meta table; bump with a migration step in `ensureSchema`. */
export const SCHEMA_VERSION = 1;

export const DEFAULT_SCHEMA_PREFIX = 'custodia_';

/** Keeps every schema name within PostgreSQL's 63-byte identifier limit
 *  (20 + "t_" + 40-character tenant id = 62). */
export const SCHEMA_PREFIX_PATTERN = /^[a-z][a-z0-9_]{0,19}$/;

export function assertSchemaPrefix(prefix: string): void {
  if (!SCHEMA_PREFIX_PATTERN.test(prefix)) {
    throw new Error(`invalid schema prefix ${JSON.stringify(prefix)}: 1-20 of a-z, 0-9 and _, starting with a letter`);
  }
}

/** `<prefix>platform` or `<prefix>t_<tenantId>`, unquoted. The tenant id is checked against
 *  TENANT_ID_PATTERN first, so no caller can name another schema. */
export function schemaName(scope: string, prefix = DEFAULT_SCHEMA_PREFIX): string {
  assertSchemaPrefix(prefix);
  if (scope === PLATFORM_SCOPE) return `${prefix}platform`;
  assertTenantId(scope);
  return `${prefix}t_${scope}`;
}

/** The quoted, schema-qualified name of every table a store touches. */
export interface Tables {
  schema: string;
  meta: string;
  records: string;
  points: string;
  keys: string;
  audit: string;
  checkpoints: string;
}

export function tablesOf(schema: string): Tables {
  const s = pg.escapeIdentifier(schema);
  return {
    schema: s,
    meta: `${s}.meta`,
    records: `${s}.records`,
    points: `${s}.points`,
    keys: `${s}.keys`,
    audit: `${s}.audit`,
    checkpoints: `${s}.checkpoints`,
  };
}

/** Text keys use the "C" collation: byte order, as SQLite sorts, whatever the database's locale.
 *  Timestamps are double precision: JavaScript numbers round-trip exactly (integers up to 2^53,
 *  as in SQLite) and come back as numbers without a type parser. */
function ddl(t: Tables): string {
  return `
CREATE TABLE ${t.meta} (
  name  text PRIMARY KEY,
  value text NOT NULL
);

-- idx holds the clear index entries (blind indexes, tags) as one object; where-terms are
-- containment tests served by the GIN index.
CREATE TABLE ${t.records} (
  kind       text COLLATE "C" NOT NULL,
  id         text COLLATE "C" NOT NULL,
  subject    text COLLATE "C",
  body       bytea NOT NULL,
  idx        jsonb NOT NULL DEFAULT '{}',
  created_at double precision NOT NULL,
  updated_at double precision NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX records_kind_created ON ${t.records} (kind, created_at, id);
CREATE INDEX records_kind_updated ON ${t.records} (kind, updated_at, id);
CREATE INDEX records_kind_subject ON ${t.records} (kind, subject);
CREATE INDEX records_idx ON ${t.records} USING gin (idx jsonb_path_ops);

-- n keeps insertion order among points of equal ts (SQLite's rowid).
CREATE TABLE ${t.points} (
  n       bigint GENERATED ALWAYS AS IDENTITY,
  series  text COLLATE "C" NOT NULL,
  id      text COLLATE "C" NOT NULL UNIQUE,
  ts      double precision NOT NULL,
  subject text,
  body    bytea NOT NULL
);
CREATE INDEX points_series_ts ON ${t.points} (series, ts, n);

CREATE TABLE ${t.keys} (
  scope      text COLLATE "C" NOT NULL,
  version    integer NOT NULL,
  wrapped    bytea NOT NULL,
  wrapped_by text NOT NULL,
  created_at double precision NOT NULL,
  PRIMARY KEY (scope, version)
);

CREATE TABLE ${t.audit} (
  seq       bigint PRIMARY KEY,
  ts        double precision NOT NULL,
  actor     text NOT NULL,
  action    text NOT NULL,
  target    text NOT NULL,
  outcome   text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  details   text NOT NULL,
  prev_hash text NOT NULL,
  hash      text NOT NULL
);
-- Defence in depth for the append-only log, as in SQLite: the hash chain detects tampering,
-- the trigger stops the platform itself from rewriting history by mistake.
CREATE FUNCTION ${t.schema}.audit_append_only() RETURNS trigger LANGUAGE plpgsql AS
  $fn$ BEGIN RAISE EXCEPTION 'audit log is append-only'; END $fn$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON ${t.audit}
  FOR EACH ROW EXECUTE FUNCTION ${t.schema}.audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON ${t.audit}
  FOR EACH STATEMENT EXECUTE FUNCTION ${t.schema}.audit_append_only();

CREATE TABLE ${t.checkpoints} (
  n          bigint GENERATED ALWAYS AS IDENTITY,
  seq        bigint NOT NULL,
  head_hash  text NOT NULL,
  ts         double precision NOT NULL,
  signature  text NOT NULL,
  key_id     text NOT NULL
);
CREATE INDEX checkpoints_seq ON ${t.checkpoints} (seq, n);
`;
}

/**
 * Creates the scope's schema when missing and checks it: the scope recorded in its meta table
 * must be this one (a schema renamed onto another tenant's name is refused, not served), and its
 * version one this build knows. Runs in one transaction under an advisory lock on the schema
 * name, so two processes opening the same tenant at once do not race.
 */
export async function ensureSchema(client: pg.PoolClient, schema: string, scope: string): Promise<void> {
  const t = tablesOf(schema);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`custodia-schema:${schema}`]);
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE SCHEMA ${t.schema}`);
      await client.query(ddl(t));
      await client.query(`INSERT INTO ${t.meta} (name, value) VALUES ('scope', $1), ('version', $2)`, [
        scope,
        String(SCHEMA_VERSION),
      ]);
    }
    const meta = await client.query<{ name: string; value: string }>(`SELECT name, value FROM ${t.meta}`);
    const get = (name: string) => meta.rows.find((r) => r.name === name)?.value;
    if (get('scope') !== scope) {
      throw new Error(`schema ${schema} belongs to scope ${JSON.stringify(get('scope') ?? null)}, not ${JSON.stringify(scope)}`);
    }
    const version = Number(get('version'));
    if (!(version >= 1 && version <= SCHEMA_VERSION)) {
      throw new Error(`store ${scope} has schema version ${get('version')}; this build knows up to ${SCHEMA_VERSION}`);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
