import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createMasterKeyProvider,
  EnvMasterKeyProvider,
  FileMasterKeyProvider,
  keyBesideData,
  MASTER_KEY_FILE,
} from './master-key.ts';

const posix = process.platform !== 'win32';
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'custodia-master-key-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;
const aKey = () => randomBytes(32);

describe('FileMasterKeyProvider', () => {
  it('creates a 256-bit hex key file with mode 0600 in a new 0700 directory on first start', async () => {
    const dataDir = join(root, 'nested', 'data');
    const provider = await FileMasterKeyProvider.open(dataDir);
    const path = join(dataDir, MASTER_KEY_FILE);
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^[0-9a-f]{64}\n$/);
    if (posix) {
      expect(mode(path)).toBe(0o600);
      expect(mode(dataDir)).toBe(0o700);
    }
    const fingerprint = createHash('sha256').update(Buffer.from(text.trim(), 'hex')).digest('hex').slice(0, 8);
    expect(provider.keyId).toBe(`file:${fingerprint}`);
    expect(provider.path).toBe(path);
  });

  it('reuses the same key on restart, so keys wrapped before still unwrap', async () => {
    const first = await FileMasterKeyProvider.open(root);
    const before = readFileSync(join(root, MASTER_KEY_FILE), 'utf8');
    const dataKey = aKey();
    const wrapped = await first.wrap(dataKey, 'custodia-key|acme|tenant|v1');

    const second = await FileMasterKeyProvider.open(root);
    expect(readFileSync(join(root, MASTER_KEY_FILE), 'utf8')).toBe(before);
    expect(second.keyId).toBe(first.keyId);
    expect((await second.unwrap(wrapped, 'custodia-key|acme|tenant|v1', first.keyId)).equals(dataKey)).toBe(true);
  });

  it('concurrent first starts end up sharing one key', async () => {
    const providers = await Promise.all([1, 2, 3, 4].map(() => FileMasterKeyProvider.open(root)));
    expect(new Set(providers.map((p) => p.keyId)).size).toBe(1);
  });

  it.runIf(posix).each([0o644, 0o640, 0o604, 0o660])(
    'refuses to start when the key file has mode %o, telling to chmod 600',
    async (badMode) => {
      await FileMasterKeyProvider.open(root);
      const path = join(root, MASTER_KEY_FILE);
      chmodSync(path, badMode);
      await expect(FileMasterKeyProvider.open(root)).rejects.toThrow(/accessible by group or others.*chmod 600/);
    },
  );

  it('refuses a key file that does not hold 64 hexadecimal characters', async () => {
    const path = join(root, MASTER_KEY_FILE);
    writeFileSync(path, 'not-a-key\n', { mode: 0o600 });
    await expect(FileMasterKeyProvider.open(root)).rejects.toThrow(/malformed: expected 64 hexadecimal characters/);
  });

  it('accepts a hand-written key file with upper-case hex and no trailing newline', async () => {
    const raw = aKey();
    writeFileSync(join(root, MASTER_KEY_FILE), raw.toString('hex').toUpperCase(), { mode: 0o600 });
    const provider = await FileMasterKeyProvider.open(root);
    expect(provider.keyId).toBe(`file:${createHash('sha256').update(raw).digest('hex').slice(0, 8)}`);
  });
});

describe('EnvMasterKeyProvider', () => {
  it('wraps and unwraps with the context as AAD', async () => {
    const provider = new EnvMasterKeyProvider(aKey().toString('hex'));
    expect(provider.keyId).toMatch(/^env:[0-9a-f]{8}$/);
    const dataKey = aKey();
    const wrapped = await provider.wrap(dataKey, 'ctx-a');
    expect(wrapped.includes(dataKey)).toBe(false);
    expect((await provider.unwrap(wrapped, 'ctx-a', provider.keyId)).equals(dataKey)).toBe(true);
    await expect(provider.unwrap(wrapped, 'ctx-b', provider.keyId)).rejects.toThrow(/could not unwrap/);
  });

  it('detects a tampered wrapped key', async () => {
    const provider = new EnvMasterKeyProvider(aKey().toString('hex'));
    const wrapped = await provider.wrap(aKey(), 'ctx');
    wrapped[20]! ^= 0x01;
    await expect(provider.unwrap(wrapped, 'ctx', provider.keyId)).rejects.toThrow(/could not unwrap/);
  });

  it('refuses to unwrap what another master key wrapped, naming both key ids', async () => {
    const a = new EnvMasterKeyProvider(aKey().toString('hex'));
    const b = new EnvMasterKeyProvider(aKey().toString('hex'));
    const wrapped = await a.wrap(aKey(), 'ctx');
    await expect(b.unwrap(wrapped, 'ctx', a.keyId)).rejects.toThrow(a.keyId);
  });

  it.each(['', 'abc', 'zz'.repeat(32), 'a'.repeat(63), 'a'.repeat(65)])('rejects the key %j without echoing it', (hex) => {
    expect(() => new EnvMasterKeyProvider(hex)).toThrow('master key must be 64 hexadecimal characters (a 256-bit key)');
  });

  it('opens keys wrapped by the same key held in the file (the key can move between sources)', async () => {
    const file = await FileMasterKeyProvider.open(root);
    const hex = readFileSync(join(root, MASTER_KEY_FILE), 'utf8').trim();
    const env = new EnvMasterKeyProvider(hex);
    const dataKey = aKey();
    const wrapped = await file.wrap(dataKey, 'ctx');
    expect((await env.unwrap(wrapped, 'ctx', file.keyId)).equals(dataKey)).toBe(true);
  });
});

describe('createMasterKeyProvider', () => {
  it('uses the configured hex key when present and creates no key file', async () => {
    const provider = await createMasterKeyProvider({ dataDir: root, masterKeyHex: aKey().toString('hex') });
    expect(provider.keyId).toMatch(/^env:/);
    expect(() => statSync(join(root, MASTER_KEY_FILE))).toThrow();
  });

  it('falls back to the data directory key file', async () => {
    const provider = await createMasterKeyProvider({ dataDir: root });
    expect(provider.keyId).toMatch(/^file:/);
    expect(statSync(join(root, MASTER_KEY_FILE)).isFile()).toBe(true);
  });
});

describe('master key outside the data directory (ASVS 6.4.1)', () => {
  it('CUSTODIA_MASTER_KEY_FILE places the key file elsewhere; the same path opens the same key, and a pending rotation beside it blocks', async () => {
    const dataDir = join(root, 'data');
    const keyFile = join(root, 'keys', 'custodia.key');
    const first = await createMasterKeyProvider({ dataDir, masterKeyFile: keyFile });
    expect(mode(keyFile)).toBe(0o600);
    expect(() => statSync(join(dataDir, MASTER_KEY_FILE))).toThrow();
    const again = await createMasterKeyProvider({ dataDir, masterKeyFile: keyFile });
    expect(again.keyId).toBe(first.keyId);
    writeFileSync(`${keyFile}.next`, aKey().toString('hex'), { mode: 0o600 });
    await expect(createMasterKeyProvider({ dataDir, masterKeyFile: keyFile })).rejects.toThrow(/rotation was interrupted/);
  });

  it.each([
    ['/srv/data/master.key', '/srv/data', true],
    ['/srv/data/keys/master.key', '/srv/data/', true],
    ['/srv/data-keys/master.key', '/srv/data', false],
    ['/etc/custodia/master.key', '/srv/data', false],
    ['/srv/master.key', '/srv/data', false],
  ])('key %s beside data %s: %s', (key, data, beside) => {
    expect(keyBesideData(key, data)).toBe(beside);
  });
});
