// Residency (docs/architecture.md "Residency"): tenants are created in their region's location
// only, an unknown region is refused, a move between regions is explicit and audited in both
// chains, and the platform refuses to start with a tenant whose region has no location.
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../platform/config.ts';
import { startPlatform } from '../../platform/server.ts';
import { bootHarness } from '../../validation/support/harness.ts';

const root = mkdtempSync(join(tmpdir(), 'custodia-residency-'));
const west = join(root, 'west');
const south = join(root, 'south');
const regions = { 'eu-west': { dataDir: west, backupTargets: [] }, 'eu-south': { dataDir: south, backupTargets: [] } };
const dbOf = (dir: string, tenant: string) => join(dir, 'tenants', `${tenant}.db`);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('residency', () => {
  it('creates a tenant only in its region, refuses an unknown region, and moves a tenant on request, audited', async () => {
    const h = await bootHarness({ store: 'sqlite', config: { regions } });
    try {
      const root = await h.as('root-admin');
      expect((await root.post('/api/v1/tenants', { id: 'tenant-s', name: 'South Operator', region: 'eu-south' })).status).toBe(201);
      expect(existsSync(dbOf(south, 'tenant-s'))).toBe(true);
      expect(existsSync(dbOf(west, 'tenant-s'))).toBe(false);
      expect(existsSync(dbOf(h.config.dataDir, 'tenant-s'))).toBe(false);
      expect(existsSync(dbOf(west, 'tenant-a'))).toBe(true);

      const refused = await root.post('/api/v1/tenants', { id: 'tenant-n', name: 'North Operator', region: 'eu-north' });
      expect(refused.status).toBe(422);
      expect(refused.contentType).toContain('application/problem+json');
      expect(refused.body.detail).toContain('eu-north');
      expect(await h.platform.services.tenants.get('tenant-n')).toBeNull();
      for (const dir of [west, south, h.config.dataDir]) expect(existsSync(dbOf(dir, 'tenant-n'))).toBe(false);

      // Data written before the move opens after it.
      const records = await h.platform.services.scopes.records('tenant-a');
      await records.put('note', 'n-1', { text: 'synthetic note' });
      expect((await root.post('/api/v1/tenants/tenant-a/region', { region: 'eu-south' })).status).toBe(409); // not suspended
      expect((await root.patch('/api/v1/tenants/tenant-a', { status: 'suspended' })).status).toBe(200);
      const noLocation = await root.post('/api/v1/tenants/tenant-a/region', { region: 'eu-north' });
      expect(noLocation.status).toBe(422);
      const moved = await root.post('/api/v1/tenants/tenant-a/region', { region: 'eu-south' });
      expect(moved.status).toBe(200);
      expect(moved.body).toMatchObject({ from: 'eu-west', to: 'eu-south' });
      expect(moved.body.copied.records).toBeGreaterThan(0);
      expect(existsSync(dbOf(south, 'tenant-a'))).toBe(true);
      expect(existsSync(dbOf(west, 'tenant-a'))).toBe(false);
      expect((await h.platform.services.tenants.get('tenant-a'))?.region).toBe('eu-south');
      const reopened = await h.platform.services.scopes.records('tenant-a');
      expect((await reopened.get<{ text: string }>('note', 'n-1'))?.data.text).toBe('synthetic note');

      const audit = h.platform.services.audit;
      for (const scope of ['tenant-a', '_platform']) {
        const page = await audit.admin.list(scope, { limit: 1000 });
        expect(page.entries.filter((e) => e.action === 'tenant.region.move' && e.outcome === 'success')).toHaveLength(1);
        expect((await audit.admin.verify(scope)).ok).toBe(true);
      }
    } finally {
      await h.close({ keepData: true });
    }

    // A restart without a location for eu-west refuses to start, in one line.
    const config = testConfig({ dataDir: h.config.dataDir, regions: { 'eu-south': regions['eu-south'] } });
    let err: unknown;
    try {
      const p = await startPlatform(config);
      await p.stop();
    } catch (e) {
      err = e;
    }
    expect((err as Error)?.message).toMatch(/^region eu-west of tenant tenant-b has no storage location/);
    expect((err as Error).message).not.toContain('\n');
    await rm(h.config.dataDir, { recursive: true, force: true });
  });
});
