// The backup format: a bundle (every store's rows exactly as stored, gzip'd NDJSON; sealed bodies
// and wrapped keys stay sealed and wrapped) and a manifest (counts, audit heads, content hashes,
// erasure-coding layout) signed with the platform's Ed25519 audit key. docs/backup.md describes it.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { canonicalJson } from '../audit/hash.ts';
import { TENANT_ID_PATTERN, type StoredAuditEntry, type StoredCheckpoint, type StoredKey, type StoredPoint, type StoredRecord } from '../storage/port.ts';

export const BACKUP_FORMAT = 'custodia-backup/1';
/** Signatures cover this tag, a NUL, then the canonical JSON of the manifest. */
const MANIFEST_DOMAIN = 'custodia/backup-manifest/v1';

export const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** One store's rows as stored. */
export interface StoreSection {
  scope: string;
  keys: StoredKey[];
  records: StoredRecord[];
  points: StoredPoint[];
  audit: StoredAuditEntry[];
  checkpoints: StoredCheckpoint[];
}

// ---- manifest

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const count = z.number().int().min(0);
const scopeName = z.union([z.literal('_platform'), z.string().regex(TENANT_ID_PATTERN)]);

export const storeSummarySchema = z.object({
  scope: scopeName,
  keys: count,
  /** Digest of every wrapped key row (scope, version, wrapping key, createdAt, bytes). */
  keysDigest: z.string(),
  records: z.record(z.string(), count),
  points: z.record(z.string(), count),
  audit: count,
  checkpoints: count,
  auditHead: z.object({ seq: count, hash: hex64 }).nullable(),
  /** sha256 over this store's lines in the bundle. */
  contentSha256: hex64,
});
export type StoreSummary = z.infer<typeof storeSummarySchema>;

const REGION_NAME = /^[a-z][a-z0-9-]{1,39}$/;

export const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  id: z.string().regex(/^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$/),
  createdAt: count,
  /** The platform (its store and the tenants of the default location), one tenant, or the
   *  tenants of one region (residency: a region's backups go to its own targets only). */
  of: z.union([
    z.object({ platform: z.literal(true) }),
    z.object({ tenant: z.string().regex(TENANT_ID_PATTERN), region: z.string().regex(REGION_NAME).optional() }),
    z.object({ region: z.string().regex(REGION_NAME) }),
  ]),
  /** The master key that wraps the keys inside (fingerprint only). */
  masterKeyId: z.string(),
  stores: z.array(storeSummarySchema).min(1),
  bundle: z.object({ bytes: count, sha256: hex64, encoding: z.literal('ndjson+gzip') }),
  erasure: z.object({
    codec: z.literal('reed-solomon/cauchy/gf256'),
    k: z.number().int().min(1).max(256),
    n: z.number().int().min(1).max(256),
    shardBytes: count,
    shards: z.array(z.object({ index: count, sha256: hex64 })),
  }),
  /** The platform's audit signing key, wrapped by the master key exactly as stored: whoever holds
   *  the master key derives the public key from it and so trusts no key the backup merely names. */
  signer: z.object({ keyId: z.string(), wrapped: z.string(), wrappedBy: z.string() }),
});
export type Manifest = z.infer<typeof manifestSchema>;

export const signedManifestSchema = z.object({ manifest: manifestSchema, signature: z.string() });
export type SignedManifest = z.infer<typeof signedManifestSchema>;

export function manifestPayload(manifest: Manifest): Buffer {
  return Buffer.from(`${MANIFEST_DOMAIN}\0${canonicalJson(manifest)}`, 'utf8');
}

export function signManifest(manifest: Manifest, sign: (data: Buffer) => Buffer): SignedManifest {
  return { manifest, signature: sign(manifestPayload(manifest)).toString('base64') };
}

