// One scope's data in memory behind the Store port (../port.ts), for unit tests of the layers
// above storage. It passes the same contract suite as the real adapters (test/contract), so a
// test over it relies on no behaviour the real stores lack. Values are copied in and out, as a
// database would; every call yields to the event loop once, so concurrent callers interleave.
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
import { checkBatch, checkLimit, checkNumber } from '../shared/checks.ts';

const recordKey = (kind: string, id: string): string => `${kind}\0${id}`;
const yieldOnce = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const copyRecord = (r: StoredRecord): StoredRecord => ({ ...r, index: { ...r.index }, body: Buffer.from(r.body) });
const copyPoint = (p: StoredPoint): StoredPoint => ({ ...p, body: Buffer.from(p.body) });
const copyKey = (k: StoredKey): StoredKey => ({ ...k, wrapped: Buffer.from(k.wrapped) });

export interface MemoryDump {
  keys: StoredKey[];
  records: StoredRecord[];
  points: StoredPoint[];
  audit: StoredAuditEntry[];
  checkpoints: StoredCheckpoint[];
}

export class MemoryStore implements Store {
  readonly #records = new Map<string, StoredRecord>();
  /** In insertion order: ties on ts keep it, like the rowid order of the sql adapters. */
  readonly #points: StoredPoint[] = [];
  readonly #pointIds = new Set<string>();
  readonly #keys = new Map<string, Map<number, StoredKey>>();
  readonly #audit: StoredAuditEntry[] = [];
  readonly #checkpoints: StoredCheckpoint[] = [];
  #closed = false;

  constructor(readonly scope: string) {}

  // ---- records ----

  async get(kind: string, id: string): Promise<StoredRecord | null> {
    await this.#enter();
    const r = this.#records.get(recordKey(kind, id));
    return r ? copyRecord(r) : null;
  }

  async find(query: RecordQuery): Promise<StoredRecord[]> {
    await this.#enter();
    const limit = checkLimit(query.limit);
    if (query.after !== undefined) checkNumber('after', query.after);
    const newest = query.newestFirst === true;
    let rows = this.#matching(query.kind, query.where, query.subject);
    if (query.after !== undefined) {
      const after = query.after;
      rows = rows.filter((r) => (newest ? r.updatedAt < after : r.createdAt > after));
    }
    rows.sort(newest ? (a, b) => b.updatedAt - a.updatedAt || cmp(b.id, a.id) : (a, b) => a.createdAt - b.createdAt || cmp(a.id, b.id));
    return (limit === undefined ? rows : rows.slice(0, limit)).map(copyRecord);
  }

  async count(kind: string, where?: Record<string, string>): Promise<number> {
    await this.#enter();
    return this.#matching(kind, where, undefined).length;
  }

