// Pure helpers of the MongoDB adapter (./store.ts, ./provider.ts): database names, the document
// shape of index entries, query filters, batch checks, and the one-line start-up errors.
// Nothing here talks to a server, so all of it is unit-tested in ./encoding.test.ts.
import { PLATFORM_SCOPE, assertTenantId, type StoredAuditEntry, type WriteBatch } from '../port.ts';
import { checkBytes, checkLimit, checkNumber, str } from '../shared/checks.ts';

// The checks every adapter shares; re-exported for this adapter's store and tests.
export { checkBytes, checkLimit, checkNumber, str };

// ---- database names

export const DEFAULT_DB_PREFIX = 'custodia_';

/** A prefix keeps every database name well under MongoDB's 64-byte limit
 *  (20 + "t_" + 40-character tenant id = 62) and inside the characters any deployment accepts. */
export const DB_PREFIX_PATTERN = /^[a-z][a-z0-9_]{0,19}$/;

export function assertDbPrefix(prefix: string): void {
  if (!DB_PREFIX_PATTERN.test(prefix)) {
    throw new Error(`invalid database prefix ${JSON.stringify(prefix)}: 1-20 of a-z, 0-9 and _, starting with a letter`);
  }
}

/** `<prefix>platform` for the platform store, `<prefix>t_<tenantId>` for a tenant. The tenant id
 *  is checked against TENANT_ID_PATTERN first, so no caller can reach another database by name. */
export function databaseName(scope: string, prefix = DEFAULT_DB_PREFIX): string {
  assertDbPrefix(prefix);
  if (scope === PLATFORM_SCOPE) return `${prefix}platform`;
  assertTenantId(scope);
  return `${prefix}t_${scope}`;
}

// ---- clear index entries

/** One equality-searchable entry of a record, stored as an array element so a single multikey
 *  index on (kind, index.n, index.v) serves every name (see ./schema.ts). */
export interface IndexEntry {
  n: string;
  v: string;
}

export function encodeIndex(index: Record<string, string>): IndexEntry[] {
  return Object.entries(index)
    .map(([n, v]) => {
      if (typeof v !== 'string') throw new TypeError(`index ${n} must be a string`);
      return { n, v };
    })
    .sort((a, b) => compareBytes(a.n, b.n));
}

export function decodeIndex(entries: readonly IndexEntry[] | undefined): Record<string, string> {
  const index: Record<string, string> = {};
  for (const e of entries ?? []) index[e.n] = e.v;
  return index;
}

// ---- filters (every caller-supplied value is checked to be a string: an object here would be
// read by the server as a query operator such as {$ne: null})

export type RecordFilter = Record<string, unknown>;

/** kind, every `where` entry (AND, each matched on one array element) and optionally subject. */
export function recordFilter(kind: string, where?: Record<string, string>, subject?: string): RecordFilter {
  const filter: RecordFilter = { kind: str('kind', kind) };
  const terms = Object.entries(where ?? {}).map(([n, v]) => ({
    index: { $elemMatch: { n, v: str(`where.${n}`, v) } },
  }));
  if (terms.length === 1) Object.assign(filter, terms[0]);
  else if (terms.length > 1) filter.$and = terms;
  if (subject !== undefined) filter.subject = str('subject', subject);
  return filter;
}

/** Regular-expression metacharacters escaped: a key scope prefix is matched literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Anchored, case-sensitive prefix match: MongoDB answers it from the (scope, version) index. */
export function scopePrefixPattern(prefix: string): RegExp {
  return new RegExp(`^${escapeRegExp(str('prefix', prefix))}`);
}

/** Orders like sqlite's BINARY collation and MongoDB's simple collation (UTF-8 bytes), not like
 *  JavaScript's UTF-16 code units, so both adapters list series and scopes in the same order. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

// ---- batch checks, run before any write

/** Values that occur more than once, in first-repeat order. */
export function duplicates(values: Iterable<string>): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const v of values) (seen.has(v) ? repeated : seen).add(v);
  return [...repeated];
}

/** Bodies come back as BSON Binary; anything else (a string written by another program, say) is
 *  refused rather than handed to the keyring. Checked by _bsontype rather than instanceof, which
 *  holds across copies of the bson package; the copy detaches the bytes from the driver's buffer. */
