// sealJsonAll: the batch form ingest uses (platform/services/series.ts) must seal exactly as
// sealJson does, value by value: same keys, same AAD, same refusals.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ErasedError } from '../errors.ts';
import { setup } from './keyring.fixture.ts';
import { decodeSealed } from './sealed-format.ts';

const ref = (id: string, subject?: string) => ({ tenant: 'tenant-a', collection: 'series', id, ...(subject ? { subject } : {}) });

describe('keyring.sealJsonAll', () => {
  it('seals each value under its subject key (or the tenant key), openable one by one', async () => {
    const { keyring } = setup();
    const [p1, p2] = [randomUUID(), randomUUID()];
    const items = [
      { ref: ref('r1', p1), value: { hr: 71 } },
      { ref: ref('r2', p2), value: { hr: 88 } },
      { ref: ref('r3'), value: { lux: 12 } },
      { ref: ref('r4', p1), value: { hr: 73 } },
    ];
    const sealed = await keyring.sealJsonAll(items);
    expect(sealed).toHaveLength(4);
    for (const [i, item] of items.entries()) expect(await keyring.openJson(item.ref, sealed[i]!)).toEqual(item.value);
    expect(decodeSealed(sealed[0]!).keyId).toBe(decodeSealed(await keyring.sealJson(ref('x', p1), 1)).keyId);
    expect(decodeSealed(sealed[2]!).keyId).toMatch(/^t/);
    // The AAD binds each record id: a body moved to another id does not open.
    await expect(keyring.openJson(ref('r4', p1), sealed[0]!)).rejects.toThrow();
  });

  it('looks each key up once per batch, not once per value', async () => {
    const { keyring, storeFor } = setup();
    const store = await storeFor('tenant-a');
    const p = randomUUID();
    await keyring.sealJsonAll([{ ref: ref('warm', p), value: 0 }]);
    keyring.clearCache();
    store.reads = 0;
    await keyring.sealJsonAll(Array.from({ length: 50 }, (_, i) => ({ ref: ref(`r${i}`, p), value: i })));
    const perBatch = store.reads;
    keyring.clearCache();
    store.reads = 0;
    await keyring.sealJsonAll([{ ref: ref('one', p), value: 1 }]);
    expect(perBatch).toBe(store.reads);
  });

  it('refuses an erased subject as sealJson does', async () => {
    const { keyring } = setup();
    const p = randomUUID();
    await keyring.ensureSubject('tenant-a', p);
    await keyring.shred('tenant-a', p);
    await expect(keyring.sealJsonAll([{ ref: ref('r1'), value: 1 }, { ref: ref('r2', p), value: 2 }])).rejects.toBeInstanceOf(ErasedError);
  });
});
