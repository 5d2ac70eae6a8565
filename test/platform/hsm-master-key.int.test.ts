// The master key in an HSM token (PKCS#11, SoftHSM2 here): a copy of the whole data directory
// opens nothing without the token, and `keys:rotate-master` moves a key file's keys into it
// (docs/keys.md). Skipped visibly when SoftHSM2 is not installed.
import Database from 'better-sqlite3';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import { main as backupMain } from '../../scripts/backup.ts';
import { main as escrowMain } from '../../scripts/keys-escrow.ts';
import { main as restoreMain } from '../../scripts/restore.ts';
import { rotateMasterKey } from '../../scripts/rotate-master-key.ts';
import type { Pkcs11Settings } from '../../platform/crypto/pkcs11-master-key.ts';
import { MASTER_KEY_FILE } from '../../platform/crypto/master-key.ts';
import { PLATFORM_SCOPE } from '../../platform/storage/port.ts';
import { runInTenant, systemContext } from '../../platform/tenancy/context.ts';
import { asTenantId } from '../../platform/ids.ts';
import { bootHarness } from '../../validation/support/harness.ts';
import { createSoftHsmTokens, softHsmModule, SOFTHSM_SKIP_NOTICE, type TestToken } from '../../validation/support/softhsm.ts';

const hsmAvailable = Boolean(softHsmModule());
if (!hsmAvailable) console.warn(SOFTHSM_SKIP_NOTICE);

const inA = <T>(fn: () => Promise<T>) => runInTenant(systemContext('test', asTenantId('tenant-a')), fn);
const SECRET = 'only-the-token-opens-this';

