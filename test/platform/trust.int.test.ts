// Encryption at rest, restart durability, key rotation and shredding, and audit tamper evidence,
// against the real platform and its real files.
import Database from 'better-sqlite3';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErasedError } from '../../platform/errors.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import { bootHarness, type Harness } from '../../validation/support/harness.ts';
import { probePilot } from '../../validation/support/probe-pilot.ts';
import { scanDir } from '../../validation/support/scan.ts';

const inA = <T>(h: Harness, fn: () => Promise<T>) =>
  runInTenant(systemContext('test', asTenantId('tenant-a')), fn);

const SENTINEL_NAME = 'Zanzibar-Quokka-7731';
const SENTINEL_NUMBER = 987654.321;

describe('encryption at rest and restart', () => {
  let dataDir = '';
  afterAll(async () => {
    const { rm } = await import('node:fs/promises');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('no sentinel value appears in any byte under the data directory, and everything survives a restart (ASVS 6.1.1, ETSI EN 303 645 5.8-2)', async () => {
    const h = await bootHarness({ pilots: [probePilot], tenantPilots: ['probe'] });
    dataDir = h.config.dataDir;
    await inA(h, async () => {
      const records = await h.platform.services.scopes.current();
      await records.put('person', 'p-1', { name: SENTINEL_NAME, weight: SENTINEL_NUMBER }, { subject: 'subj-1', blind: { name: SENTINEL_NAME } });
      await h.platform.services.series.append([
        { series: 'dev-1', id: 'r-1', ts: 1_700_000_000_000, subject: 'subj-1', data: { value: SENTINEL_NUMBER, note: SENTINEL_NAME } },
      ]);
    });
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    await admin.post('/api/v1/devices', { id: 'sentinel-dev', kind: 'probe-sensor', label: SENTINEL_NAME });
    await h.close({ keepData: true });

    const hits = scanDir(dataDir, [SENTINEL_NAME, String(SENTINEL_NUMBER), 'correct-horse-battery-staple-1']);
    expect(hits).toEqual([]);
    // The scan does find what is stored in clear (ids), so it is looking at the right bytes.
    expect(scanDir(dataDir, ['sentinel-dev']).length).toBeGreaterThan(0);

    const again = await bootHarness({ pilots: [probePilot], dataDir, provision: false });
    await inA(again, async () => {
      const records = await again.platform.services.scopes.current();
      expect((await records.get<{ name: string }>('person', 'p-1'))?.data.name).toBe(SENTINEL_NAME);
      expect((await records.find('person', { blind: { name: SENTINEL_NAME.toLowerCase() } })).length).toBe(1);
      const points = await again.platform.services.series.range<{ value: number }>('dev-1');
      expect(points[0]?.data.value).toBe(SENTINEL_NUMBER);
    });
    expect((await (await again.as('tenant-a-tenant-admin')).get('/api/v1/devices/sentinel-dev')).body.label).toBe(SENTINEL_NAME);
    await again.close({ keepData: true });
  });
});

describe('keys', () => {
  it('rotation keeps old data readable; shredding makes a subject erased and spares the others (ASVS 6.4.2, ETSI EN 303 645 5.11-1)', async () => {
    const h = await bootHarness();
    const s = h.platform.services;
    await inA(h, async () => {
      const records = await s.scopes.current();
      await records.put('note', 'old', { v: 'before rotation' });
      await records.put('note', 'alice', { v: 'subject one' }, { subject: 'subj-alice' });
      await records.put('note', 'bob', { v: 'subject two' }, { subject: 'subj-bob' });
      const admin = await h.as(h.tenants.a.users['tenant-admin']);
      const rotated = await admin.post('/api/v1/keys/rotate');
      expect(rotated.body.version).toBe(2);
      await records.put('note', 'new', { v: 'after rotation' });
      expect((await records.get<{ v: string }>('note', 'old'))?.data.v).toBe('before rotation');
      const raw = await records.store.get('note', 'new');
      expect(raw!.body.subarray(2, 2 + raw!.body[1]!).toString()).toBe('t2');

      await s.keyring.shred('tenant-a', 'subj-alice');
      await expect(records.get('note', 'alice')).rejects.toBeInstanceOf(ErasedError);
      expect((await records.get<{ v: string }>('note', 'bob'))?.data.v).toBe('subject two');
      expect((await records.find('note')).map((r) => r.id).sort()).toEqual(['bob', 'new', 'old']);
    });
    const keys = await (await h.as(h.tenants.a.users['tenant-admin'])).get('/api/v1/keys');
    expect(keys.body.items.filter((k: { scope: string }) => k.scope === 'tenant').length).toBe(2);
    const log = await (await h.as(h.tenants.a.users.auditor)).get('/api/v1/audit?action=key.rotate');
    expect(log.body.items.length).toBe(1);
    await h.close();
  });

  it('a ciphertext copied onto another record or tenant fails to open', async () => {
    const h = await bootHarness();
    const s = h.platform.services;
    const a = await s.scopes.records('tenant-a');
    const b = await s.scopes.records('tenant-b');
    await a.put('note', 'one', { v: 'secret one' });
    const raw = (await a.store.get('note', 'one'))!;
    await a.store.commit({ put: [{ ...raw, id: 'two' }] });
    await expect(a.get('note', 'two')).rejects.toThrow(/failed to open/);
    await b.store.commit({ put: [{ ...raw }] });
    await expect(b.get('note', 'one')).rejects.toThrow(/failed to open/);
    await h.close();
  });
});

describe('audit log tamper evidence', () => {
  it.each(['edit', 'delete', 'reorder', 'truncate'] as const)('a %s on a copy of the log is detected by verify; the original verifies (ASVS 7.3.3)', async (attack) => {
    const h = await bootHarness();
    const auditor = await h.as(h.tenants.a.users.auditor);
    for (let i = 0; i < 5; i++) await auditor.get('/api/v1/audit?limit=1');
    const ok = await auditor.post('/api/v1/audit/verify');
    expect(ok.body.ok).toBe(true);
    await h.close({ keepData: true });

    const copy = mkdtempSync(join(tmpdir(), 'custodia-tamper-'));
    cpSync(h.config.dataDir, copy, { recursive: true });
    const db = new Database(join(copy, 'tenants', 'tenant-a.db'));
    db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
    const max = (db.prepare('SELECT max(seq) m FROM audit').get() as { m: number }).m;
    if (attack === 'edit') db.prepare("UPDATE audit SET target = 'chain:forged' WHERE seq = 2").run();
    if (attack === 'delete') db.prepare('DELETE FROM audit WHERE seq = 3').run();
    if (attack === 'reorder') {
      const rows = db.prepare('SELECT * FROM audit WHERE seq IN (2, 3) ORDER BY seq').all() as Record<string, unknown>[];
      db.prepare('DELETE FROM audit WHERE seq IN (2, 3)').run();
      const ins = db.prepare('INSERT INTO audit (seq, ts, actor, action, target, outcome, details, prev_hash, hash) VALUES (@seq, @ts, @actor, @action, @target, @outcome, @details, @prev_hash, @hash)');
      ins.run({ ...rows[1], seq: 2 });
      ins.run({ ...rows[0], seq: 3 });
    }
    if (attack === 'truncate') db.prepare('DELETE FROM audit WHERE seq > ?').run(max - 2);
    db.close();

    const tampered = await bootHarness({ dataDir: copy, provision: false });
    const verdict = await tampered.platform.services.audit.admin.verify('tenant-a');
    expect(verdict.ok).toBe(false);
    await tampered.close();
    await h.close().catch(() => undefined);
  });
});
