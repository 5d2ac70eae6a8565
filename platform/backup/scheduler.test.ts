// The scheduler's verdicts on a real sqlite state with in-memory targets: a region without
// tenants is not a failure, a target that cannot prune fails the run, and the last run is saved.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemoryTarget, openRig } from '../../validation/support/backup-rig.ts';
import { BackupScheduler, type BackupRun } from './scheduler.ts';
import { composeSnapshots, sqliteSnapshots } from './snapshot.ts';

let rig: Awaited<ReturnType<typeof openRig>>;
beforeAll(async () => {
  rig = await openRig();
  await rig.fill('acme', 'a', 2);
});
afterAll(() => rig.close());

const audited: { outcome: string; details?: Record<string, unknown> }[] = [];
const base = () => ({ k: 1, intervalMs: 3_600_000, master: rig.master, audit: { record: async (_s: string, e: { outcome: string; details?: Record<string, unknown> }) => void audited.push(e) } });

it('a target that cannot delete old backups fails the run, though the backup itself verified', async () => {
  class NoDelete extends MemoryTarget {
    async remove(): Promise<void> {
      throw new Error('AccessDenied on DeleteObject');
    }
  }
  const saved: BackupRun[] = [];
  const scheduler = new BackupScheduler({ ...base(), source: sqliteSnapshots(rig.dataDir), targets: [new NoDelete('locked')], keep: 1, runs: { load: async () => null, save: async (r) => void saved.push(r) } });
  expect((await scheduler.runOnce()).ok).toBe(true);
  const second = await scheduler.runOnce();
  expect(second).toMatchObject({ ok: false, verification: { ok: true }, error: 'AccessDenied on DeleteObject' });
  expect(saved.map((r) => r.ok)).toEqual([true, false]);
  expect(audited.at(-1)).toMatchObject({ outcome: 'failure' });
});

it('a region without tenants has nothing to back up, which is not a failure', async () => {
  const source = composeSnapshots({ platform: sqliteSnapshots(rig.dataDir), tenants: sqliteSnapshots(rig.dataDir), include: () => false });
  const target = new MemoryTarget('south');
  const run = await new BackupScheduler({ ...base(), source, of: { region: 'eu-south' }, targets: [target], keep: 3 }).runOnce();
  expect(run).toMatchObject({ ok: true, region: 'eu-south', stores: [] });
  expect(run.id).toBeUndefined();
  expect(target.objects.size).toBe(0);
  expect(audited.at(-1)).toMatchObject({ outcome: 'success', details: { region: 'eu-south', stores: 0 } });
});

it('after a restart, the saved last run is shown until a new run replaces it', async () => {
  const earlier = { startedAt: 1, seconds: 0.5, ok: true, stores: ['_platform'], k: 1, n: 1, pruned: [], id: '20261205T010000Z-0000000a' } satisfies BackupRun;
  const scheduler = new BackupScheduler({ ...base(), source: sqliteSnapshots(rig.dataDir), targets: [new MemoryTarget('m')], keep: 3, runs: { load: async () => earlier, save: async () => undefined } });
  expect(scheduler.last()).toBeNull();
  expect(await scheduler.loadLast()).toEqual(earlier);
  const fresh = await scheduler.runOnce();
  expect(await scheduler.loadLast()).toBe(fresh);
});