/** Parses a manifest file's text; throws a one-line reason when it is not one. */
export function parseSignedManifest(text: string): SignedManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('manifest is not JSON');
  }
  const parsed = signedManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`manifest is malformed at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  if (parsed.data.manifest.erasure.k > parsed.data.manifest.erasure.n) throw new Error('manifest is malformed: k > n');
  return parsed.data;
}

/** `<UTC second>Z-<ms, 3 hex><random, 5 hex>`: ids sort by time to the millisecond, which the
 *  scheduler's pruning relies on (two scheduled runs may start within one second). */
export function newBackupId(now: Date, random: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `${stamp}-${now.getUTCMilliseconds().toString(16).padStart(3, '0')}${random.slice(0, 5)}`;
}

// ---- bundle lines

const b64 = (b: Buffer) => b.toString('base64');

type Line =
  | { t: 'store'; scope: string }
  | ({ t: 'key' } & Omit<StoredKey, 'wrapped'> & { wrapped: string })
  | ({ t: 'record' } & Omit<StoredRecord, 'body'> & { body: string })
  | ({ t: 'point' } & Omit<StoredPoint, 'body'> & { body: string })
  | ({ t: 'audit' } & StoredAuditEntry)
  | ({ t: 'checkpoint' } & StoredCheckpoint);

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const lineSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('store'), scope: scopeName }),
  z.object({ t: z.literal('key'), scope: z.string(), version: z.number().int(), wrapped: base64, wrappedBy: z.string(), createdAt: z.number() }),
  z.object({
    t: z.literal('record'),
    kind: z.string(),
    id: z.string(),
    subject: z.string().nullable(),
    index: z.record(z.string(), z.string()),
    body: base64,
    createdAt: z.number(),
    updatedAt: z.number(),
  }),
  z.object({ t: z.literal('point'), series: z.string(), id: z.string(), ts: z.number(), subject: z.string().nullable(), body: base64 }),
  z.object({
    t: z.literal('audit'),
    seq: z.number().int(),
    ts: z.number(),
    actor: z.string(),
    action: z.string(),
    target: z.string(),
    outcome: z.enum(['success', 'failure', 'denied']),
    details: z.string(),
    prevHash: z.string(),
    hash: z.string(),
  }),
  z.object({ t: z.literal('checkpoint'), seq: z.number().int(), headHash: z.string(), ts: z.number(), signature: z.string(), keyId: z.string() }),
]);

/** Accumulates one store's lines while keeping the counts and hashes its summary needs. */
export class SectionWriter {
  readonly #lines: string[] = [];
  readonly #hash = createHash('sha256');
  readonly records = new Map<string, number>();
  readonly points = new Map<string, number>();
  keys: StoredKey[] = [];
  audit = 0;
  checkpoints = 0;
  head: { seq: number; hash: string } | null = null;

  constructor(readonly scope: string) {
    this.#push({ t: 'store', scope });
  }

  #push(line: Line): void {
    const text = `${JSON.stringify(line)}\n`;
    this.#hash.update(text);
    this.#lines.push(text);
  }

  addKeys(keys: StoredKey[]): void {
    for (const k of keys) this.#push({ t: 'key', ...k, wrapped: b64(k.wrapped) });
    this.keys.push(...keys);
  }

  addRecords(records: StoredRecord[]): void {
    for (const r of records) {
      this.#push({ t: 'record', ...r, body: b64(r.body) });
      this.records.set(r.kind, (this.records.get(r.kind) ?? 0) + 1);
    }
  }

  addPoints(points: StoredPoint[]): void {
    for (const p of points) {
      this.#push({ t: 'point', ...p, body: b64(p.body) });
      this.points.set(p.series, (this.points.get(p.series) ?? 0) + 1);
    }
  }

  addAudit(entries: StoredAuditEntry[]): void {
    for (const e of entries) {
      this.#push({ t: 'audit', ...e });
      this.head = { seq: e.seq, hash: e.hash };
    }
    this.audit += entries.length;
  }

  addCheckpoints(cps: StoredCheckpoint[]): void {
    for (const c of cps) this.#push({ t: 'checkpoint', ...c });
    this.checkpoints += cps.length;
  }

  /** The lines and the summary; the writer must not be used afterwards. */
  finish(keysDigest: (keys: readonly StoredKey[]) => string): { text: string; summary: StoreSummary } {
    const sorted = (m: Map<string, number>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return {
      text: this.#lines.join(''),
      summary: {
        scope: this.scope,
        keys: this.keys.length,
        keysDigest: keysDigest(this.keys),
        records: sorted(this.records),
        points: sorted(this.points),
        audit: this.audit,
        checkpoints: this.checkpoints,
        auditHead: this.head,
        contentSha256: this.#hash.digest('hex'),
      },
    };
  }
}

export function packBundle(sectionTexts: readonly string[]): Buffer {
  // Level 1: sealed bodies hardly compress; the repeated JSON structure does at any level.
  return gzipSync(Buffer.from(sectionTexts.join(''), 'utf8'), { level: 1 });
}

/** Splits a bundle into store sections; each section's content hash must match its summary. */
export function unpackBundle(bundle: Uint8Array, summaries: readonly StoreSummary[]): StoreSection[] {
  const text = gunzipSync(bundle).toString('utf8');
  const sections: StoreSection[] = [];
  const hashes: ReturnType<typeof createHash>[] = [];
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    if (raw === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new Error(`bundle line ${lineNo} is not JSON`);
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) throw new Error(`bundle line ${lineNo} is malformed: ${parsed.error.issues[0]!.message}`);
    const line = parsed.data;
    if (line.t === 'store') {
      sections.push({ scope: line.scope, keys: [], records: [], points: [], audit: [], checkpoints: [] });
      hashes.push(createHash('sha256'));
    }
    const section = sections.at(-1);
    if (!section) throw new Error('bundle does not start with a store');
    hashes.at(-1)!.update(`${raw}\n`);
    switch (line.t) {
      case 'key': {
        const { t: _t, ...k } = line;
        section.keys.push({ ...k, wrapped: Buffer.from(k.wrapped, 'base64') });
        break;
      }
      case 'record': {
        const { t: _t, ...r } = line;
        section.records.push({ ...r, body: Buffer.from(r.body, 'base64') });
        break;
      }
      case 'point': {
        const { t: _t, ...p } = line;
        section.points.push({ ...p, body: Buffer.from(p.body, 'base64') });
        break;
      }
      case 'audit': {
        const { t: _t, ...e } = line;
        section.audit.push(e);
        break;
      }
      case 'checkpoint': {
        const { t: _t, ...c } = line;
        section.checkpoints.push(c);
        break;
      }
    }
  }
  if (sections.length !== summaries.length) throw new Error(`bundle holds ${sections.length} stores, the manifest ${summaries.length}`);
  sections.forEach((s, i) => {
    const summary = summaries[i]!;
    if (s.scope !== summary.scope) throw new Error(`bundle store ${i + 1} is ${s.scope}, the manifest says ${summary.scope}`);
    if (hashes[i]!.digest('hex') !== summary.contentSha256) throw new Error(`the content of store ${s.scope} does not match its hash in the manifest`);
  });
  return sections;
}
