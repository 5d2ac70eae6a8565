import { describe, expect, it } from 'vitest';
import { runStorageContract } from '../../../test/contract/storage.contract.ts';
import { createMemoryStorage } from './provider.ts';

runStorageContract('memory', async () => {
  const provider = createMemoryStorage();
  return { provider, cleanup: () => provider.close() };
});

describe('memory adapter', () => {
  it('hands out copies: changing what was read or written does not change what is stored', async () => {
    const store = await createMemoryStorage().tenant('tenant-a');
    const body = Buffer.from('sealed');
    await store.commit({ put: [{ kind: 'k', id: '1', subject: null, index: { a: 'x' }, body, createdAt: 1, updatedAt: 1 }] });
    body.fill(0);
    const read = (await store.get('k', '1'))!;
    read.index.a = 'y';
    read.body.fill(1);
    const again = (await store.get('k', '1'))!;
    expect(again.body.toString()).toBe('sealed');
    expect(again.index).toEqual({ a: 'x' });
  });

  it('a dropped tenant’s store refuses every call afterwards', async () => {
    const provider = createMemoryStorage();
    const store = await provider.tenant('tenant-a');
    await provider.dropTenant('tenant-a');
    await expect(store.get('k', '1')).rejects.toThrow(/closed/);
    expect(await store.ping()).toBe(false);
  });
});
