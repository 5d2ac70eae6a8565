// Sealed records: JSON values sealed by the keyring before they reach a Store. One instance per
// scope (a tenant, or the platform). Equality look-ups go through blind indexes (HMAC) for
// personal fields, or clear tags for non-personal ones (status, severity…).
import { ErasedError } from '../errors.ts';
import type { Keyring } from '../crypto/types.ts';
import type { Store, StoredRecord } from '../storage/port.ts';

export interface PutOptions {
  /** Data subject whose own key seals the body (crypto-shredding unit). */
  subject?: string | null;
  /** Personal values to look up by equality: stored only as blind indexes. */
  blind?: Record<string, string>;
  /** Non-personal values stored in clear for queries. */
  tags?: Record<string, string>;
}

export interface FindOptions {
  blind?: Record<string, string>;
  tags?: Record<string, string>;
  subject?: string;
  limit?: number;
  newestFirst?: boolean;
  after?: number;
}

export interface Opened<T> {
  id: string;
  data: T;
  subject: string | null;
  tags: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

export class SealedRecords {
  constructor(
    readonly store: Store,
    private readonly keyring: Keyring,
    readonly scope: string,
  ) {}

  private async where(blind: Record<string, string> = {}, tags: Record<string, string> = {}) {
    const where: Record<string, string> = {};
    for (const [field, value] of Object.entries(blind)) {
      where[`b:${field}`] = await this.keyring.blindIndex(this.scope, field, value);
    }
    for (const [name, value] of Object.entries(tags)) where[`t:${name}`] = value;
    return where;
  }

  async prepare<T>(kind: string, id: string, data: T, opts: PutOptions = {}, now = Date.now()): Promise<StoredRecord> {
    const subject = opts.subject ?? null;
    const body = await this.keyring.sealJson({ tenant: this.scope, collection: kind, id, subject }, data);
    return { kind, id, subject, index: await this.where(opts.blind, opts.tags), body, createdAt: now, updatedAt: now };
  }

  async put<T>(kind: string, id: string, data: T, opts: PutOptions = {}): Promise<void> {
    await this.store.commit({ put: [await this.prepare(kind, id, data, opts)] });
  }

  async open<T>(rec: StoredRecord): Promise<Opened<T>> {
    const data = await this.keyring.openJson<T>(
      { tenant: this.scope, collection: rec.kind, id: rec.id, subject: rec.subject },
      rec.body,
    );
    const tags: Record<string, string> = {};
    for (const [k, v] of Object.entries(rec.index)) if (k.startsWith('t:')) tags[k.slice(2)] = v;
    return { id: rec.id, data, subject: rec.subject, tags, createdAt: rec.createdAt, updatedAt: rec.updatedAt };
  }

  async get<T>(kind: string, id: string): Promise<Opened<T> | null> {
    const rec = await this.store.get(kind, id);
    return rec ? this.open<T>(rec) : null;
  }

  /** Records whose subject was erased are left out: they no longer exist for any reader. */
  async find<T>(kind: string, opts: FindOptions = {}): Promise<Opened<T>[]> {
    const recs = await this.store.find({
      kind,
      where: await this.where(opts.blind, opts.tags),
      ...(opts.subject ? { subject: opts.subject } : {}),
      ...(opts.limit ? { limit: opts.limit } : {}),
      ...(opts.newestFirst ? { newestFirst: true } : {}),
      ...(opts.after !== undefined ? { after: opts.after } : {}),
    });
    const out: Opened<T>[] = [];
    for (const rec of recs) {
      try {
        out.push(await this.open<T>(rec));
      } catch (err) {
        if (!(err instanceof ErasedError)) throw err;
      }
    }
    return out;
  }

  async count(kind: string, tags: Record<string, string> = {}): Promise<number> {
    return this.store.count(kind, await this.where({}, tags));
  }

  async delete(kind: string, id: string): Promise<void> {
    await this.store.commit({ delete: [{ kind, id }] });
  }
}
