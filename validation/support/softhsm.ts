// Throw-away SoftHSM2 tokens (Debian package `softhsm2`) for one test file: a private token
// directory and SOFTHSM2_CONF in a temporary directory, each token initialised with freshly
// generated SO and user PINs (never a default). SoftHSM2 reads its configuration when the module
// is initialised, once per process, so a test file creates all its tokens up front. When the
// library is missing, tests print SOFTHSM_SKIP_NOTICE and register as skipped.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pkcs11Settings } from '../../platform/crypto/pkcs11-master-key.ts';

export const SOFTHSM_SKIP_NOTICE = 'skipped: no SoftHSM2 installed (Debian package softhsm2: libsofthsm2.so, softhsm2-util)';

const MODULE_CANDIDATES = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so', '/usr/local/lib/softhsm/libsofthsm2.so'];

export function softHsmModule(): string | undefined {
  const util = spawnSync('softhsm2-util', ['--version'], { stdio: 'ignore' }).status === 0;
  return util ? MODULE_CANDIDATES.find((p) => existsSync(p)) : undefined;
}

export interface TestToken {
  label: string;
  pin: string;
  /** 0600 file holding the user PIN. */
  pinFile: string;
  settings(keyLabel?: string): Pkcs11Settings;
}

/** Creates the tokens named by `labels` in a fresh token directory and points SOFTHSM2_CONF at it. */
export function createSoftHsmTokens(labels: string[]): Record<string, TestToken> {
  const module = softHsmModule();
  if (!module) throw new Error(SOFTHSM_SKIP_NOTICE);
  const root = mkdtempSync(join(tmpdir(), 'custodia-softhsm-'));
  const tokens = join(root, 'tokens');
  mkdirSync(tokens, { mode: 0o700 });
  const conf = join(root, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`, { mode: 0o600 });
  process.env.SOFTHSM2_CONF = conf;
  const out: Record<string, TestToken> = {};
  for (const label of labels) {
    const pin = randomBytes(12).toString('hex');
    const so = randomBytes(12).toString('hex');
    const r = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', so, '--pin', pin], {
      env: { ...process.env, SOFTHSM2_CONF: conf },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`softhsm2-util --init-token failed: ${r.stderr || r.stdout}`);
    const pinFile = join(root, `${label}.pin`);
    writeFileSync(pinFile, `${pin}\n`, { mode: 0o600 });
    out[label] = {
      label,
      pin,
      pinFile,
      settings: (keyLabel = 'custodia-master') => ({ module, tokenLabel: label, pinFile, keyLabel }),
    };
  }
  return out;
}
