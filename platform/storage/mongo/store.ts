// One MongoDB database behind the Store port (../port.ts). A MongoStore holds a handle on exactly
// one database, so it can only ever read or write its own scope (tenant or platform).
//
// Writes (docs/architecture.md promise 3: nothing acknowledged is lost; the broker PUBACKs only after commit
// resolves):
// - transactional mode (replica set or sharded cluster): each commit and each audit append is
//   one multi-document transaction with write concern "majority" (journaled on a majority).
// - standalone mode (a single mongod: no transactions exist): ordered writes with write concern
//   { w: 1, journal: true }; points first, then records; when a later step fails, the points the
//   batch inserted are deleted again. A failure part-way through the record writes can leave
//   some of them applied: atomicity is weaker there, as docs/mongodb.md says.
import { mongo } from 'mongoose';
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
import {
  DuplicateIdError,
  checkAuditEntries,
  checkBatch,
  checkBytes,
  checkLimit,
  checkNumber,
  compareBytes,
  decodeIndex,
  encodeIndex,
  isDuplicateKeyError,
  recordFilter,
  scopePrefixPattern,
  str,
  toBuffer,
} from './encoding.ts';
import { COLLECTIONS, type AuditDoc, type CheckpointDoc, type KeyDoc, type PointDoc, type RecordDoc } from './schema.ts';

export type WriteMode = 'transactions' | 'standalone';

export interface MongoStoreOptions {
  scope: string;
  db: mongo.Db;
  client: mongo.MongoClient;
  mode: WriteMode;
  /** False while the driver has no usable server (the provider tracks it from driver events). */
  isConnected: () => boolean;
  /** How long ping() waits for the server before answering false. */
  pingTimeoutMs?: number;
}

/** Write concern of every write outside a transaction. */
export function writeConcernFor(mode: WriteMode): mongo.WriteConcernSettings {
  return mode === 'transactions' ? { w: 'majority' } : { w: 1, journal: true };
}

const NO_ID = { projection: { _id: 0 } } as const;

export class MongoStore implements Store {
  readonly scope: string;
  readonly mode: WriteMode;
  readonly #db: mongo.Db;
  readonly #client: mongo.MongoClient;
  readonly #isConnected: () => boolean;
  readonly #pingTimeoutMs: number;
  readonly #records: mongo.Collection<RecordDoc>;
  readonly #points: mongo.Collection<PointDoc>;
  readonly #keys: mongo.Collection<KeyDoc>;
  readonly #audit: mongo.Collection<AuditDoc>;
  readonly #checkpoints: mongo.Collection<CheckpointDoc>;
  #dropped = false;

  /** Use MongoStorage.tenant()/platform(): they create the schema (./schema.ts) first. */
  constructor(opts: MongoStoreOptions) {
    this.scope = opts.scope;
    this.mode = opts.mode;
    this.#db = opts.db;
    this.#client = opts.client;
    this.#isConnected = opts.isConnected;
    this.#pingTimeoutMs = opts.pingTimeoutMs ?? 2000;
    const options = { writeConcern: writeConcernFor(opts.mode) };
    this.#records = opts.db.collection<RecordDoc>(COLLECTIONS.records, options);
    this.#points = opts.db.collection<PointDoc>(COLLECTIONS.points, options);
    this.#keys = opts.db.collection<KeyDoc>(COLLECTIONS.keys, options);
    this.#audit = opts.db.collection<AuditDoc>(COLLECTIONS.audit, options);
    this.#checkpoints = opts.db.collection<CheckpointDoc>(COLLECTIONS.checkpoints, options);
  }

  get databaseName(): string {
    return this.#db.databaseName;
  }

  // ---- records

  async get(kind: string, id: string): Promise<StoredRecord | null> {
    this.#assertUsable();
    const doc = await this.#records.findOne({ kind: str('kind', kind), id: str('id', id) }, NO_ID);
    return doc ? toRecord(doc) : null;
  }

