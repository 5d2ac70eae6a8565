// rewrapUnderNewMaster over an in-memory key store (the layer below is covered by the stores'
// contract tests): every key moves, and a wrapping the new provider does not give back is never stored.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { StoredKey } from '../storage/port.ts';
import { keyWrapContext } from './keyring.ts';
import { EnvMasterKeyProvider } from './master-key.ts';
import { rewrapUnderNewMaster } from './master-rotation.ts';
import type { MasterKeyProvider } from './types.ts';

function memoryStore(rows: StoredKey[]) {
  const keys = new Map(rows.map((r) => [`${r.scope}|${r.version}`, r]));
  return {
    keys,
    async getKeys(scope: string) {
      return [...keys.values()].filter((k) => k.scope === scope);
    },
    async putKey(k: StoredKey) {
      keys.set(`${k.scope}|${k.version}`, k);
    },
  };
}

async function tenantStore(master: MasterKeyProvider, raw: Buffer) {
  const wrapped = await master.wrap(raw, keyWrapContext('t1', 'tenant', 1));
  return memoryStore([{ scope: 'tenant', version: 1, wrapped, wrappedBy: master.keyId, createdAt: 1 }]);
}

const hex = () => randomBytes(32).toString('hex');

describe('rewrapUnderNewMaster', () => {
  it('re-wraps every master-wrapped key; a second run finds them already moved (ASVS 6.4.2)', async () => {
    const from = new EnvMasterKeyProvider(hex());
    const to = new EnvMasterKeyProvider(hex());
    const raw = randomBytes(32);
    const store = await tenantStore(from, raw);
    expect(await rewrapUnderNewMaster({ stores: [{ scope: 't1', store }], from, to })).toEqual({ rewrapped: 1, alreadyNew: 0, scopes: 1 });
    const moved = store.keys.get('tenant|1')!;
    expect(moved.wrappedBy).toBe(to.keyId);
    expect((await to.unwrap(moved.wrapped, keyWrapContext('t1', 'tenant', 1), moved.wrappedBy)).equals(raw)).toBe(true);
    expect(await rewrapUnderNewMaster({ stores: [{ scope: 't1', store }], from, to })).toEqual({ rewrapped: 0, alreadyNew: 1, scopes: 1 });
  });

  it('stores nothing when the new provider does not give the same key back (ETSI 5.4-1; ASVS 6.4.2)', async () => {
    const from = new EnvMasterKeyProvider(hex());
    const real = new EnvMasterKeyProvider(hex());
    // A provider whose wrapping is lossy, as a misbehaving HSM mechanism could be.
    const lossy: MasterKeyProvider = {
      keyId: 'pkcs11:00000000000000ff',
      wrap: (plain, context) => real.wrap(Buffer.alloc(plain.length), context),
      unwrap: (wrapped, context) => real.unwrap(wrapped, context, real.keyId),
    };
    const store = await tenantStore(from, randomBytes(32));
    const before = store.keys.get('tenant|1');
    await expect(rewrapUnderNewMaster({ stores: [{ scope: 't1', store }], from, to: lossy })).rejects.toThrow(/did not unwrap to the same key; nothing replaced/);
    expect(store.keys.get('tenant|1')).toBe(before);
  });
});
