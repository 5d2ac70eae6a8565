import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStorage } from './index.ts';
import type { StorageProvider } from './port.ts';

describe('createStorage', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'custodia-storage-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('chooses sqlite when no MongoDB URI is configured, without loading the mongo adapter', async () => {
    let mongoLoaded = false;
    const storage = await createStorage({ dataDir }, { loadMongo: async () => ((mongoLoaded = true), {}) });
    try {
      expect(storage.kind).toBe('sqlite');
      expect(await (await storage.platform()).ping()).toBe(true);
      expect(mongoLoaded).toBe(false);
    } finally {
      await storage.close();
    }
  });

  it('says the MongoDB adapter is unavailable when its module cannot be loaded', async () => {
    const config = { dataDir, mongodbUri: 'mongodb://127.0.0.1:1/custodia' };
    const missing = Object.assign(new Error('Cannot find module'), { code: 'ERR_MODULE_NOT_FOUND' });
    await expect(createStorage(config, { loadMongo: () => Promise.reject(missing) })).rejects.toThrow(
      /MongoDB adapter is unavailable/,
    );
    await expect(createStorage(config, { loadMongo: async () => ({}) })).rejects.toThrow(/MongoDB adapter is unavailable/);
  });

  it('hands the configuration to the mongo adapter when one is configured', async () => {
    const fake = { kind: 'mongo' } as StorageProvider;
    let seen: unknown;
    const storage = await createStorage(
      { dataDir, mongodbUri: 'mongodb://127.0.0.1:1/custodia' },
      { loadMongo: async () => ({ createMongoStorage: async (c: unknown) => ((seen = c), fake) }) },
    );
    expect(storage).toBe(fake);
    expect(seen).toEqual({ dataDir, mongodbUri: 'mongodb://127.0.0.1:1/custodia' });
  });

  it('chooses the postgres adapter for a postgres:// store URL, and only then loads it', async () => {
    const fake = { kind: 'postgres' } as StorageProvider;
    let seen: unknown;
    let mongoLoaded = false;
    const config = { dataDir, storeUrl: 'postgresql://app@127.0.0.1:1/custodia' };
    const storage = await createStorage(config, {
      loadPostgres: async () => ({ createPostgresStorage: async (c: unknown) => ((seen = c), fake) }),
      loadMongo: async () => ((mongoLoaded = true), {}),
    });
    expect(storage).toBe(fake);
    expect(seen).toEqual(config);
    expect(mongoLoaded).toBe(false);
    await expect(createStorage(config, { loadPostgres: async () => ({}) })).rejects.toThrow(/PostgreSQL adapter is unavailable/);
  });
});
