// Pure pieces the migration and the restore both check with: a random sample of a stream, order-
// independent digests of stored rows, a read-only key store for verification keyrings, and what
// makes a destination store "not empty".
import { createHash, randomInt } from 'node:crypto';
import type { KeyStore } from '../../crypto/keyring.ts';
import type { Store, StoredAuditEntry, StoredCheckpoint, StoredKey, StoredPoint, StoredRecord } from '../port.ts';

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

const sha = (...parts: (string | Buffer)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? `${p}\0` : p);
  return h.digest('hex');
};

/** Order-independent digest of key rows: scope, version, wrapping key, createdAt and wrapped bytes. */
export function keysDigest(keys: readonly StoredKey[]): string {
  const lines = keys.map((k) => `${k.scope}\0${k.version}\0${k.wrappedBy}\0${k.createdAt}\0${sha(k.wrapped)}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

/** Digest of one record as stored: every field, the index in name order, the sealed bytes. */
export function recordDigest(r: StoredRecord): string {
  const index = Object.entries(r.index).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sha(r.kind, r.id, r.subject ?? '\u0001', JSON.stringify(index), String(r.createdAt), String(r.updatedAt), r.body).slice(0, 32);
}

export function pointDigest(p: StoredPoint): string {
  return sha(p.series, p.id, String(p.ts), p.subject ?? '\u0001', p.body).slice(0, 32);
}

export function auditDigest(e: StoredAuditEntry): string {
  return sha(String(e.seq), String(e.ts), e.actor, e.action, e.target, e.outcome, e.details, e.prevHash, e.hash).slice(0, 32);
}

export function checkpointsDigest(cps: readonly StoredCheckpoint[]): string {
  return sha(cps.map((c) => [c.seq, c.headHash, c.ts, c.signature, c.keyId].join('|')).join('\n')).slice(0, 16);
}

/** The keyring's view of stored keys that cannot write: verification must never create a key. */
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

/** A read-only key store over a list of keys (a snapshot's). */
export function keyStoreOver(keys: readonly StoredKey[]): KeyStore {
  return readOnlyKeyStore({
    getKeys: async (scope) => keys.filter((k) => k.scope === scope),
    listKeyScopes: async (prefix) => [...new Set(keys.map((k) => k.scope).filter((s) => s.startsWith(prefix)))],
  });
}

/** What makes a destination "not empty" for one scope, through the port (a second run must not
 *  double an audit log). The port cannot list record kinds: pass the kinds to look for. */
export async function targetHoldsData(
  target: Pick<Store, 'lastAudit' | 'listKeyScopes' | 'listSeries' | 'listCheckpoints' | 'count'>,
  kinds: Iterable<string>,
): Promise<boolean> {
  if ((await target.lastAudit()) !== null) return true;
  if ((await target.listKeyScopes('')).length > 0) return true;
  if ((await target.listSeries()).length > 0) return true;
  if ((await target.listCheckpoints()).length > 0) return true;
  for (const kind of kinds) if ((await target.count(kind)) > 0) return true;
  return false;
}
