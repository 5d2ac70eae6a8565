// A read-only view of one MongoDB database (../snapshot.ts `StoreSnapshot`) for backups, region
// moves and the migration tool. On a replica set or sharded cluster every read runs in one
// snapshot session (MongoDB 5.0+): all pages see the data majority-committed when the first read
// ran, while the platform keeps writing. A single mongod has no snapshot sessions: the reads are
// then plain reads, consistent per page only, so take backups of a standalone server with ingest
// paused (docs/backup.md). Pages are keyset-ordered (records by kind and id, points by _id,
// audit by seq), never skip().
import type { mongo } from 'mongoose';
import type { StoredAuditEntry, StoredCheckpoint, StoredKey, StoredPoint, StoredRecord } from '../port.ts';
import { COLLECTIONS, type AuditDoc, type CheckpointDoc, type KeyDoc, type PointDoc, type RecordDoc } from './schema.ts';
import { toAudit, toCheckpoint, toKey, toPoint, toRecord, type WriteMode } from './store.ts';

export type SnapshotConsistency = 'snapshot' | 'per-page';

export class MongoSnapshot {
  #closed = false;

  private constructor(
    readonly scope: string,
    private readonly db: mongo.Db,
    private readonly session: mongo.ClientSession,
    /** "snapshot" when every read sees one point in time; "per-page" on a standalone server. */
    readonly consistency: SnapshotConsistency,
  ) {}

  static async begin(scope: string, db: mongo.Db, client: mongo.MongoClient, mode: WriteMode): Promise<MongoSnapshot> {
    const consistency: SnapshotConsistency = mode === 'transactions' ? 'snapshot' : 'per-page';
    const session = client.startSession(consistency === 'snapshot' ? { snapshot: true } : {});
    try {
      // The first read pins the snapshot's time, as the other adapters' BEGIN does.
      await db.collection(COLLECTIONS.meta).findOne({ _id: 'scope' as never }, { session });
    } catch (err) {
      await session.endSession().catch(() => undefined);
      throw err;
    }
    return new MongoSnapshot(scope, db, session, consistency);
  }

  #collection<D extends mongo.Document>(name: string): mongo.Collection<D> {
    if (this.#closed) throw new Error(`snapshot of ${this.scope} is closed`);
    return this.db.collection<D>(name);
  }

  async keys(): Promise<StoredKey[]> {
    const docs = await this.#collection<KeyDoc>(COLLECTIONS.keys)
      .find({}, { session: this.session, projection: { _id: 0 } })
      .sort({ scope: 1, version: 1 })
      .toArray();
    return docs.map(toKey);
  }

  async *records(pageSize: number): AsyncIterable<StoredRecord[]> {
    let after: { kind: string; id: string } | null = null;
    for (;;) {
      const filter: mongo.Filter<RecordDoc> = after
        ? { $or: [{ kind: { $gt: after.kind } }, { kind: after.kind, id: { $gt: after.id } }] }
        : {};
      const docs = await this.#collection<RecordDoc>(COLLECTIONS.records)
        .find(filter, { session: this.session, projection: { _id: 0 } })
        .sort({ kind: 1, id: 1 })
        .limit(pageSize)
        .toArray();
      if (docs.length === 0) return;
      yield docs.map(toRecord);
      const last = docs.at(-1)!;
      after = { kind: last.kind, id: last.id };
      if (docs.length < pageSize) return;
    }
  }

  async *points(pageSize: number): AsyncIterable<StoredPoint[]> {
    let after: mongo.ObjectId | null = null;
    for (;;) {
      const docs: PointDoc[] = await this.#collection<PointDoc>(COLLECTIONS.points)
        .find(after ? { _id: { $gt: after } } : {}, { session: this.session })
        .sort({ _id: 1 })
        .limit(pageSize)
        .toArray();
      if (docs.length === 0) return;
      yield docs.map(toPoint);
      after = docs.at(-1)!._id;
      if (docs.length < pageSize) return;
    }
  }

  async *audit(pageSize: number): AsyncIterable<StoredAuditEntry[]> {
    let after = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const docs = await this.#collection<AuditDoc>(COLLECTIONS.audit)
        .find({ seq: { $gt: after } }, { session: this.session })
        .sort({ seq: 1 })
        .limit(pageSize)
        .toArray();
      if (docs.length === 0) return;
      yield docs.map(toAudit);
      after = docs.at(-1)!.seq;
      if (docs.length < pageSize) return;
    }
  }

  async checkpoints(): Promise<StoredCheckpoint[]> {
    // _id breaks seq ties in insertion order, as MongoStore.listCheckpoints does.
    const docs = await this.#collection<CheckpointDoc>(COLLECTIONS.checkpoints)
      .find({}, { session: this.session })
      .sort({ seq: 1, _id: 1 })
      .toArray();
    return docs.map(toCheckpoint);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.session.endSession();
  }
}
