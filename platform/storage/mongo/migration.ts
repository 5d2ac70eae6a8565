// Moving one store (a tenant's, or the platform's) from the sqlite adapter to MongoDB without
// decrypting anything (CLI: scripts/migrate.ts; guide: docs/mongodb.md).
//
// Sealed bodies and wrapped keys are copied as stored bytes. They still open on the other side
// because the keyring's AAD binds tenant, collection and record id (and a wrapped key's context
// binds tenant, scope and version), never the store that holds them (platform/crypto/keyring.ts).
//
// The source is read through its own read-only connection (the port cannot list record kinds)
// inside one read transaction: the copy is a consistent snapshot and the source database is never
// written (SQLite may leave empty -wal/-shm companions of a read-only reader behind). The target
// is written only through the Store port, so any adapter can be a target (the tests use sqlite).
import { createHash, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import type { KeyStore } from '../../crypto/keyring.ts';
import { createKeyring } from '../../crypto/keyring.ts';
import type { MasterKeyProvider } from '../../crypto/types.ts';
import { ErasedError } from '../../errors.ts';
import {
  PLATFORM_SCOPE,
  TENANT_ID_PATTERN,
  assertTenantId,
  type Store,
  type StoredAuditEntry,
  type StoredCheckpoint,
  type StoredKey,
  type StoredPoint,
  type StoredRecord,
} from '../port.ts';
import { SCHEMA_VERSION } from '../sqlite/schema.ts';
import { SERIES_COLLECTION } from '../../crypto/collections.ts';
import { toAudit, toRecord, type AuditRow, type PointRow as SqlitePointRow, type RecordRow as SqliteRecordRow } from '../sqlite/rows.ts';

export { SERIES_COLLECTION };

// ---- command line

export const MIGRATE_HELP = `Copy one Custodia store from the sqlite data directory to MongoDB or PostgreSQL, sealed bytes
as they are, then verify both sides.

Usage:
  npm run migrate -- --tenant <id> --to <mongodb-uri | postgres-url> [options]
  npm run migrate -- --platform --to <mongodb-uri | postgres-url> [options]

Options:
  --tenant <id>          tenant whose store is copied (a-z, 0-9 and "-", 2-40 characters)
  --platform             copy the platform's own store instead (tenant registry, users, platform audit)
  --to <uri>             target MongoDB (mongodb:// or mongodb+srv://) or PostgreSQL (postgres://
                         or postgresql://): the same URL the platform will get as CUSTODIA_STORE_URL
  --from-data-dir <dir>  sqlite data directory to read (default ./data); it is opened read-only
  --sample <n>           records and points opened with the keyring on both sides (default 20;
                         0 skips the check and the need for the master key)
  --batch-size <n>       records or points per target commit (default 500)
  --replace              drop the tenant's existing database or schema first (refused otherwise
                         when the target already holds data for it)
  --help                 this text

The master key comes from CUSTODIA_MASTER_KEY, or from <from-data-dir>/master.key.
Exit status: 0 when every check matches, 1 on any mismatch or error, 2 on bad arguments.`;

const argsSchema = z
  .object({
    tenant: z.string().regex(TENANT_ID_PATTERN, 'must be 2-40 of a-z, 0-9 and "-", starting with a letter').optional(),
    platform: z.boolean().default(false),
    to: z
      .string({ error: 'is required' })
      .regex(
        /^(mongodb(\+srv)?|postgres(ql)?):\/\//,
        'must start with mongodb://, mongodb+srv://, postgres:// or postgresql://',
      ),
    fromDataDir: z.string().min(1).default('./data'),
    sample: z.coerce.number().int().min(0).max(100_000).default(20),
    batchSize: z.coerce.number().int().min(1).max(10_000).default(500),
    replace: z.boolean().default(false),
  })
  .refine((a) => (a.tenant === undefined) !== !a.platform, { message: 'give exactly one of --tenant <id> or --platform' });

export type MigrateArgs = z.infer<typeof argsSchema>;

const FLAG_OF: Record<string, string> = {
  tenant: '--tenant',
  platform: '--platform',
  to: '--to',
  fromDataDir: '--from-data-dir',
  sample: '--sample',
  batchSize: '--batch-size',
  replace: '--replace',
};

/** Parsed flags, `'help'`, or one line saying what is wrong (the CLI adds "see --help"). */
export function parseMigrateArgs(argv: readonly string[]): MigrateArgs | 'help' | { error: string } {
  const raw: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const name = Object.keys(FLAG_OF).find((k) => FLAG_OF[k] === flag);
    if (!name) return { error: `unknown argument ${JSON.stringify(arg)}` };
    if (name === 'platform' || name === 'replace') {
      if (eq > 0) return { error: `${flag} takes no value` };
      raw[name] = true;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) return { error: `${flag} needs a value` };
    raw[name] = value;
  }
  const parsed = argsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = FLAG_OF[String(issue.path[0] ?? '')];
    return { error: flag ? `${flag} ${issue.message}` : issue.message };
  }
  return parsed.data;
}

