// Restore through the Store port into real sqlite stores: one tenant without touching the
// others, refusal to write over data, and a chain tampered with before the backup.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryTarget, openRig } from '../../validation/support/backup-rig.ts';
import { takeBackup } from './backup.ts';
import { rebuildBackup } from './rebuild.ts';
import { formatRestoreReport, restoreBackup } from './restore.ts';
import { sqliteSnapshots } from './snapshot.ts';

const rigs: Awaited<ReturnType<typeof openRig>>[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

async function rigWithBackup() {
  const rig = await openRig();
  rigs.push(rig);
  await rig.fill('acme', 'a');
  await rig.fill('beta', 'b', 3);
  await rig.audit.checkpoint('acme');
  const targets = [new MemoryTarget('m0'), new MemoryTarget('m1')];
  await takeBackup({ source: sqliteSnapshots(rig.dataDir), of: { platform: true }, targets, k: 1, master: rig.master });
  return { rig, targets };
}

describe('restore', () => {
  it('restores one tenant and leaves every other store as it is', async () => {
    const { rig, targets } = await rigWithBackup();
    await rig.fill('beta', 'later', 2); // written after the backup: must survive the restore
    const betaBefore = { points: await (await rig.storage.tenant('beta')).countPoints(), head: await (await rig.storage.tenant('beta')).lastAudit() };
    const platformHead = await (await rig.storage.platform()).lastAudit();
    rig.scopes.forget('acme');
    await rig.storage.dropTenant('acme');

    const backup = await rebuildBackup({ targets, master: rig.master });
    const report = await restoreBackup({ backup, storage: rig.storage, master: rig.master, tenant: 'acme' });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(new Set(report.checks.map((c) => c.scope))).toEqual(new Set(['acme']));

    const notes = await rig.scopes.records('acme');
    expect((await notes.get<{ text: string }>('note', 'a-3'))?.data.text).toBe('a note 3');
    const beta = await rig.storage.tenant('beta');
    expect(await beta.countPoints()).toBe(betaBefore.points);
    expect(await beta.lastAudit()).toEqual(betaBefore.head);
    expect(await (await rig.storage.platform()).lastAudit()).toEqual(platformHead);
  });

  it('refuses to write over a store that holds data, and writes nothing', async () => {
    const { rig, targets } = await rigWithBackup();
    const backup = await rebuildBackup({ targets, master: rig.master });
    const acme = await rig.storage.tenant('acme');
    const before = await acme.count('note');
    await expect(restoreBackup({ backup, storage: rig.storage, master: rig.master, tenant: 'acme' })).rejects.toThrow(
      /already holds data for acme; restore needs an empty data directory or database/,
    );
    expect(await acme.count('note')).toBe(before);
  });

  it('an audit entry edited before the backup is restored as evidence and fails the report', async () => {
    const { rig } = await rigWithBackup();
    const db = new Database(join(rig.dataDir, 'tenants', 'acme.db'));
    db.exec('DROP TRIGGER IF EXISTS audit_no_update;'); // an attacker with file access
    db.prepare("UPDATE audit SET target = 'note:forged' WHERE seq = 2").run();
    db.close();
    const targets = [new MemoryTarget('m0')];
    await takeBackup({ source: sqliteSnapshots(rig.dataDir), of: { tenant: 'acme' }, targets, k: 1, master: rig.master });

    const fresh = await openRig(undefined, 'ab'.repeat(32));
    rigs.push(fresh);
    const backup = await rebuildBackup({ targets, master: rig.master });
    const report = await restoreBackup({ backup, storage: fresh.storage, master: fresh.master });
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.check === 'audit chain verifies')).toMatchObject({ scope: 'acme', ok: false, found: 'broken at #2: edited' });
    expect(formatRestoreReport(report)).toMatch(/MISMATCH\s+acme · audit chain verifies[\s\S]*do not use this restore/);
  });
});
