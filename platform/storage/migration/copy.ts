// Copies one store (the platform's or a tenant's) from a snapshot of the source into an empty
// destination store, through the Store port only, without decrypting anything: sealed bodies,
// wrapped keys, the audit chain and its signed checkpoints go across as stored bytes. They still
// open on the other side because the keyring's AAD binds tenant, collection and record id (and a
// wrapped key's context binds tenant, scope and version), never the store that holds them
// (platform/crypto/keyring.ts).
// While copying it notes a digest of every row, so verification (./verify.ts) can compare the
// destination row by row without reading the source twice, and keeps a random sample to open.
import type { Store, StoredAuditEntry, StoredKey, StoredPoint, StoredRecord } from '../port.ts';
import type { StoreSnapshot } from '../snapshot.ts';
import { Reservoir, auditDigest, checkpointsDigest, keysDigest, pointDigest, recordDigest } from './compare.ts';

/** What was read from the source and written, for verification. */
export interface CopiedScope {
  scope: string;
  keys: StoredKey[];
  keysDigest: string;
  /** "kind/id" → digest. */
  records: Map<string, string>;
  /** point id → digest. */
  points: Map<string, string>;
  /** seq → digest, in order. */
  audit: Map<number, string>;
  auditHead: StoredAuditEntry | null;
  checkpoints: number;
  checkpointsDigest: string;
  kinds: Map<string, number>;
  series: Map<string, number>;
  sampledRecords: StoredRecord[];
  sampledPoints: StoredPoint[];
}

export interface CopyOptions {
  batchSize: number;
  sample: number;
  onProgress?: (what: string, copied: number) => void;
}

export const recordKey = (r: { kind: string; id: string }): string => `${r.kind}/${r.id}`;

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/** Rows are written in the order that never leaves a half-finished copy holding data it could
 *  not open: keys first, audit and checkpoints last. */
export async function copyScope(source: StoreSnapshot, target: Store, opts: CopyOptions): Promise<CopiedScope> {
  const progress = opts.onProgress ?? (() => undefined);
  const out: CopiedScope = {
    scope: source.scope,
    keys: [],
    keysDigest: '',
    records: new Map(),
    points: new Map(),
    audit: new Map(),
    auditHead: null,
    checkpoints: 0,
    checkpointsDigest: '',
    kinds: new Map(),
    series: new Map(),
    sampledRecords: [],
    sampledPoints: [],
  };
  const recordSample = new Reservoir<StoredRecord>(opts.sample);
  const pointSample = new Reservoir<StoredPoint>(opts.sample);

  out.keys = await source.keys();
  for (const k of out.keys) await target.putKey(k);
  out.keysDigest = keysDigest(out.keys);
  progress('keys', out.keys.length);

  for await (const page of source.records(opts.batchSize)) {
    await target.commit({ put: page });
    for (const r of page) {
      out.records.set(recordKey(r), recordDigest(r));
      bump(out.kinds, r.kind);
      recordSample.offer(r);
    }
    progress('records', out.records.size);
  }

  for await (const page of source.points(opts.batchSize)) {
    await target.commit({ points: page });
    for (const p of page) {
      out.points.set(p.id, pointDigest(p));
      bump(out.series, p.series);
      pointSample.offer(p);
    }
    progress('points', out.points.size);
  }

  for await (const page of source.audit(opts.batchSize)) {
    await target.appendAudit(page);
    for (const e of page) out.audit.set(e.seq, auditDigest(e));
    out.auditHead = page.at(-1) ?? out.auditHead;
    progress('audit entries', out.audit.size);
  }

  const checkpoints = await source.checkpoints();
  for (const cp of checkpoints) await target.putCheckpoint(cp);
  out.checkpoints = checkpoints.length;
  out.checkpointsDigest = checkpointsDigest(checkpoints);
  progress('checkpoints', checkpoints.length);

  out.sampledRecords = recordSample.items;
  out.sampledPoints = pointSample.items;
  return out;
}

/** True when a snapshot holds no row at all (the destination check before anything is written). */
export async function snapshotIsEmpty(snapshot: StoreSnapshot): Promise<boolean> {
  if ((await snapshot.keys()).length > 0 || (await snapshot.checkpoints()).length > 0) return false;
  for (const pages of [snapshot.records(1), snapshot.points(1), snapshot.audit(1)] as const) {
    for await (const page of pages as AsyncIterable<unknown[]>) if (page.length > 0) return false;
  }
  return true;
}
