import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../storage/sqlite/index.ts';
import type { AuditEvent } from './audit-sink.ts';
import { RetentionJob, retentionCutoff } from './retention.ts';
import type { Tenant } from '../tenancy/tenants.ts';

const DAY = 86_400_000;
const NOW = 1_800_000_000_000;

describe('retentionCutoff', () => {
  it.each([
    [undefined, null],
    [0, null],
    [-3, null],
    [1.5, null],
    [1, NOW - DAY],
    [30, NOW - 30 * DAY],
  ])('days %s → %s', (days, expected) => {
    expect(retentionCutoff(NOW, days)).toBe(expected);
  });
});

describe('RetentionJob', () => {
  it('deletes readings older than each tenant’s period, keeps the rest, and audits each deletion', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'custodia-retention-'));
    const storage = await createSqliteStorage({ dataDir: dir });
    try {
      const tenant = (id: string, days?: number): Tenant => ({
        id,
        name: id,
        region: 'eu-west',
        quotas: { maxDevices: 1, maxUsers: 1, ingestPerSecond: 1 },
        pilots: [],
        status: 'active',
        createdAt: 0,
        ...(days ? { readingsRetentionDays: days } : {}),
      });
      const pt = (id: string, ageDays: number) => ({ series: 'dev-1', id, ts: NOW - ageDays * DAY, subject: null, body: Buffer.from(`sealed-${id}`) });
      for (const t of ['tenant-k', 'tenant-r']) {
        await (await storage.tenant(t)).commit({ points: [pt('old', 40), pt('edge', 29.9), pt('new', 1)] });
      }
      const audited: { scope: string; event: AuditEvent }[] = [];
      const job = new RetentionJob({
        tenants: { list: async () => [tenant('tenant-k'), tenant('tenant-r', 30)] },
        storeFor: (t) => storage.tenant(t),
        audit: { record: async (scope, event) => void audited.push({ scope, event }) },
        intervalMs: 60_000,
        now: () => NOW,
      });
      expect(await job.runOnce()).toEqual([{ tenant: 'tenant-r', days: 30, cutoff: NOW - 30 * DAY, deleted: 1 }]);
      expect((await (await storage.tenant('tenant-r')).range({ series: 'dev-1' })).map((p) => p.id)).toEqual(['edge', 'new']);
      expect(await (await storage.tenant('tenant-k')).countPoints()).toBe(3);
      expect(audited).toEqual([
        {
          scope: 'tenant-r',
          event: { actor: 'system:retention', action: 'retention.enforce', target: 'series:*', outcome: 'success', details: { deleted: 1, before: NOW - 30 * DAY, days: 30 } },
        },
      ]);
      await job.runOnce();
      expect(audited).toHaveLength(1); // nothing more to delete, nothing more recorded
    } finally {
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a scheduled pass that cannot list the tenants reports the failure instead of swallowing it', async () => {
    const errors: unknown[] = [];
    const job = new RetentionJob({
      tenants: { list: async () => Promise.reject(new Error('store unavailable')) },
      storeFor: () => Promise.reject(new Error('not reached')),
      audit: { record: async () => undefined },
      intervalMs: 10,
      onError: (err) => void errors.push(err),
    });
    job.start();
    try {
      await expect.poll(() => errors.length, { timeout: 2000 }).toBeGreaterThan(0);
      expect((errors[0] as Error).message).toBe('store unavailable');
    } finally {
      await job.stop();
    }
  });
});