// ---- reading a sqlite store

type RecordRow = SqliteRecordRow & { rowid: number };
type PointRow = SqlitePointRow & { rowid: number };

const RECORD_SELECT = `SELECT r.rowid AS rowid, r.kind, r.id, r.subject, r.body, r.created_at, r.updated_at,
  (SELECT json_group_object(i.name, i.value) FROM record_index i WHERE i.kind = r.kind AND i.id = r.id) AS idx
  FROM records r`;
const AUDIT_SELECT = 'SELECT seq, ts, actor, action, target, outcome, details, prev_hash, hash FROM audit';

/** Where the sqlite adapter keeps a scope's file (platform/storage/sqlite/provider.ts). */
export function sqliteFileFor(dataDir: string, scope: string): string {
  if (scope === PLATFORM_SCOPE) return join(dataDir, 'platform.db');
  assertTenantId(scope);
  return join(dataDir, 'tenants', `${scope}.db`);
}

/** Read-only view of one sqlite store, all reads inside one snapshot. */
export class SqliteExport {
  readonly #db: Database.Database;

  private constructor(
    readonly scope: string,
    readonly file: string,
    db: Database.Database,
  ) {
    this.#db = db;
  }

  static open(dataDir: string, scope: string): SqliteExport {
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
      return new SqliteExport(scope, file, db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  close(): void {
    if (!this.#db.open) return;
    if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
    this.#db.close();
  }

  /** Record count per kind, in byte order of kind. */
  recordCounts(): Map<string, number> {
    const rows = this.#db
      .prepare<[], { kind: string; n: number }>('SELECT kind, count(*) AS n FROM records GROUP BY kind ORDER BY kind')
      .all();
    return new Map(rows.map((r) => [r.kind, r.n]));
  }

  pointCounts(): Map<string, number> {
    const rows = this.#db
      .prepare<[], { series: string; n: number }>('SELECT series, count(*) AS n FROM points GROUP BY series ORDER BY series')
      .all();
    return new Map(rows.map((r) => [r.series, r.n]));
  }

  *records(pageSize: number): Generator<StoredRecord[]> {
    const page = this.#db.prepare<[number, number], RecordRow>(`${RECORD_SELECT} WHERE r.rowid > ? ORDER BY r.rowid LIMIT ?`);
    for (let after = 0; ; ) {
      const rows = page.all(after, pageSize);
      if (rows.length === 0) return;
      after = rows.at(-1)!.rowid;
      yield rows.map(toRecord);
    }
  }

  *points(pageSize: number): Generator<StoredPoint[]> {
    const page = this.#db.prepare<[number, number], PointRow>(
      'SELECT rowid, series, id, ts, subject, body FROM points WHERE rowid > ? ORDER BY rowid LIMIT ?',
    );
    for (let after = 0; ; ) {
      const rows = page.all(after, pageSize);
      if (rows.length === 0) return;
      after = rows.at(-1)!.rowid;
      yield rows.map((r) => ({ series: r.series, id: r.id, ts: r.ts, subject: r.subject, body: r.body }));
    }
  }

  *audit(pageSize: number): Generator<StoredAuditEntry[]> {
    const page = this.#db.prepare<[number, number], AuditRow>(`${AUDIT_SELECT} WHERE seq > ? ORDER BY seq LIMIT ?`);
    for (let after = Number.MIN_SAFE_INTEGER; ; ) {
      const rows = page.all(after, pageSize);
      if (rows.length === 0) return;
      after = rows.at(-1)!.seq;
      yield rows.map(toAudit);
    }
  }

  keys(): StoredKey[] {
    return this.#db
      .prepare<[], { scope: string; version: number; wrapped: Buffer; wrapped_by: string; created_at: number }>(
        'SELECT scope, version, wrapped, wrapped_by, created_at FROM keys ORDER BY scope, version',
      )
      .all()
      .map((k) => ({
        scope: k.scope,
        version: k.version,
        wrapped: k.wrapped,
        wrappedBy: k.wrapped_by,
        createdAt: k.created_at,
      }));
  }

  checkpoints(): StoredCheckpoint[] {
    return this.#db
      .prepare<[], { seq: number; head_hash: string; ts: number; signature: string; key_id: string }>(
        'SELECT seq, head_hash, ts, signature, key_id FROM checkpoints ORDER BY seq, rowid',
      )
      .all()
      .map((c) => ({ seq: c.seq, headHash: c.head_hash, ts: c.ts, signature: c.signature, keyId: c.key_id }));
  }

  getRecord(kind: string, id: string): StoredRecord | null {
    const row = this.#db.prepare<[string, string], RecordRow>(`${RECORD_SELECT} WHERE r.kind = ? AND r.id = ?`).get(kind, id);
    return row ? toRecord(row) : null;
  }

  getPoint(id: string): StoredPoint | null {
    const row = this.#db
      .prepare<[string], PointRow>('SELECT rowid, series, id, ts, subject, body FROM points WHERE id = ?')
      .get(id);
    return row ? { series: row.series, id: row.id, ts: row.ts, subject: row.subject, body: row.body } : null;
  }

  lastAudit(): StoredAuditEntry | null {
    const row = this.#db.prepare<[], AuditRow>(`${AUDIT_SELECT} ORDER BY seq DESC LIMIT 1`).get();
    return row ? toAudit(row) : null;
  }

  /** The keyring's view of this store's keys; it cannot write (verification must not create keys). */
  keyStore(): KeyStore {
    const keys = this.keys();
    return readOnlyKeyStore({
      getKeys: async (scope) => keys.filter((k) => k.scope === scope),
      listKeyScopes: async (prefix) => [...new Set(keys.map((k) => k.scope).filter((s) => s.startsWith(prefix)))],
    });
  }
}

export function readOnlyKeyStore(source: Pick<KeyStore, 'getKeys'> & Pick<Store, 'listKeyScopes'>): KeyStore {
  const refuse = async (): Promise<never> => {
    throw new Error('key store is read-only during migration checks');
  };
  return {
    getKeys: (scope) => source.getKeys(scope),
    listKeyScopes: (prefix) => source.listKeyScopes(prefix),
    putKey: refuse,
    destroyKeys: refuse,
  };
}

// ---- copying

/** Keeps a uniform random sample of at most `size` items from a stream of unknown length
 *  (reservoir sampling, Algorithm R). `random(n)` returns an integer in [0, n). */
export class Reservoir<T> {
  readonly items: T[] = [];
  #seen = 0;

  constructor(
    readonly size: number,
    private readonly random: (n: number) => number = randomInt,
  ) {}

  offer(item: T): void {
    this.#seen++;
    if (this.items.length < this.size) {
      this.items.push(item);
      return;
    }
    const j = this.random(this.#seen);
    if (j < this.size) this.items[j] = item;
  }

  get seen(): number {
    return this.#seen;
  }
}

export interface CopyOptions {
  batchSize: number;
  sample: number;
  onProgress?: (what: string, copied: number) => void;
}

export interface CopyResult {
  keys: number;
  records: number;
  points: number;
  audit: number;
  checkpoints: number;
  sampledRecords: { kind: string; id: string }[];
  sampledPoints: string[];
}

/** Target writes go through the port only. */
export type TargetStore = Pick<
  Store,
  | 'commit'
  | 'putKey'
  | 'appendAudit'
  | 'putCheckpoint'
  | 'get'
  | 'count'
  | 'range'
  | 'countPoints'
  | 'listSeries'
  | 'getKeys'
  | 'listKeyScopes'
  | 'readAudit'
  | 'lastAudit'
  | 'listCheckpoints'
> & {
  /** Adapters that can list record kinds (MongoStore) let verification notice kinds the source lacks. */
  listKinds?: () => Promise<string[]>;
};

/** What makes a target "not empty" for this scope (a second run must not double the audit log). */
export async function targetHoldsData(target: TargetStore, kinds: Iterable<string>): Promise<boolean> {
  if ((await target.lastAudit()) !== null) return true;
  if ((await target.listKeyScopes('')).length > 0) return true;
  if ((await target.listSeries()).length > 0) return true;
  if ((await target.listCheckpoints()).length > 0) return true;
  if (target.listKinds && (await target.listKinds()).length > 0) return true;
  for (const kind of kinds) if ((await target.count(kind)) > 0) return true;
  return false;
}

export async function copyStore(source: SqliteExport, target: TargetStore, opts: CopyOptions): Promise<CopyResult> {
  const progress = opts.onProgress ?? (() => undefined);
  const recordSample = new Reservoir<{ kind: string; id: string }>(opts.sample);
  const pointSample = new Reservoir<string>(opts.sample);

  // Keys first: a half-finished copy then never holds data it could not open.
  const keys = source.keys();
  for (const k of keys) await target.putKey(k);
  progress('keys', keys.length);

  let records = 0;
  for (const page of source.records(opts.batchSize)) {
    await target.commit({ put: page });
    for (const r of page) recordSample.offer({ kind: r.kind, id: r.id });
    records += page.length;
    progress('records', records);
  }

  let points = 0;
  for (const page of source.points(opts.batchSize)) {
    await target.commit({ points: page });
    for (const p of page) pointSample.offer(p.id);
    points += page.length;
    progress('points', points);
  }

  let audit = 0;
  for (const page of source.audit(opts.batchSize)) {
    await target.appendAudit(page);
    audit += page.length;
    progress('audit entries', audit);
  }

  const checkpoints = source.checkpoints();
  for (const cp of checkpoints) await target.putCheckpoint(cp);
  progress('checkpoints', checkpoints.length);

  return {
    keys: keys.length,
    records,
    points,
    audit,
    checkpoints: checkpoints.length,
    sampledRecords: recordSample.items,
    sampledPoints: pointSample.items,
  };
}

// ---- verifying

export interface CheckRow {
  check: string;
  source: string;
  target: string;
  ok: boolean;
}

const row = (check: string, source: unknown, target: unknown, ok = String(source) === String(target)): CheckRow => ({
  check,
  source: String(source),
  target: String(target),
  ok,
});

/** Rows comparing two count maps (missing on one side counts as 0). */
export function compareCounts(label: string, source: Map<string, number>, target: Map<string, number>): CheckRow[] {
  const names = [...new Set([...source.keys(), ...target.keys()])].sort();
  return names.map((name) => row(`${label} ${name}`, source.get(name) ?? 0, target.get(name) ?? 0));
}

/** Order-independent digest of key rows: scope, version, wrapping key, createdAt and wrapped bytes. */
export function keysDigest(keys: readonly StoredKey[]): string {
  const lines = keys
    .map((k) => {
      const bytes = createHash('sha256').update(k.wrapped).digest('hex');
      return `${k.scope}\0${k.version}\0${k.wrappedBy}\0${k.createdAt}\0${bytes}`;
    })
    .sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

const sameAudit = (a: StoredAuditEntry, b: StoredAuditEntry) =>
  a.seq === b.seq &&
  a.ts === b.ts &&
  a.actor === b.actor &&
  a.action === b.action &&
  a.target === b.target &&
  a.outcome === b.outcome &&
  a.details === b.details &&
  a.prevHash === b.prevHash &&
  a.hash === b.hash;

export interface VerifyOptions {
  /** Opens sealed values on both sides; absent: the sample checks are skipped. */
  master?: MasterKeyProvider;
  sampledRecords: { kind: string; id: string }[];
  sampledPoints: string[];
  pageSize?: number;
}

export async function verifyCopy(source: SqliteExport, target: TargetStore, opts: VerifyOptions): Promise<CheckRow[]> {
  const rows: CheckRow[] = [];
  const pageSize = opts.pageSize ?? 1000;

  // Records per kind (kinds the target has and the source lacks too, where the target can list them).
  const sourceKinds = source.recordCounts();
  const targetKinds = new Map<string, number>();
  const kinds = new Set([...sourceKinds.keys(), ...((await target.listKinds?.()) ?? [])]);
  for (const kind of kinds) targetKinds.set(kind, await target.count(kind));
  rows.push(...compareCounts('records of kind', sourceKinds, targetKinds));

  // Points per series.
  const sourceSeries = source.pointCounts();
  const targetSeries = new Map<string, number>();
  for (const series of await target.listSeries()) targetSeries.set(series, await target.countPoints(series));
  rows.push(...compareCounts('points of series', sourceSeries, targetSeries));
  rows.push(row('points in total', sum(sourceSeries), await target.countPoints()));

  // Keys: the scopes, then every wrapped byte.
  const sourceKeys = source.keys();
  const sourceScopes = [...new Set(sourceKeys.map((k) => k.scope))].sort();
  const targetScopes = [...(await target.listKeyScopes(''))].sort();
  rows.push(row('key scopes', sourceScopes.length, targetScopes.length, sourceScopes.join('\n') === targetScopes.join('\n')));
  const targetKeys = (await Promise.all(targetScopes.map((s) => target.getKeys(s)))).flat();
  rows.push(row('keys (digest of wrapped bytes)', keysDigest(sourceKeys), keysDigest(targetKeys)));

  // Audit: the head, then every entry field by field.
  const sourceHead = source.lastAudit();
  const targetHead = await target.lastAudit();
  const head = (e: StoredAuditEntry | null) => (e ? `#${e.seq} ${e.hash.slice(0, 12)}` : 'empty');
  const sameHead = sourceHead?.seq === targetHead?.seq && sourceHead?.hash === targetHead?.hash;
  rows.push(row('audit head', head(sourceHead), head(targetHead), sameHead));
  let sourceAudit = 0;
  let identical = 0;
  let next = Number.MIN_SAFE_INTEGER;
  for (const page of source.audit(pageSize)) {
    const theirs = await target.readAudit(page[0]!.seq, page.length);
    page.forEach((e, i) => {
      if (theirs[i] && sameAudit(e, theirs[i])) identical++;
    });
    sourceAudit += page.length;
    next = page.at(-1)!.seq + 1;
  }
  const extra = (await target.readAudit(next, 1)).length;
  rows.push(row('audit entries identical', sourceAudit, identical + extra, identical === sourceAudit && extra === 0));

  const sourceCps = source.checkpoints();
  const targetCps = await target.listCheckpoints();
  const cpText = (cps: StoredCheckpoint[]) =>
    cps.map((c) => [c.seq, c.headHash, c.ts, c.signature, c.keyId].join('|')).join('\n');
  rows.push(row('checkpoints', sourceCps.length, targetCps.length, cpText(sourceCps) === cpText(targetCps)));

  if (!opts.master) {
    rows.push(row('sampled values opened', 'skipped', 'skipped', true));
    return rows;
  }
  // Two keyrings over the same master key, each reading its own side's wrapped keys.
  const sourceRing = createKeyring({ master: opts.master, storeFor: async () => source.keyStore() });
  const targetRing = createKeyring({
    master: opts.master,
    storeFor: async () => readOnlyKeyStore(target),
  });
  const openBoth = async (collection: string, a: { id: string; subject: string | null; body: Buffer }, b: typeof a | null) => {
    if (!b || b.subject !== a.subject || !b.body.equals(a.body)) return false;
    const ref = { tenant: source.scope, collection, id: a.id, subject: a.subject };
    const [mine, theirs] = await Promise.all([
      attemptOpen(() => sourceRing.open(ref, a.body)),
      attemptOpen(() => targetRing.open(ref, b.body)),
    ]);
    if (mine.erased && theirs.erased) return true;
    return mine.value !== undefined && theirs.value !== undefined && mine.value.equals(theirs.value);
  };

  let recordsOk = 0;
  for (const { kind, id } of opts.sampledRecords) {
    const mine = source.getRecord(kind, id);
    const theirs = await target.get(kind, id);
    const metaOk =
      mine !== null &&
      theirs !== null &&
      mine.createdAt === theirs.createdAt &&
      mine.updatedAt === theirs.updatedAt &&
      JSON.stringify(Object.entries(mine.index).sort()) === JSON.stringify(Object.entries(theirs.index).sort());
    if (mine && metaOk && (await openBoth(kind, mine, theirs))) recordsOk++;
  }
  rows.push(row('sampled records opened and equal', opts.sampledRecords.length, recordsOk));

  let pointsOk = 0;
  for (const id of opts.sampledPoints) {
    const mine = source.getPoint(id);
    if (!mine) continue;
    const theirs = (await target.range({ series: mine.series, from: mine.ts, to: mine.ts })).find((p) => p.id === id) ?? null;
    if (await openBoth(SERIES_COLLECTION, mine, theirs)) pointsOk++;
  }
  rows.push(row('sampled points opened and equal', opts.sampledPoints.length, pointsOk));
  return rows;
}

async function attemptOpen(open: () => Promise<Buffer>): Promise<{ value?: Buffer; erased?: boolean }> {
  try {
    return { value: await open() };
  } catch (err) {
    // A crypto-shredded subject opens on neither side; that is agreement, not a failure.
    if (err instanceof ErasedError) return { erased: true };
    return {};
  }
}

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** A plain-text table; long names are cut so the columns stay aligned. */
export function formatTable(rows: readonly CheckRow[]): string {
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const cells = rows.map((r) => [cut(r.check, 48), cut(r.source, 22), cut(r.target, 22), r.ok ? 'ok' : 'MISMATCH']);
  const header = ['check', 'source (sqlite)', 'target (mongodb)', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