/** Every file under a directory, for a byte-level search of the copy. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

describe.skipIf(!hsmAvailable)('master key in a PKCS#11 token', () => {
  let tokens: Record<string, TestToken>;
  const dirs: string[] = [];
  beforeAll(() => {
    tokens = createSoftHsmTokens(['hsm-main', 'hsm-other', 'hsm-rotate']);
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a copy of the whole data directory opens nothing without the token (nor with a wrong PIN), and opens with it (ETSI 5.4-1; ASVS 6.4.1, 6.2.1)', async () => {
    const hsm = tokens['hsm-main']!.settings();
    const h = await bootHarness({ config: { hsm } });
    dirs.push(h.config.dataDir);
    await inA(async () => {
      const r = await h.platform.services.scopes.current();
      await r.put('note', 'n1', { v: SECRET }, { subject: 'subj-1', blind: { code: 'HSM-1' } });
    });
    await h.close({ keepData: true });
    expect(existsSync(join(h.config.dataDir, MASTER_KEY_FILE))).toBe(false);

    const copy = mkdtempSync(join(tmpdir(), 'custodia-stolen-'));
    dirs.push(copy);
    cpSync(h.config.dataDir, copy, { recursive: true });
    // No file of the copy holds the plaintext, nor any key that would open it.
    for (const f of filesUnder(copy)) expect(readFileSync(f).includes(SECRET), f).toBe(false);
    const wrappedBy = (() => {
      const db = new Database(join(copy, 'tenants', 'tenant-a.db'), { readonly: true });
      try {
        return (db.prepare("SELECT wrapped_by AS w FROM keys WHERE scope = 'tenant'").all() as { w: string }[]).map((r) => r.w);
      } finally {
        db.close();
      }
    })();
    expect(wrappedBy.length).toBeGreaterThan(0);
    for (const w of wrappedBy) expect(w).toMatch(/^pkcs11:[0-9a-f]{16}$/);

    // Without the token: the default provider makes a key file, which opens nothing.
    await expect(bootHarness({ dataDir: copy, provision: false })).rejects.toThrow(/wrapped by master key pkcs11:/);
    // Another token, even with a key of the same label: nothing.
    await expect(bootHarness({ dataDir: copy, provision: false, config: { hsm: tokens['hsm-other']!.settings() } })).rejects.toThrow(
      /wrapped by master key pkcs11:/,
    );
    // The token with a wrong PIN: one clear line at start.
    await expect(
      bootHarness({ dataDir: copy, provision: false, config: { hsm: { ...hsm, pinFile: undefined, pin: `${tokens['hsm-main']!.pin}0` } } }),
    ).rejects.toThrow(/PKCS#11 login to token "hsm-main" failed: wrong PIN/);
    // With the token: everything, on the copy as on the original.
    const again = await bootHarness({ dataDir: copy, provision: false, config: { hsm } });
    await inA(async () => {
      const r = await again.platform.services.scopes.current();
      expect((await r.get<{ v: string }>('note', 'n1'))?.data.v).toBe(SECRET);
      expect(await r.find('note', { blind: { code: 'hsm-1' } })).toHaveLength(1);
    });
    expect((await again.platform.services.audit.admin.verify('tenant-a')).ok).toBe(true);
    await again.close({ keepData: true });
  });

  it('keys:rotate-master moves a key file\'s keys into the token: data intact, the file removable, the move audited (ETSI 5.4-1; ASVS 6.4.1, 6.4.2)', async () => {
    const h = await bootHarness();
    dirs.push(h.config.dataDir);
    await inA(async () => {
      const r = await h.platform.services.scopes.current();
      await r.put('note', 'n1', { v: 'kept across the move' }, { subject: 'subj-1', blind: { code: 'ABC-1' } });
      await h.platform.services.keyring.rotateTenantKey('tenant-a');
      await r.put('note', 'n2', { v: 'sealed with v2' });
    });
    await h.close({ keepData: true });
    const keyFile = join(h.config.dataDir, MASTER_KEY_FILE);
    const tenantDb = join(h.config.dataDir, 'tenants', 'tenant-a.db');
    const before = readRecord(tenantDb, 'n1');

    const hsm = tokens['hsm-rotate']!.settings();
    const report = await rotateMasterKey({ ...h.config, hsm }, { removeFileKey: true });
    expect(report.rewrapped).toBeGreaterThanOrEqual(2 * 3 + 1); // tenant + index keys of 3 scopes, the audit key
    expect(report.fileKey).toEqual({ path: keyFile, removed: true });
    expect(existsSync(keyFile)).toBe(false);
    expect(readRecord(tenantDb, 'n1').equals(before)).toBe(true); // only the wrapping changed

    // Running it again finds nothing left to move (the file is gone: it says so, touching nothing).
    await expect(rotateMasterKey({ ...h.config, hsm })).rejects.toThrow(/no key file/);

    const again = await bootHarness({ dataDir: h.config.dataDir, provision: false, config: { hsm } });
    await inA(async () => {
      const r = await again.platform.services.scopes.current();
      expect((await r.get<{ v: string }>('note', 'n1'))?.data.v).toBe('kept across the move');
      expect((await r.get<{ v: string }>('note', 'n2'))?.data.v).toBe('sealed with v2');
      expect(await r.find('note', { blind: { code: 'abc-1' } })).toHaveLength(1);
    });
    expect((await again.platform.services.audit.admin.verify('tenant-a')).ok).toBe(true);
    expect((await again.platform.services.audit.admin.verify(PLATFORM_SCOPE)).ok).toBe(true);
    const page = await again.platform.services.audit.admin.list(PLATFORM_SCOPE, { limit: 1000 });
    const moved = page.entries.find((e) => e.action === 'key.master.rotate');
    expect(moved?.target).toMatch(/^pkcs11:/);
    const details: unknown = typeof moved?.details === 'string' ? JSON.parse(moved.details) : moved?.details;
    expect(details).toMatchObject({ from: expect.stringMatching(/^file:/), rewrapped: report.rewrapped });
    await again.close({ keepData: true });

    // The file provider (a fresh key file) opens nothing any more.
    await expect(bootHarness({ dataDir: h.config.dataDir, provision: false })).rejects.toThrow(/master key/);
  });

  it('keys:rotate-master --to-key-label replaces the token key by a new one in the token; the old label opens nothing after (ASVS 6.4.2; ETSI 5.4-1)', async () => {
    const hsm = tokens['hsm-main']!.settings('inside-1');
    const h = await bootHarness({ config: { hsm } });
    dirs.push(h.config.dataDir);
    await inA(async () => (await h.platform.services.scopes.current()).put('note', 'n1', { v: 'moved inside the token' }));
    await h.close({ keepData: true });

    const report = await rotateMasterKey({ ...h.config, hsm }, { toKeyLabel: 'inside-2' });
    expect(report.rewrapped).toBeGreaterThanOrEqual(2 * 3 + 1);
    expect(report.newKeyLabel).toBe('inside-2');
    await expect(rotateMasterKey({ ...h.config, hsm }, { toKeyLabel: 'inside-1' })).rejects.toThrow(/must name a new key/);

    await expect(bootHarness({ dataDir: h.config.dataDir, provision: false, config: { hsm } })).rejects.toThrow(/wrapped by master key pkcs11:/);
    const again = await bootHarness({ dataDir: h.config.dataDir, provision: false, config: { hsm: { ...hsm, keyLabel: 'inside-2' } } });
    await inA(async () => {
      const r = await again.platform.services.scopes.current();
      expect((await r.get<{ v: string }>('note', 'n1'))?.data.v).toBe('moved inside the token');
    });
    expect((await again.platform.services.audit.admin.verify(PLATFORM_SCOPE)).ok).toBe(true);
    await again.close({ keepData: true });
  });

  it('backup and restore work through the token, no key file is ever written, and escrow refuses a key that cannot leave it (ETSI 5.4-1; ASVS 6.4.1)', async () => {
    const hsm = tokens['hsm-main']!.settings('tools-1');
    const h = await bootHarness({ config: { hsm } });
    dirs.push(h.config.dataDir);
    await inA(async () => (await h.platform.services.scopes.current()).put('note', 'n1', { v: SECRET }));
    await h.close({ keepData: true });
    const scratch = mkdtempSync(join(tmpdir(), 'custodia-hsm-tools-'));
    dirs.push(scratch);
    const targets = ['s1', 's2', 's3'].map((t) => join(scratch, t));
    const env = tokenEnv(hsm);

    const backup = await runTool(backupMain, ['--to', ...targets, '--k', '2', '--data-dir', h.config.dataDir], env);
    expect(backup.out).toMatch(/written and read back/);
    expect(backup.code).toBe(0);

    // Without the token the backup opens nothing (there is no key file to fall back on).
    const lost = await runTool(restoreMain, ['--from', ...targets, '--to-data-dir', join(scratch, 'no-token')], {});
    expect(lost.code).toBe(1);
    expect(lost.out).toMatch(/no master key/);

    const dest = join(scratch, 'restored');
    const restored = await runTool(restoreMain, ['--from', ...targets, '--to-data-dir', dest], env);
    expect(restored.out).toMatch(/master key from PKCS#11 token "hsm-main", key "tools-1"/);
    expect(restored.out).toMatch(/restore verified\./);
    expect(restored.code).toBe(0);
    expect(existsSync(join(dest, MASTER_KEY_FILE))).toBe(false);
    const again = await bootHarness({ dataDir: dest, provision: false, config: { hsm } });
    await inA(async () => expect((await (await again.platform.services.scopes.current()).get<{ v: string }>('note', 'n1'))?.data.v).toBe(SECRET));
    await again.close({ keepData: true });

    const escrow = await runTool(escrowMain, ['--shares', '3', '--threshold', '2', '--out', join(scratch, 'shares'), '--data-dir', h.config.dataDir], env);
    expect(escrow.code).toBe(1);
    expect(escrow.out).toMatch(/lives in a PKCS#11 token and never leaves it/);
    expect(existsSync(join(scratch, 'shares'))).toBe(false);
  });
});

/** The environment that selects a token, as an operator sets it for the platform and its tools. */
const tokenEnv = (hsm: Pkcs11Settings): NodeJS.ProcessEnv => ({
  CUSTODIA_MASTER_KEY_PROVIDER: 'pkcs11',
  CUSTODIA_PKCS11_MODULE: hsm.module,
  CUSTODIA_PKCS11_TOKEN_LABEL: hsm.tokenLabel,
  CUSTODIA_PKCS11_PIN_FILE: hsm.pinFile,
  CUSTODIA_PKCS11_KEY_LABEL: hsm.keyLabel,
});

async function runTool(main: (argv: string[], env: NodeJS.ProcessEnv) => Promise<number>, argv: string[], extra: NodeJS.ProcessEnv) {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void lines.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation((...a) => void lines.push(a.join(' ')));
  try {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, SOFTHSM2_CONF: process.env.SOFTHSM2_CONF, ...extra };
    return { code: await main(argv, env), out: lines.join('\n') };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

function readRecord(dbFile: string, id: string): Buffer {
  const db = new Database(dbFile, { readonly: true });
  try {
    return (db.prepare('SELECT body FROM records WHERE id = ?').get(id) as { body: Buffer }).body;
  } finally {
    db.close();
  }
}