  async find(query: RecordQuery): Promise<StoredRecord[]> {
    this.#assertUsable();
    const limit = checkLimit(query.limit);
    // MongoDB reads limit(0) as "no limit".
    if (limit === 0) return [];
    const newest = query.newestFirst === true;
    const filter = recordFilter(query.kind, query.where, query.subject);
    if (query.after !== undefined) {
      const after = checkNumber('after', query.after);
      // Keyset pagination in the direction of travel (storage contract header).
      if (newest) filter.updatedAt = { $lt: after };
      else filter.createdAt = { $gt: after };
    }
    const cursor = this.#records
      .find(filter, NO_ID)
      .sort(newest ? { updatedAt: -1, id: -1 } : { createdAt: 1, id: 1 });
    if (limit !== undefined) cursor.limit(limit);
    return (await cursor.toArray()).map(toRecord);
  }

  async count(kind: string, where?: Record<string, string>): Promise<number> {
    this.#assertUsable();
    return this.#records.countDocuments(recordFilter(kind, where));
  }

  async commit(batch: WriteBatch): Promise<void> {
    this.#assertUsable();
    checkBatch(batch);
    const ops = recordOps(batch);
    const points = (batch.points ?? []).map(toPointDoc);
    if (ops.length === 0 && points.length === 0) return;

    if (this.mode === 'transactions') {
      try {
        await this.#transaction(async (session) => {
          // Puts, then deletes, then points: the order the sqlite adapter applies them in.
          if (ops.length > 0) await this.#records.bulkWrite(ops, { session, ordered: true });
          if (points.length > 0) await this.#points.insertMany(points, { session, ordered: true });
        });
      } catch (err) {
        throw translateWriteError(err, 'point id');
      }
      return;
    }

    // Standalone: points first, so a duplicate id (the likeliest failure) stops the batch before
    // any record changes.
    if (points.length > 0) await this.#insertOrUndo(this.#points, points, 'point id');
    if (ops.length > 0) {
      try {
        await this.#records.bulkWrite(ops, { ordered: true });
      } catch (err) {
        await this.#undoInserted(this.#points, points, err);
        throw err;
      }
    }
  }

  // ---- time series

  async range(query: RangeQuery): Promise<StoredPoint[]> {
    this.#assertUsable();
    const limit = checkLimit(query.limit);
    if (limit === 0) return [];
    const ts: Record<string, number> = {};
    // Both bounds inclusive (storage contract header).
    if (query.from !== undefined) ts.$gte = checkNumber('from', query.from);
    if (query.to !== undefined) ts.$lte = checkNumber('to', query.to);
    const dir = query.desc === true ? -1 : 1;
    const cursor = this.#points
      .find({ series: str('series', query.series), ...(Object.keys(ts).length > 0 ? { ts } : {}) })
      .sort({ ts: dir, _id: dir });
    if (limit !== undefined) cursor.limit(limit);
    return (await cursor.toArray()).map(toPoint);
  }

  async latest(series: string): Promise<StoredPoint | null> {
    this.#assertUsable();
    const [doc] = await this.#points
      .find({ series: str('series', series) })
      .sort({ ts: -1, _id: -1 })
      .limit(1)
      .toArray();
    return doc ? toPoint(doc) : null;
  }

  async countPoints(series?: string): Promise<number> {
    this.#assertUsable();
    return this.#points.countDocuments(series === undefined ? {} : { series: str('series', series) });
  }

  async deletePointsBefore(before: number): Promise<number> {
    this.#assertUsable();
    if (typeof before !== 'number' || Number.isNaN(before)) throw new Error('before must be a number');
    const { deletedCount } = await this.#points.deleteMany({ ts: { $lt: before } });
    return deletedCount;
  }

  async listSeries(): Promise<string[]> {
    this.#assertUsable();
    return ((await this.#points.distinct('series')) as string[]).sort(compareBytes);
  }

  // ---- keys

  async getKeys(scope: string): Promise<StoredKey[]> {
    this.#assertUsable();
    const docs = await this.#keys.find({ scope: str('scope', scope) }, NO_ID).sort({ version: 1 }).toArray();
    return docs.map(toKey);
  }

  async putKey(key: StoredKey): Promise<void> {
    this.#assertUsable();
    checkBytes('wrapped key', key.wrapped);
    if (!Number.isSafeInteger(key.version)) throw new TypeError('key version must be an integer');
    // Re-wrapping replaces the bytes of an existing version and keeps its createdAt, as sqlite does.
    await this.#keys.updateOne(
      { scope: str('scope', key.scope), version: key.version },
      {
        $set: { wrapped: new mongo.Binary(key.wrapped), wrappedBy: str('wrappedBy', key.wrappedBy) },
        $setOnInsert: { createdAt: checkNumber('createdAt', key.createdAt) },
      },
      { upsert: true },
    );
  }

  async listKeyScopes(prefix: string): Promise<string[]> {
    this.#assertUsable();
    const scopes = (await this.#keys.distinct('scope', { scope: { $regex: scopePrefixPattern(prefix) } })) as string[];
    return scopes.sort(compareBytes);
  }

  /** Deletes every version. MongoDB gives no secure-delete: the old bytes can remain in
   *  WiredTiger's free space, the journal, the oplog (replica sets) and backups until they are
   *  overwritten or compacted; docs/mongodb.md says so and how to shorten that window. */
  async destroyKeys(scope: string): Promise<number> {
    this.#assertUsable();
    const { deletedCount } = await this.#keys.deleteMany({ scope: str('scope', scope) });
    return deletedCount;
  }

  // ---- audit

  async appendAudit(entries: StoredAuditEntry[]): Promise<void> {
    this.#assertUsable();
    if (entries.length === 0) return;
    checkAuditEntries(entries);
    const docs: AuditDoc[] = entries.map((e) => ({
      _id: new mongo.ObjectId(),
      seq: e.seq,
      ts: e.ts,
      actor: e.actor,
      action: e.action,
      target: e.target,
      outcome: e.outcome,
      details: e.details,
      prevHash: e.prevHash,
      hash: e.hash,
    }));
    if (this.mode === 'transactions') {
      try {
        await this.#transaction((session) => this.#audit.insertMany(docs, { session, ordered: true }));
      } catch (err) {
        throw translateWriteError(err, 'audit seq');
      }
      return;
    }
    await this.#insertOrUndo(this.#audit, docs, 'audit seq');
  }

  async readAudit(fromSeq: number, limit: number): Promise<StoredAuditEntry[]> {
    this.#assertUsable();
    const n = checkLimit(limit) ?? 0;
    if (n === 0) return [];
    const docs = await this.#audit
      .find({ seq: { $gte: checkNumber('fromSeq', fromSeq) } })
      .sort({ seq: 1 })
      .limit(n)
      .toArray();
    return docs.map(toAudit);
  }

  async lastAudit(): Promise<StoredAuditEntry | null> {
    this.#assertUsable();
    const [doc] = await this.#audit.find({}).sort({ seq: -1 }).limit(1).toArray();
    return doc ? toAudit(doc) : null;
  }

  async putCheckpoint(cp: StoredCheckpoint): Promise<void> {
    this.#assertUsable();
    await this.#checkpoints.insertOne({
      seq: checkNumber('seq', cp.seq),
      headHash: str('headHash', cp.headHash),
      ts: checkNumber('ts', cp.ts),
      signature: str('signature', cp.signature),
      keyId: str('keyId', cp.keyId),
    });
  }

  async listCheckpoints(): Promise<StoredCheckpoint[]> {
    this.#assertUsable();
    // _id (an ObjectId, increasing per process) breaks seq ties in insertion order, like sqlite's rowid.
    const docs = await this.#checkpoints.find({}).sort({ seq: 1, _id: 1 }).toArray();
    return docs.map(toCheckpoint);
  }

  // ---- health

  /** True only when the driver has a usable server and it answers within the ping timeout. */
  async ping(): Promise<boolean> {
    if (this.#dropped || !this.#isConnected()) return false;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), this.#pingTimeoutMs);
        timer.unref();
      });
      const answer = this.#db.command({ ping: 1 }).then(
        (r) => r.ok === 1,
        () => false,
      );
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- for the provider and the migration tool (not part of the port)

  /** Every record kind present, for verifying a migration (the port has no "list kinds"). */
  async listKinds(): Promise<string[]> {
    this.#assertUsable();
    return ((await this.#records.distinct('kind')) as string[]).sort(compareBytes);
  }

  /** After dropTenant: this handle refuses to work, so it cannot recreate the database without
   *  its indexes (MongoDB creates a missing database on the first write). */
  markDropped(): void {
    this.#dropped = true;
  }

  #assertUsable(): void {
    if (this.#dropped) throw new Error(`store ${this.scope} was dropped`);
  }

  async #transaction<T>(fn: (session: mongo.ClientSession) => Promise<T>): Promise<T> {
    const session = this.#client.startSession();
    try {
      // withTransaction retries the whole callback on transient errors and unknown commit results;
      // the callback only issues writes, so re-running it is safe.
      return await session.withTransaction(fn, {
        readConcern: { level: 'snapshot' },
        writeConcern: new mongo.WriteConcern('majority'),
        readPreference: 'primary',
      });
    } finally {
      await session.endSession();
    }
  }

  /** Standalone mode: an ordered insert that leaves nothing behind when it fails part-way. */
  async #insertOrUndo<D extends { _id: mongo.ObjectId }>(
    collection: mongo.Collection<D>,
    docs: D[],
    what: string,
  ): Promise<void> {
    try {
      await collection.insertMany(docs as mongo.OptionalUnlessRequiredId<D>[], { ordered: true });
    } catch (err) {
      await this.#undoInserted(collection, docs, err);
      throw translateWriteError(err, what);
    }
  }

  async #undoInserted<D extends { _id: mongo.ObjectId }>(
    collection: mongo.Collection<D>,
    docs: D[],
    cause: unknown,
  ): Promise<void> {
    if (docs.length === 0) return;
    try {
      // Only the _ids this batch generated: a conflicting document that was already stored stays.
      await collection.deleteMany({ _id: { $in: docs.map((d) => d._id) } } as mongo.Filter<D>);
    } catch (undoError) {
      throw new AggregateError(
        [cause, undoError],
        `${this.scope}: a write failed and undoing its first part failed too; up to ${docs.length} ` +
          `${collection.collectionName} of the failed batch may remain`,
      );
    }
  }
}