export function toBuffer(value: unknown): Buffer {
  const v = value as { _bsontype?: unknown; value?: () => Uint8Array } | null;
  if (v?._bsontype === 'Binary' && typeof v.value === 'function') return Buffer.from(v.value());
  if (Buffer.isBuffer(value)) return value;
  throw new TypeError('stored body is not binary');
}

/** Same checks as the sqlite adapter, plus string kinds, ids and subjects (an object would be an
 *  operator here), and the in-batch duplicate point id check that makes the whole batch fail
 *  before anything is written (port: commit is all or nothing). */
export function checkBatch(batch: WriteBatch): void {
  for (const r of batch.put ?? []) {
    str('kind', r.kind);
    str('id', r.id);
    if (r.subject !== null && r.subject !== undefined) str('subject', r.subject);
    checkBytes(`body of ${r.kind}/${r.id}`, r.body);
    checkNumber('createdAt', r.createdAt);
    checkNumber('updatedAt', r.updatedAt);
    encodeIndex(r.index);
  }
  for (const d of batch.delete ?? []) {
    str('kind', d.kind);
    str('id', d.id);
  }
  const points = batch.points ?? [];
  for (const p of points) {
    str('series', p.series);
    str('point id', p.id);
    if (p.subject !== null && p.subject !== undefined) str('subject', p.subject);
    checkBytes(`body of point ${p.id}`, p.body);
    checkNumber('ts', p.ts);
  }
  const repeated = duplicates(points.map((p) => p.id));
  if (repeated.length > 0) throw new DuplicateIdError('point id', repeated);
}

export function checkAuditEntries(entries: readonly StoredAuditEntry[]): void {
  for (const e of entries) {
    if (!Number.isSafeInteger(e.seq)) throw new RangeError('audit seq must be an integer');
    checkNumber('audit ts', e.ts);
    for (const field of ['actor', 'action', 'target', 'outcome', 'details', 'prevHash', 'hash'] as const) {
      str(`audit ${field}`, e[field]);
    }
  }
  const repeated = duplicates(entries.map((e) => String(e.seq)));
  if (repeated.length > 0) throw new DuplicateIdError('audit seq', repeated);
}

export class DuplicateIdError extends Error {
  override name = 'DuplicateIdError';
  constructor(
    readonly what: string,
    readonly values: string[],
    options?: ErrorOptions,
  ) {
    super(`batch rejected: duplicate ${what} ${values.slice(0, 5).map((v) => JSON.stringify(v)).join(', ')}`, options);
  }
}

/** MongoDB's duplicate-key error, whether raised by one write or inside a bulk write. */
export function isDuplicateKeyError(err: unknown): boolean {
  const e = err as { code?: unknown; writeErrors?: { code?: unknown }[] } | null;
  return e?.code === 11000 || (Array.isArray(e?.writeErrors) && e.writeErrors.some((w) => w.code === 11000));
}

// ---- server description

export type ServerMode = 'replicaSet' | 'sharded' | 'standalone';

/** From the `hello` reply: a replica set names itself (`setName`), a mongos answers "isdbgrid".
 *  Multi-document transactions need one of those two and logical sessions. */
export function serverModeFromHello(hello: Record<string, unknown>): ServerMode {
  if (typeof hello.setName === 'string' && hello.setName.length > 0) return 'replicaSet';
  if (hello.msg === 'isdbgrid') return 'sharded';
  return 'standalone';
}

export function supportsTransactions(mode: ServerMode, hello: Record<string, unknown>): boolean {
  return mode !== 'standalone' && hello.logicalSessionTimeoutMinutes != null;
}

/** "7.0.12" → [7, 0, 12]; anything unparsable → [0, 0, 0]. */
export function parseServerVersion(version: unknown): [number, number, number] {
  const m = typeof version === 'string' ? /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : [0, 0, 0];
}

// ---- connection strings and start-up errors

// Query options that carry secrets: tlsCertificateKeyFilePassword, and AWS session tokens inside
// authMechanismProperties.
const SECRET_PARAM = /pass(word)?|secret|token|authMechanismProperties/i;

