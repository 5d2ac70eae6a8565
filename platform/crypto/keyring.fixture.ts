// The keyring's tests' stand-in store and set-up (keyring.test.ts, keyring-batch.test.ts).
import { randomBytes } from 'node:crypto';
import type { StoredKey } from '../storage/port.ts';
import { createKeyring, type KeyStore } from './keyring.ts';
import { EnvMasterKeyProvider } from './master-key.ts';
import type { MasterKeyProvider } from './types.ts';

/** Stand-in for a tenant store's key table. Every call yields to the event loop, like real I/O,
 *  so races between concurrent callers actually interleave. */
export class MemoryKeyStore implements KeyStore {
  readonly rows = new Map<string, Map<number, StoredKey>>();
  readonly puts: StoredKey[] = [];
  /** getKeys calls so far (a test of the keyring's caching resets it). */
  reads = 0;

  async getKeys(scope: string): Promise<StoredKey[]> {
    this.reads++;
    await new Promise((r) => setImmediate(r));
    return [...(this.rows.get(scope)?.values() ?? [])].map((k) => ({ ...k, wrapped: Buffer.from(k.wrapped) }));
  }
  async putKey(key: StoredKey): Promise<void> {
    await new Promise((r) => setImmediate(r));
    this.puts.push(key);
    const versions = this.rows.get(key.scope) ?? new Map<number, StoredKey>();
    versions.set(key.version, { ...key, wrapped: Buffer.from(key.wrapped) }); // same scope+version replaces
    this.rows.set(key.scope, versions);
  }
  async destroyKeys(scope: string): Promise<number> {
    await new Promise((r) => setImmediate(r));
    const n = this.rows.get(scope)?.size ?? 0;
    this.rows.delete(scope);
    return n;
  }
  async listKeyScopes(prefix: string): Promise<string[]> {
    return [...this.rows.keys()].filter((s) => s.startsWith(prefix));
  }
  putsFor(scope: string): StoredKey[] {
    return this.puts.filter((k) => k.scope === scope);
  }
}

export function setup(master: MasterKeyProvider = new EnvMasterKeyProvider(randomBytes(32).toString('hex'))) {
  const stores = new Map<string, MemoryKeyStore>();
  const storeFor = async (tenant: string) => {
    let store = stores.get(tenant);
    if (!store) stores.set(tenant, (store = new MemoryKeyStore()));
    return store;
  };
  const keyring = createKeyring({ master, storeFor });
  /** A second keyring over the same stores and master key, with an empty cache (a restart). */
  const restart = () => createKeyring({ master, storeFor });
  const store = (tenant: string) => stores.get(tenant)!;
  return { keyring, restart, stores, store, master, storeFor };
}
