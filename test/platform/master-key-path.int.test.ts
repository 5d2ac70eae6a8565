// The master key may live outside the data directory it protects (CUSTODIA_MASTER_KEY_FILE), and
// the platform warns at start when it sits beside the data (ASVS 6.4.1, 6.4.2).
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { testConfig } from '../../platform/config.ts';
import { MASTER_KEY_FILE } from '../../platform/crypto/master-key.ts';
import { createLogger } from '../../platform/logger.ts';
import { startPlatform } from '../../platform/server.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function bootAndCapture(overrides: Parameters<typeof testConfig>[0]) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const config = testConfig(overrides);
  dirs.push(config.dataDir);
  const platform = await startPlatform(config, { logger: createLogger('info', sink) });
  await platform.stop();
  const warnings = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40);
  return { config, warnings };
}

it('warns at start when the master key file sits in the data directory (ASVS 6.4.1; ETSI 5.4-1)', async () => {
  const { config, warnings } = await bootAndCapture({});
  expect(existsSync(join(config.dataDir, MASTER_KEY_FILE))).toBe(true);
  expect(warnings.map((w) => w.msg).join('\n')).toMatch(/master key file sits in the data directory/);
});

it('CUSTODIA_MASTER_KEY_FILE keeps the key out of the data directory, without the warning, across restarts (ASVS 6.4.1, 6.4.2; ETSI 5.4-1)', async () => {
  const keyDir = mkdtempSync(join(tmpdir(), 'custodia-keys-'));
  dirs.push(keyDir);
  const keyFile = join(keyDir, 'custodia-master.key');
  const first = await bootAndCapture({ masterKeyFile: keyFile });
  expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  expect(existsSync(join(first.config.dataDir, MASTER_KEY_FILE))).toBe(false);
  expect(first.warnings.map((w) => w.msg).join('\n')).not.toMatch(/master key/);
  // The same data directory opens again with the key from its separate path.
  const again = await bootAndCapture({ masterKeyFile: keyFile, dataDir: first.config.dataDir });
  expect(again.warnings.map((w) => w.msg).join('\n')).not.toMatch(/master key/);
});