/** The URI with its password (and any password-like query option) replaced by "***", for messages. */
export function redactUri(uri: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(uri)?.[0];
  if (!scheme) return '(unparsable connection string)';
  const rest = uri.slice(scheme.length);
  const q = rest.indexOf('?');
  let head = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? '' : rest.slice(q + 1);
  // The userinfo ends at the last "@" before the query (a percent-encoded password has none).
  const at = head.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = head.slice(0, at);
    const colon = userinfo.indexOf(':');
    head = `${colon < 0 ? userinfo : `${userinfo.slice(0, colon)}:***`}@${head.slice(at + 1)}`;
  }
  const params = query
    ? query
        .split('&')
        .map((p) => {
          const eq = p.indexOf('=');
          return eq > 0 && SECRET_PARAM.test(p.slice(0, eq)) ? `${p.slice(0, eq)}=***` : p;
        })
        .join('&')
    : '';
  return `${scheme}${head}${params ? `?${params}` : ''}`;
}

/** Removes the URI's secrets from free text (a driver message may quote parts of the URI). */
export function redactText(text: string, uri: string): string {
  let out = text.split(uri).join(redactUri(uri));
  for (const secret of uriSecrets(uri)) if (secret.length >= 3) out = out.split(secret).join('***');
  return out;
}

function uriSecrets(uri: string): string[] {
  const secrets: string[] = [];
  const rest = uri.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const q = rest.indexOf('?');
  const head = q < 0 ? rest : rest.slice(0, q);
  const at = head.lastIndexOf('@');
  const colon = at >= 0 ? head.slice(0, at).indexOf(':') : -1;
  if (colon >= 0) secrets.push(head.slice(colon + 1, at));
  for (const p of q < 0 ? [] : rest.slice(q + 1).split('&')) {
    const eq = p.indexOf('=');
    if (eq > 0 && SECRET_PARAM.test(p.slice(0, eq))) secrets.push(p.slice(eq + 1));
  }
  return secrets.flatMap((s) => {
    try {
      const decoded = decodeURIComponent(s);
      return decoded === s ? [s] : [s, decoded];
    } catch {
      return [s];
    }
  });
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  codeName?: unknown;
  cause?: unknown;
}

/** The error and its causes (the driver nests the server's reason in `cause`). */
function errorChain(err: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let e: unknown = err;
  while (e && typeof e === 'object' && chain.length < 5 && !chain.includes(e as ErrorLike)) {
    chain.push(e as ErrorLike);
    e = (e as ErrorLike).cause;
  }
  return chain;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** One clear line for a failed start-up connection, with no secret from the URI in it. */
export function describeConnectError(err: unknown, uri: string, timeoutMs: number): string {
  const chain = errorChain(err);
  const where = redactUri(uri);
  const first = chain[0];
  const reason = oneLine(redactText(String(first?.message ?? err), uri)).slice(0, 300);
  const authFailed = chain.some(
    (e) => e.code === 18 || e.codeName === 'AuthenticationFailed' || /authentication failed/i.test(String(e.message ?? '')),
  );
  if (authFailed) {
    return (
      `MongoDB at ${where} rejected the credentials (authentication failed); ` +
      'check the user, password and authSource in MONGODB_URI'
    );
  }
  if (chain.some((e) => e.code === 13 || e.codeName === 'Unauthorized')) {
    return (
      `MongoDB at ${where} refused an operation for lack of privileges (the user needs readWrite and dbAdmin ` +
      `on Custodia's databases; see docs/mongodb.md): ${reason}`
    );
  }
  if (chain.some((e) => e.name === 'MongoParseError' || /unable to parse/i.test(String(e.message ?? '')))) {
    return `MONGODB_URI is not a usable MongoDB connection string (${where}): ${reason}`;
  }
  if (chain.some((e) => /ServerSelectionError$/.test(String(e.name ?? '')) || e.name === 'MongoNetworkError')) {
    const seconds = Math.round(timeoutMs / 100) / 10;
    return `MongoDB at ${where} is unreachable (no usable server answered within ${seconds} s): ${reason}`;
  }
  return `could not connect to MongoDB at ${where}: ${reason}`;
}
