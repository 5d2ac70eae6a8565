import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MasterKeyProvider } from '../crypto/types.ts';
import type { Store, StoredKey } from '../storage/port.ts';
import { GENESIS_HASH, canonicalJson, checkpointPayload, entryHash } from './hash.ts';
import {
  AUDIT_SIGNING_CONTEXT,
  AUDIT_SIGNING_SCOPE,
  PUBLIC_KEY_FILE,
  loadOrCreateAuditSigner,
  type AuditSigner,
} from './signer.ts';
import { verifyChain } from './verify.ts';

/** A master key provider that really wraps: AES-256-GCM with the context as AAD. */
function fakeMaster(keyId = 'master-v1', key = randomBytes(32)): MasterKeyProvider & { calls: string[] } {
  const calls: string[] = [];
  return {
    keyId,
    calls,
    async wrap(plain, context) {
      calls.push(`wrap:${context}`);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    async unwrap(wrapped, context, wrappedBy) {
      calls.push(`unwrap:${context}`);
      if (wrappedBy !== keyId) throw new Error(`unknown master key ${wrappedBy}`);
      const decipher = createDecipheriv('aes-256-gcm', key, wrapped.subarray(0, 12));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(wrapped.subarray(12, 28));
      return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
    },
  };
}

function fakeKeyStore(): Pick<Store, 'getKeys' | 'putKey'> & { keys: StoredKey[] } {
  const keys: StoredKey[] = [];
  return {
    keys,
    async getKeys(scope) {
      return keys.filter((k) => k.scope === scope).map((k) => ({ ...k }));
    },
    async putKey(key) {
      const i = keys.findIndex((k) => k.scope === key.scope && k.version === key.version);
      if (i >= 0) keys[i] = { ...key };
      else keys.push({ ...key });
    },
  };
}

function signedChain(signer: AuditSigner, scope: string) {
  const fields = { seq: 1, ts: 1_700_000_000_000, actor: 'system:test', action: 'key.create', target: 'audit-signing', outcome: 'success' as const, details: canonicalJson({ version: 1 }) };
  const entry = { ...fields, prevHash: GENESIS_HASH, hash: entryHash(GENESIS_HASH, fields) };
  const ts = fields.ts + 1;
  const checkpoint = {
    seq: 1,
    headHash: entry.hash,
    ts,
    signature: signer.sign(checkpointPayload(scope, 1, entry.hash, ts)).toString('base64'),
    keyId: signer.keyId,
  };
  return { entries: [entry], checkpoints: [checkpoint] };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('loadOrCreateAuditSigner', () => {
  it('creates the key on first use and stores only its wrapped form', async () => {
    const master = fakeMaster();
    const store = fakeKeyStore();
    const signer = await loadOrCreateAuditSigner({ master, store, now: () => 42 });

    expect(store.keys).toHaveLength(1);
    const stored = store.keys[0]!;
    expect(stored).toMatchObject({ scope: AUDIT_SIGNING_SCOPE, version: 1, wrappedBy: 'master-v1', createdAt: 42 });
    expect(master.calls).toContain(`wrap:${AUDIT_SIGNING_CONTEXT}`);
    // What is stored unwraps (under the audit context) to the signer's own private key…
    const der = await master.unwrap(stored.wrapped, AUDIT_SIGNING_CONTEXT, stored.wrappedBy);
    const publicHalf = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
    expect(publicHalf.export({ type: 'spki', format: 'pem' })).toBe(signer.publicKeyPem);
    // …and the key's 32-byte seed (the end of its PKCS8 DER) is not in the stored bytes.
    expect(stored.wrapped.includes(der.subarray(-32))).toBe(false);
    expect(signer.keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('the key id is the first 16 hex of sha256 over the public key DER', async () => {
    const signer = await loadOrCreateAuditSigner({ master: fakeMaster(), store: fakeKeyStore() });
    const der = createPublicKey(signer.publicKeyPem).export({ type: 'spki', format: 'der' });
    expect(signer.keyId).toBe(createHash('sha256').update(der).digest('hex').slice(0, 16));
  });

  it('the signer persists across reload: same key id, and old checkpoints still verify', async () => {
    const master = fakeMaster();
    const store = fakeKeyStore();
    const first = await loadOrCreateAuditSigner({ master, store });
    const chain = signedChain(first, 'acme');

    const reloaded = await loadOrCreateAuditSigner({ master, store });
    expect(store.keys).toHaveLength(1);
    expect(reloaded.keyId).toBe(first.keyId);
    expect(reloaded.publicKeyPem).toBe(first.publicKeyPem);
    expect(verifyChain({ scope: 'acme', ...chain, publicKey: reloaded.publicKeyPem })).toMatchObject({ ok: true, checkpoints: 1 });
    expect(master.calls.filter((c) => c.startsWith('unwrap'))).toHaveLength(2);
  });

  it('a different master key cannot load the stored signing key', async () => {
    const store = fakeKeyStore();
    await loadOrCreateAuditSigner({ master: fakeMaster('master-v1'), store });
    await expect(loadOrCreateAuditSigner({ master: fakeMaster('master-v1'), store })).rejects.toThrow();
  });

  it('sign and verify round-trip, and a changed message fails', async () => {
    const signer = await loadOrCreateAuditSigner({ master: fakeMaster(), store: fakeKeyStore() });
    const sig = signer.sign(Buffer.from('head'));
    expect(signer.verify(Buffer.from('head'), sig)).toBe(true);
    expect(signer.verify(Buffer.from('hea d'), sig)).toBe(false);
    expect(signer.verify(Buffer.from('head'), Buffer.alloc(3))).toBe(false);
  });

  it('exports a public key file from which a verifier alone can check checkpoints', async () => {
    const signer = await loadOrCreateAuditSigner({ master: fakeMaster(), store: fakeKeyStore() });
    const dir = mkdtempSync(join(tmpdir(), 'custodia-audit-'));
    dirs.push(dir);
    const file = await signer.exportPublicKey(join(dir, 'public'));

    expect(file).toBe(join(dir, 'public', PUBLIC_KEY_FILE));
    expect(statSync(file).mode & 0o777).toBe(0o644);
    const pem = readFileSync(file, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(pem).not.toMatch(/PRIVATE/);
    expect(verifyChain({ scope: 'acme', ...signedChain(signer, 'acme'), publicKey: pem }).ok).toBe(true);
  });
});
