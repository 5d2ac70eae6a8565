// Master-key rotation (ASVS 6.4.2): every wrapped key moves to the new master key, no data is
// re-encrypted, the old key no longer opens anything, and an interrupted run can be finished.
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rotateMasterKey } from '../../scripts/rotate-master-key.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import { bootHarness } from '../../validation/support/harness.ts';

const inA = <T>(fn: () => Promise<T>) => runInTenant(systemContext('test', asTenantId('tenant-a')), fn);

describe('master-key rotation', () => {
  it('re-wraps every key; data, blind indexes and the audit chain stay intact; the old key is useless', async () => {
    const h = await bootHarness();
    await inA(async () => {
      const r = await h.platform.services.scopes.current();
      await r.put('note', 'n1', { v: 'kept across rotation' }, { subject: 'subj-1', blind: { code: 'ABC-123' } });
      await h.platform.services.keyring.rotateTenantKey('tenant-a');
      await r.put('note', 'n2', { v: 'sealed with v2' });
    });
    await h.close({ keepData: true });
    const keyFile = join(h.config.dataDir, 'master.key');
    const oldKey = readFileSync(keyFile, 'utf8');
    const sealedBody = () => {
      const db = new Database(join(h.config.dataDir, 'tenants', 'tenant-a.db'), { readonly: true });
      try {
        return (db.prepare("SELECT body FROM records WHERE id = 'n1'").get() as { body: Buffer }).body;
      } finally {
        db.close();
      }
    };
    const before = sealedBody();

    const report = await rotateMasterKey(h.config);
    expect(report.rewrapped).toBeGreaterThanOrEqual(2 * 3 + 1); // tenant + index keys of 3 scopes, audit key
    expect(readFileSync(keyFile, 'utf8')).not.toBe(oldKey);
    expect(sealedBody().equals(before)).toBe(true); // only the wrapping changed, not the data

    const again = await bootHarness({ dataDir: h.config.dataDir, provision: false });
    await runInTenant(systemContext('test', asTenantId('tenant-a')), async () => {
      const r = await again.platform.services.scopes.current();
      expect((await r.get<{ v: string }>('note', 'n1'))?.data.v).toBe('kept across rotation');
      expect((await r.get<{ v: string }>('note', 'n2'))?.data.v).toBe('sealed with v2');
      expect(await r.find('note', { blind: { code: 'abc-123' } })).toHaveLength(1);
    });
    expect((await again.platform.services.audit.admin.verify('tenant-a')).ok).toBe(true);
    expect((await (await again.as(h.tenants.a.users.auditor)).get('/api/v1/audit')).status).toBe(200);
    await again.close({ keepData: true });

    // the old master key opens nothing any more
    writeFileSync(keyFile, oldKey, { mode: 0o600 });
    await expect(bootHarness({ dataDir: h.config.dataDir, provision: false })).rejects.toThrow(/master key/);
  });

  it('an interrupted rotation blocks start-up until it is finished by running it again', async () => {
    const h = await bootHarness();
    await h.close({ keepData: true });
    writeFileSync(join(h.config.dataDir, 'master.key.next'), `${'ab'.repeat(32)}\n`, { mode: 0o600 });
    await expect(bootHarness({ dataDir: h.config.dataDir, provision: false })).rejects.toThrow(/rotation was interrupted/);
    const report = await rotateMasterKey(h.config);
    expect(report.rewrapped).toBeGreaterThan(0);
    expect(readFileSync(join(h.config.dataDir, 'master.key'), 'utf8').trim()).toBe('ab'.repeat(32));
    const again = await bootHarness({ dataDir: h.config.dataDir, provision: false });
    expect((await again.as(h.tenants.a.users.auditor)).token).toBeTruthy();
    await again.close();
  });
});
