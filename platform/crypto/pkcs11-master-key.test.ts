// The PKCS#11 master-key provider against a real SoftHSM2 token (skipped visibly without it).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// Default import: under Node's ESM loader the namespace form misses the module's constants.
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSoftHsmTokens, softHsmModule, SOFTHSM_SKIP_NOTICE, type TestToken } from '../../validation/support/softhsm.ts';
import { Pkcs11MasterKeyProvider, PKCS11_WRAP_V1 } from './pkcs11-master-key.ts';

const module = softHsmModule();
if (!module) console.warn(SOFTHSM_SKIP_NOTICE);

describe.skipIf(!module)('Pkcs11MasterKeyProvider (SoftHSM2)', () => {
  let tokens: Record<string, TestToken>;
  const opened: Pkcs11MasterKeyProvider[] = [];
  const openProvider = async (...args: Parameters<typeof Pkcs11MasterKeyProvider.open>) => {
    const p = await Pkcs11MasterKeyProvider.open(...args);
    opened.push(p);
    return p;
  };
  beforeAll(() => {
    tokens = createSoftHsmTokens(['unit-a', 'unit-b', 'unit-pin']);
  });
  afterAll(async () => {
    for (const p of opened) await p.close();
  });

  it('generates the master key in the token non-extractable and sensitive: C_GetAttributeValue of CKA_VALUE is refused (ETSI 5.4-1; ASVS 6.4.1)', async () => {
    const provider = await openProvider(tokens['unit-a']!.settings());
    expect(provider.created).toBe(true);
    expect(provider.keyId).toMatch(/^pkcs11:[0-9a-f]{16}$/);

    // A separate session, as any other program holding the PIN would open one.
    const lib = new pkcs11js.PKCS11();
    lib.load(module!);
    try {
      lib.C_Initialize();
    } catch (err) {
      if (!(err as Error).message.includes('CKR_CRYPTOKI_ALREADY_INITIALIZED')) throw err;
    }
    const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trim() === 'unit-a')!;
    const session = lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
    try {
      lib.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_LABEL, value: 'custodia-master' }]);
      const [key] = lib.C_FindObjects(session, 5);
      lib.C_FindObjectsFinal(session);
      expect(key).toBeDefined();
      const attrs = lib.C_GetAttributeValue(session, key!, [
        { type: pkcs11js.CKA_EXTRACTABLE },
        { type: pkcs11js.CKA_SENSITIVE },
        { type: pkcs11js.CKA_VALUE_LEN },
        { type: pkcs11js.CKA_KEY_TYPE },
      ]);
      expect((attrs[0]!.value as Buffer)[0]).toBe(0);
      expect((attrs[1]!.value as Buffer)[0]).toBe(1);
      expect((attrs[2]!.value as Buffer).readUInt32LE(0)).toBe(32);
      expect((attrs[3]!.value as Buffer).readUInt32LE(0)).toBe(pkcs11js.CKK_AES);
      expect(() => lib.C_GetAttributeValue(session, key!, [{ type: pkcs11js.CKA_VALUE }])).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
    } finally {
      lib.C_CloseSession(session);
    }
  });

  it('refuses a key planted under its label that could leave the token (ETSI 5.4-1; ASVS 6.4.1)', async () => {
    const lib = new pkcs11js.PKCS11();
    lib.load(module!);
    try {
      lib.C_Initialize();
    } catch (err) {
      if (!(err as Error).message.includes('CKR_CRYPTOKI_ALREADY_INITIALIZED')) throw err;
    }
    const t = tokens['unit-b']!;
    const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trim() === t.label)!;
    const session = lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      lib.C_Login(session, pkcs11js.CKU_USER, t.pin);
      lib.C_GenerateKey(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
        { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
        { type: pkcs11js.CKA_LABEL, value: 'planted' },
        { type: pkcs11js.CKA_ID, value: randomBytes(8) },
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_SENSITIVE, value: false },
        { type: pkcs11js.CKA_EXTRACTABLE, value: true },
        { type: pkcs11js.CKA_ENCRYPT, value: true },
        { type: pkcs11js.CKA_DECRYPT, value: true },
      ]);
    } finally {
      lib.C_CloseSession(session);
    }
    await expect(Pkcs11MasterKeyProvider.open(t.settings('planted'))).rejects.toThrow(/extractable or not sensitive; refusing/);
  });

  it('wraps inside the token with AES-GCM bound to its context, in a versioned format; the same key is found again on the next start (ASVS 6.2.1)', async () => {
    const first = await openProvider(tokens['unit-a']!.settings());
    const plain = randomBytes(32);
    const wrapped = await first.wrap(plain, 'custodia-key|t1|tenant|v1');
    expect(wrapped[0]).toBe(PKCS11_WRAP_V1);
    expect(wrapped.length).toBe(1 + 12 + 32 + 16);
    expect(wrapped.includes(plain)).toBe(false);

    const again = await openProvider(tokens['unit-a']!.settings());
    expect(again.created).toBe(false);
    expect(again.keyId).toBe(first.keyId);
    expect((await again.unwrap(wrapped, 'custodia-key|t1|tenant|v1', first.keyId)).equals(plain)).toBe(true);

    await expect(again.unwrap(wrapped, 'custodia-key|t2|tenant|v1', first.keyId)).rejects.toThrow(/wrong context or tampered/);
    const tampered = Buffer.from(wrapped);
    tampered[20]! ^= 1;
    await expect(again.unwrap(tampered, 'custodia-key|t1|tenant|v1', first.keyId)).rejects.toThrow(/wrong context or tampered/);
    await expect(again.unwrap(Buffer.concat([Buffer.from([9]), wrapped.subarray(1)]), 'custodia-key|t1|tenant|v1', first.keyId)).rejects.toThrow(/unknown wrapped-key format/);
  });

  it('another token with a key of the same label opens nothing the first one wrapped (ETSI 5.4-1)', async () => {
    const a = await openProvider(tokens['unit-a']!.settings());
    const b = await openProvider(tokens['unit-b']!.settings());
    expect(b.keyId).not.toBe(a.keyId);
    const wrapped = await a.wrap(randomBytes(32), 'ctx');
    await expect(b.unwrap(wrapped, 'ctx', a.keyId)).rejects.toThrow(/wrapped by master key pkcs11:/);
  });

  it('works under the plain Node ESM loader that npm start uses, not only inside the test runner', () => {
    // The loader differs from vitest's in how a CommonJS binding's exports are seen.
    const settings = tokens['unit-b']!.settings('esm-check');
    const script =
      `const { Pkcs11MasterKeyProvider } = await import('./platform/crypto/pkcs11-master-key.ts');` +
      `const p = await Pkcs11MasterKeyProvider.open(${JSON.stringify(settings)});` +
      `const w = await p.wrap(Buffer.alloc(32, 7), 'ctx'); const back = await p.unwrap(w, 'ctx', p.keyId);` +
      `console.log(back.equals(Buffer.alloc(32, 7)) ? 'round-trip' : 'mismatch'); await p.close();`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, VITEST: '', VITEST_WORKER_ID: '', VITEST_POOL_ID: '' },
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('round-trip');
  }, 90_000);

  it('a wrong PIN is a clear error at start; a PIN file readable by others is refused (ASVS 6.4.1)', async () => {
    const t = tokens['unit-pin']!;
    await expect(Pkcs11MasterKeyProvider.open({ ...t.settings(), pinFile: undefined, pin: `${t.pin}x` })).rejects.toThrow(
      /PKCS#11 login to token "unit-pin" failed: wrong PIN/,
    );
    const loose = `${t.pinFile}.loose`;
    writeFileSync(loose, `${t.pin}\n`, { mode: 0o600 });
    chmodSync(loose, 0o644);
    await expect(Pkcs11MasterKeyProvider.open({ ...t.settings(), pinFile: loose })).rejects.toThrow(/accessible by group or others/);
    await expect(Pkcs11MasterKeyProvider.open({ ...t.settings(), tokenLabel: 'no-such-token' })).rejects.toThrow(/token "no-such-token" not found/);
    // and the right PIN opens it
    expect((await openProvider(t.settings())).keyId).toMatch(/^pkcs11:/);
  });
});
