// Residency of backups, as pure functions: which schedules a configuration asks for, which
// targets belong to another region, and which tenants a default-location backup includes.
import { describe, expect, it } from 'vitest';
import type { RegionLocation } from '../config.ts';
import { foreignTargets, homeTenantsIncluded, regionAt } from './locations.ts';
import { backupPlans, regionsWithTargets } from './schedules.ts';
import { composeSnapshots, type SnapshotSource } from './snapshot.ts';

const regions: Record<string, RegionLocation> = {
  'eu-west': { dataDir: '/srv/home', backupTargets: [] },
  'eu-south': { dataDir: '/srv/south', backupTargets: ['/mnt/s1', 's3://south/x'], backupK: 2 },
  'eu-north': { storeUrl: 'postgres://db/north', backupTargets: ['/mnt/n1', '/mnt/n2', '/mnt/n3'] },
};
const backup = { intervalMs: 60_000, keep: 7, targets: ['/mnt/d1', '/mnt/d2'], k: 1 };

describe('backup residency', () => {
  it('plans the default schedule and one per region with targets', () => {
    expect(backupPlans({ backup, regions })).toEqual([
      { name: 'default', targets: ['/mnt/d1', '/mnt/d2'], k: 1 },
      { name: 'eu-north', region: 'eu-north', targets: ['/mnt/n1', '/mnt/n2', '/mnt/n3'], k: 2 },
      { name: 'eu-south', region: 'eu-south', targets: ['/mnt/s1', 's3://south/x'], k: 2 },
    ]);
    expect(backupPlans({ regions })).toEqual([]);
    expect([...regionsWithTargets({ regions })].sort()).toEqual(['eu-north', 'eu-south']);
  });

  it.each([
    [undefined, ['/mnt/s1', '/mnt/x'], [{ target: '/mnt/s1', owner: 'eu-south' }]],
    ['eu-south', ['/mnt/s1', 's3://south/x'], []],
    ['eu-south', ['/mnt/n2'], [{ target: '/mnt/n2', owner: 'eu-north' }]],
    ['eu-north', ['s3://south/x'], [{ target: 's3://south/x', owner: 'eu-south' }]],
  ])('a backup of %s to %j finds foreign targets %j', (region, targets, expected) => {
    expect(foreignTargets(regions, region, targets)).toEqual(expected);
  });

  it('the default location includes its tenants unless their region has targets of its own', () => {
    expect(regionAt(regions, { dataDir: '/srv/home' })).toBe('eu-west');
    expect(homeTenantsIncluded(regions, { dataDir: '/srv/home' })).toBe(true);
    expect(homeTenantsIncluded({ ...regions, 'eu-west': { dataDir: '/srv/home', backupTargets: ['/mnt/w'] } }, { dataDir: '/srv/home' })).toBe(false);
    expect(homeTenantsIncluded(undefined, { dataDir: '/srv/home' })).toBe(true);
  });

  it('a composed source lists and opens only the tenants that belong to it', async () => {
    const opened: string[] = [];
    const fake = (tenants: string[]): SnapshotSource => ({
      tenants: async () => tenants,
      open: async (scope) => {
        opened.push(scope);
        return { scope } as never;
      },
    });
    const source = composeSnapshots({ platform: fake([]), tenants: fake(['acme', 'beta']), include: (t) => t === 'acme' });
    expect(await source.tenants()).toEqual(['acme']);
    await source.open('_platform');
    await source.open('acme');
    await expect(source.open('beta')).rejects.toThrow(/does not belong/);
    expect(opened).toEqual(['_platform', 'acme']);
  });
});