  async commit(batch: WriteBatch): Promise<void> {
    await this.#enter();
    // Every check before the first change: a rejected batch leaves nothing behind.
    checkBatch(batch);
    const ids = new Set<string>();
    for (const p of batch.points ?? []) {
      if (this.#pointIds.has(p.id) || ids.has(p.id)) throw new Error(`duplicate point id ${p.id}`);
      ids.add(p.id);
    }
    for (const r of batch.put ?? []) {
      const k = recordKey(r.kind, r.id);
      const prev = this.#records.get(k);
      this.#records.set(k, { ...copyRecord(r), subject: r.subject ?? null, createdAt: prev?.createdAt ?? r.createdAt });
    }
    for (const d of batch.delete ?? []) this.#records.delete(recordKey(d.kind, d.id));
    for (const p of batch.points ?? []) {
      this.#points.push({ ...copyPoint(p), subject: p.subject ?? null });
      this.#pointIds.add(p.id);
    }
  }

  // ---- time series ----

  async range(query: RangeQuery): Promise<StoredPoint[]> {
    await this.#enter();
    const limit = checkLimit(query.limit);
    if (query.from !== undefined) checkNumber('from', query.from);
    if (query.to !== undefined) checkNumber('to', query.to);
    const from = query.from ?? -Infinity;
    const to = query.to ?? Infinity;
    const rows = this.#points.filter((p) => p.series === query.series && p.ts >= from && p.ts <= to);
    // Array.prototype.sort is stable; reversing after an ascending sort puts later inserts first
    // among equal ts, as ORDER BY ts DESC, rowid DESC does.
    rows.sort((a, b) => a.ts - b.ts);
    if (query.desc === true) rows.reverse();
    return (limit === undefined ? rows : rows.slice(0, limit)).map(copyPoint);
  }

  async latest(series: string): Promise<StoredPoint | null> {
    const [p] = await this.range({ series, desc: true, limit: 1 });
    return p ?? null;
  }

  async countPoints(series?: string): Promise<number> {
    await this.#enter();
    return series === undefined ? this.#points.length : this.#points.filter((p) => p.series === series).length;
  }

  async deletePointsBefore(before: number): Promise<number> {
    await this.#enter();
    const kept = this.#points.filter((p) => p.ts >= before);
    const deleted = this.#points.length - kept.length;
    this.#points.splice(0, this.#points.length, ...kept);
    return deleted;
  }

  async listSeries(): Promise<string[]> {
    await this.#enter();
    return [...new Set(this.#points.map((p) => p.series))].sort(cmp);
  }

  // ---- keys ----

  async getKeys(scope: string): Promise<StoredKey[]> {
    await this.#enter();
    return [...(this.#keys.get(scope)?.values() ?? [])].sort((a, b) => a.version - b.version).map(copyKey);
  }

  async putKey(key: StoredKey): Promise<void> {
    await this.#enter();
    if (!Buffer.isBuffer(key.wrapped)) throw new TypeError('wrapped key must be a Buffer');
    if (!Number.isInteger(key.version)) throw new TypeError('key version must be an integer');
    const versions = this.#keys.get(key.scope) ?? new Map<number, StoredKey>();
    const prev = versions.get(key.version);
    // Re-wrapping replaces the bytes and the wrapping key id; the version keeps its createdAt.
    versions.set(key.version, { ...copyKey(key), createdAt: prev?.createdAt ?? key.createdAt });
    this.#keys.set(key.scope, versions);
  }

  async listKeyScopes(prefix: string): Promise<string[]> {
    await this.#enter();
    return [...this.#keys.keys()].filter((s) => s.startsWith(prefix) && this.#keys.get(s)!.size > 0).sort(cmp);
  }

  async destroyKeys(scope: string): Promise<number> {
    await this.#enter();
    const versions = this.#keys.get(scope);
    if (!versions) return 0;
    // Zero the bytes we hold, so no copy of the wrapped key outlives its destruction here.
    for (const k of versions.values()) k.wrapped.fill(0);
    this.#keys.delete(scope);
    return versions.size;
  }

  // ---- audit ----

  async appendAudit(entries: StoredAuditEntry[]): Promise<void> {
    await this.#enter();
    const seqs = new Set(this.#audit.map((e) => e.seq));
    for (const e of entries) {
      if (seqs.has(e.seq)) throw new Error(`duplicate audit seq ${e.seq}`);
      seqs.add(e.seq);
    }
    this.#audit.push(...entries.map((e) => ({ ...e })));
    this.#audit.sort((a, b) => a.seq - b.seq);
  }

  async readAudit(fromSeq: number, limit: number): Promise<StoredAuditEntry[]> {
    await this.#enter();
    const n = checkLimit(limit) ?? 0;
    return this.#audit.filter((e) => e.seq >= fromSeq).slice(0, n).map((e) => ({ ...e }));
  }

  async lastAudit(): Promise<StoredAuditEntry | null> {
    await this.#enter();
    const last = this.#audit.at(-1);
    return last ? { ...last } : null;
  }

  async putCheckpoint(cp: StoredCheckpoint): Promise<void> {
    await this.#enter();
    this.#checkpoints.push({ ...cp });
    this.#checkpoints.sort((a, b) => a.seq - b.seq);
  }

  async listCheckpoints(): Promise<StoredCheckpoint[]> {
    await this.#enter();
    return this.#checkpoints.map((c) => ({ ...c }));
  }

  async ping(): Promise<boolean> {
    await yieldOnce();
    return !this.#closed;
  }

  // ---- lifecycle (the provider owns it) ----

  /** A copy of everything this store holds, taken in one turn (./snapshot.ts). */
  dump(): MemoryDump {
    if (this.#closed) throw new Error(`memory store ${this.scope} is closed`);
    const keys = [...this.#keys.values()].flatMap((versions) => [...versions.values()].map(copyKey));
    keys.sort((a, b) => cmp(a.scope, b.scope) || a.version - b.version);
    const records = [...this.#records.values()].map(copyRecord);
    records.sort((a, b) => cmp(a.kind, b.kind) || cmp(a.id, b.id));
    return {
      keys,
      records,
      points: this.#points.map(copyPoint),
      audit: this.#audit.map((e) => ({ ...e })),
      checkpoints: this.#checkpoints.map((c) => ({ ...c })),
    };
  }

  /** Drops the data; every later call fails, like a closed connection. */
  close(): void {
    this.#closed = true;
    this.#records.clear();
    this.#points.length = 0;
    this.#pointIds.clear();
    for (const versions of this.#keys.values()) for (const k of versions.values()) k.wrapped.fill(0);
    this.#keys.clear();
    this.#audit.length = 0;
    this.#checkpoints.length = 0;
  }

  async #enter(): Promise<void> {
    await yieldOnce();
    if (this.#closed) throw new Error(`memory store ${this.scope} is closed`);
  }

  #matching(kind: string, where: Record<string, string> | undefined, subject: string | undefined): StoredRecord[] {
    const terms = Object.entries(where ?? {});
    for (const [name, value] of terms) {
      if (typeof value !== 'string') throw new TypeError(`where.${name} must be a string`);
    }
    return [...this.#records.values()].filter(
      (r) =>
        r.kind === kind &&
        (subject === undefined || r.subject === subject) &&
        terms.every(([name, value]) => Object.hasOwn(r.index, name) && r.index[name] === value),
    );
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
