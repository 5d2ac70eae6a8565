import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseRegions } from '../config.ts';
import { createStorage } from './index.ts';
import { NoRegionLocationError, RegionalStorage, placementOf } from './regions.ts';

describe('CUSTODIA_REGIONS', () => {
  it('maps each region to a directory or a database URL, with its backup targets', () => {
    const config = loadConfig({
      CUSTODIA_DATA_DIR: '/srv/home',
      CUSTODIA_REGIONS: JSON.stringify({
        'eu-west': { store: '/srv/west', backupTargets: ['/mnt/a', '/mnt/b'] },
        'eu-south': { store: 'postgres://custodia@db.example/south' },
      }),
    });
    expect(config.regions).toEqual({
      'eu-west': { dataDir: '/srv/west', backupTargets: ['/mnt/a', '/mnt/b'] },
      'eu-south': { storeUrl: 'postgres://custodia@db.example/south', backupTargets: [] },
    });
    expect(loadConfig({}).regions).toBeUndefined();
  });

  it.each([
    ['{not json', 'must be JSON'],
    ['{}', 'at least one region'],
    ['{"EU":{"store":"/a"}}', 'region names'],
    ['{"eu-west":{"store":"mysql://db/x"}}', 'eu-west.store must be a directory'],
    ['{"eu-west":{"store":"/a"},"eu-south":{"store":"/a"}}', 'eu-west and eu-south share one storage location'],
    ['{"eu-west":{"store":"/a","extra":1}}', 'CUSTODIA_REGIONS'],
  ])('refuses %s with one line naming the setting', (text, message) => {
    let err: unknown;
    try {
      parseRegions(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(message);
    expect((err as Error).message).not.toContain('\n');
  });
});

describe('RegionalStorage', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'custodia-regions-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const open = () =>
    createStorage({
      dataDir: join(root, 'home'),
      mongodbUri: undefined,
      regions: {
        'eu-west': { dataDir: join(root, 'west'), backupTargets: [] },
        'eu-south': { dataDir: join(root, 'south'), backupTargets: [] },
      },
    });

  it("opens a tenant's store only in its region's location; the platform store stays at home", async () => {
    const storage = await open();
    try {
      expect(storage).toBeInstanceOf(RegionalStorage);
      const placement = placementOf(storage)!;
      placement.place('tenant-s', 'eu-south');
      const store = await storage.tenant('tenant-s');
      await store.putKey({ scope: 'tenant', version: 1, wrapped: Buffer.from('k'), wrappedBy: 'm:1', createdAt: 1 });
      await storage.platform();
      expect(existsSync(join(root, 'south', 'tenants', 'tenant-s.db'))).toBe(true);
      expect(existsSync(join(root, 'west', 'tenants', 'tenant-s.db'))).toBe(false);
      expect(existsSync(join(root, 'home', 'tenants', 'tenant-s.db'))).toBe(false);
      expect(existsSync(join(root, 'home', 'platform.db'))).toBe(true);
      expect(await store.getKeys('tenant')).toHaveLength(1);
    } finally {
      await storage.close();
    }
  });

  it('refuses a tenant that was never placed, and a region without a location', async () => {
    const storage = await open();
    try {
      await expect(storage.tenant('tenant-x')).rejects.toThrow(/no region placement/);
      expect(() => placementOf(storage)!.place('tenant-x', 'eu-north')).toThrow(NoRegionLocationError);
      expect(existsSync(join(root, 'home', 'tenants', 'tenant-x.db'))).toBe(false);
    } finally {
      await storage.close();
    }
  });

  it('follows a tenant placed again in another region, and refuses its store while it moves', async () => {
    const storage = await open();
    try {
      const placement = placementOf(storage)!;
      placement.place('tenant-m', 'eu-west');
      const store = await storage.tenant('tenant-m');
      await store.putKey({ scope: 'tenant', version: 1, wrapped: Buffer.from('k'), wrappedBy: 'm:1', createdAt: 1 });
      placement.beginMove('tenant-m');
      await expect(store.getKeys('tenant')).rejects.toThrow(/moving between regions/);
      placement.place('tenant-m', 'eu-south');
      placement.endMove('tenant-m');
      // The same store object now reads the (empty) eu-south store.
      expect(await store.getKeys('tenant')).toHaveLength(0);
    } finally {
      await storage.close();
    }
  });
});
