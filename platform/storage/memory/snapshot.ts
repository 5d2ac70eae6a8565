// A snapshot of one in-memory store (platform/backup/snapshot.ts `StoreSnapshot`): a copy taken
// at once, so later writes do not show, as with the real adapters' read transactions.
import type { StoredAuditEntry, StoredCheckpoint, StoredKey, StoredPoint, StoredRecord } from '../port.ts';
import type { MemoryDump, MemoryStore } from './store.ts';

function* pages<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

export class MemorySnapshot {
  private constructor(
    readonly scope: string,
    private readonly data: MemoryDump,
  ) {}

  static of(store: MemoryStore): MemorySnapshot {
    return new MemorySnapshot(store.scope, store.dump());
  }

  async keys(): Promise<StoredKey[]> {
    return this.data.keys;
  }

  records(pageSize: number): Iterable<StoredRecord[]> {
    return pages(this.data.records, pageSize);
  }

  points(pageSize: number): Iterable<StoredPoint[]> {
    return pages(this.data.points, pageSize);
  }

  audit(pageSize: number): Iterable<StoredAuditEntry[]> {
    return pages(this.data.audit, pageSize);
  }

  async checkpoints(): Promise<StoredCheckpoint[]> {
    return this.data.checkpoints;
  }

  async close(): Promise<void> {}
}
