// Share files and the escrow plumbing. The Shamir arithmetic belongs to the library
// (shamir-secret-sharing); the plumbing tests use a stand-in that only copies the secret, and
// the round trip through the real library runs when it is installed.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main as escrowMain } from '../../scripts/keys-escrow.ts';
import { SHAMIR_PACKAGE, combineMasterKey, formatShare, loadSecretSharing, parseShare, splitMasterKey, type SecretSharing } from './escrow.ts';
import { readMasterKey } from './master-key-source.ts';

/** Not secret sharing: every share is the secret tagged with its number (plumbing only). */
const copies: SecretSharing = {
  split: async (secret, shares) => Array.from({ length: shares }, (_, i) => Uint8Array.from([i + 1, ...secret])),
  combine: async (shares) => shares[0]!.subarray(1),
};

const dir = await mkdtemp(join(tmpdir(), 'custodia-escrow-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('share files', () => {
  it('format and parse round-trip, and anything else is refused', async () => {
    const [f] = await splitMasterKey(copies, randomBytes(32), 3, 2);
    expect(parseShare(formatShare(f!))).toEqual(f);
    expect(() => parseShare('hello')).toThrow(/not a Custodia master-key share file/);
    expect(() => parseShare(formatShare(f!).replace('share 1 of 3', 'share one of 3'))).toThrow(/not a Custodia/);
  });

  it('combining checks the key fingerprint, the key the shares name and the threshold', async () => {
    const key = randomBytes(32);
    const files = await splitMasterKey(copies, key, 3, 2);
    expect(await combineMasterKey(copies, files.slice(1))).toEqual(key);
    await expect(combineMasterKey(copies, [files[0]!, files[0]!])).rejects.toThrow(/1 distinct share\(s\) given, 2 needed/);
    const others = await splitMasterKey(copies, randomBytes(32), 3, 2);
    await expect(combineMasterKey(copies, [files[0]!, others[1]!])).rejects.toThrow(/different master keys/);
    const damaged = { ...files[0]!, share: Buffer.from(files[0]!.share).fill(7, 5, 9) };
    await expect(combineMasterKey(copies, [damaged, files[1]!])).rejects.toThrow(/do not rebuild the master key they name/);
  });

  it('refuses thresholds below 2 or above the number of shares', async () => {
    await expect(splitMasterKey(copies, randomBytes(32), 3, 1)).rejects.toThrow(/2 ≤ threshold ≤ shares/);
    await expect(splitMasterKey(copies, randomBytes(32), 3, 4)).rejects.toThrow(/2 ≤ threshold ≤ shares/);
  });
});

describe('npm run keys:escrow', () => {
  it('writes one 0600 share file per custodian, and restore rebuilds the key from them (ASVS 6.4.1)', async () => {
    const hex = randomBytes(32).toString('hex');
    const out = join(dir, 'shares');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await escrowMain(['--shares', '3', '--threshold', '2', '--out', out], { CUSTODIA_MASTER_KEY: hex }, async () => copies)).toBe(0);
    } finally {
      log.mockRestore();
    }
    const files = (await readdir(out)).sort();
    expect(files).toEqual(['master-key-share-1-of-3.txt', 'master-key-share-2-of-3.txt', 'master-key-share-3-of-3.txt']);
    for (const f of files) expect((await stat(join(out, f))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(out, files[0]!), 'utf8')).includes(hex)).toBe(true); // the stand-in copies: plumbing only
    const { key } = await readMasterKey({ shareFiles: files.slice(1).map((f) => join(out, f)), loadSharing: async () => copies });
    expect(key.toString('hex')).toBe(hex);
  });

  it('bad flags exit 2 with one line', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await escrowMain(['--shares', '3', '--threshold', '5', '--out', dir], {})).toBe(2);
      expect(err.mock.calls[0]![0]).toMatch(/--threshold must not exceed --shares/);
    } finally {
      err.mockRestore();
    }
  });
});

describe(`with ${SHAMIR_PACKAGE}`, async () => {
  const sss = await loadSecretSharing().catch(() => null);
  if (!sss) console.warn(`skipped: ${SHAMIR_PACKAGE} is not installed; the escrow round trip through it did not run`);
  it.skipIf(!sss)('any threshold of the shares rebuild the key, fewer do not', async () => {
    const key = randomBytes(32);
    const files = await splitMasterKey(sss!, key, 5, 3);
    expect(files.some((f) => f.share.includes(key))).toBe(false);
    expect(await combineMasterKey(sss!, [files[4]!, files[0]!, files[2]!])).toEqual(key);
    await expect(combineMasterKey(sss!, files.slice(0, 2))).rejects.toThrow(/2 distinct share\(s\) given, 3 needed/);
  });

  it.skipIf(!!sss)('without the package, escrow says which package it needs', async () => {
    await expect(loadSecretSharing()).rejects.toThrow(`needs the npm package ${SHAMIR_PACKAGE}`);
  });
});