function recordOps(batch: WriteBatch): mongo.AnyBulkWriteOperation<RecordDoc>[] {
  const ops: mongo.AnyBulkWriteOperation<RecordDoc>[] = [];
  for (const r of batch.put ?? []) {
    ops.push({
      updateOne: {
        filter: { kind: r.kind, id: r.id },
        // An update keeps the original createdAt (port: updates keep createdAt) and replaces
        // subject, body and every index entry.
        update: {
          $set: {
            subject: r.subject ?? null,
            index: encodeIndex(r.index),
            body: new mongo.Binary(r.body),
            updatedAt: r.updatedAt,
          },
          $setOnInsert: { createdAt: r.createdAt },
        },
        upsert: true,
      },
    });
  }
  for (const d of batch.delete ?? []) ops.push({ deleteOne: { filter: { kind: d.kind, id: d.id } } });
  return ops;
}

function toPointDoc(p: StoredPoint): PointDoc {
  return {
    _id: new mongo.ObjectId(),
    series: p.series,
    id: p.id,
    ts: p.ts,
    subject: p.subject ?? null,
    body: new mongo.Binary(p.body),
  };
}

/** Duplicate-key errors become a DuplicateIdError naming what was duplicated; others pass through. */
function translateWriteError(err: unknown, what: string): unknown {
  if (!isDuplicateKeyError(err)) return err;
  const e = err as { keyValue?: Record<string, unknown>; writeErrors?: { errmsg?: string }[] };
  const value = e.keyValue ? Object.values(e.keyValue)[0] : undefined;
  return new DuplicateIdError(what, value === undefined ? ['(already stored)'] : [String(value)], { cause: err });
}

export function toRecord(doc: RecordDoc): StoredRecord {
  return {
    kind: doc.kind,
    id: doc.id,
    subject: doc.subject ?? null,
    index: decodeIndex(doc.index),
    body: toBuffer(doc.body),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export function toPoint(doc: PointDoc): StoredPoint {
  return { series: doc.series, id: doc.id, ts: doc.ts, subject: doc.subject ?? null, body: toBuffer(doc.body) };
}

export function toAudit(doc: AuditDoc): StoredAuditEntry {
  return {
    seq: doc.seq,
    ts: doc.ts,
    actor: doc.actor,
    action: doc.action,
    target: doc.target,
    outcome: doc.outcome,
    details: doc.details,
    prevHash: doc.prevHash,
    hash: doc.hash,
  };
}

export function toKey(doc: KeyDoc): StoredKey {
  return { scope: doc.scope, version: doc.version, wrapped: toBuffer(doc.wrapped), wrappedBy: doc.wrappedBy, createdAt: doc.createdAt };
}

export function toCheckpoint(doc: CheckpointDoc): StoredCheckpoint {
  return { seq: doc.seq, headHash: doc.headHash, ts: doc.ts, signature: doc.signature, keyId: doc.keyId };
}
