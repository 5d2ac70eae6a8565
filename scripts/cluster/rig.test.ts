import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findBinary, startRedisServer, type RedisServer } from './rig.ts';

const installed = findBinary('redis-server') !== null;
if (!installed) console.warn('skipped: no redis-server installed (Debian package redis-server)');

/** Sends one inline command and returns the first reply line. */
function ask(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => s.write(`${command}\r\n`));
    s.once('data', (d) => {
      resolve(d.toString().split('\r\n')[0]!);
      s.destroy();
    });
    s.once('error', reject);
  });
}

describe.skipIf(!installed)('the cluster rig\'s redis-server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodia-rig-'));
  let redis: RedisServer;
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gets a generated password kept in a 0600 file, never on its command line (ETSI 5.1-1, ASVS 2.10.4)', async () => {
    redis = await startRedisServer(dir);
    const conf = join(dir, 'redis.conf');
    expect(statSync(conf).mode & 0o777).toBe(0o600);
    const password = new URL(redis.url).password;
    expect(password.length).toBeGreaterThanOrEqual(24);
    expect(readFileSync(conf, 'utf8')).toContain(`requirepass ${password}`);
    const cmdline = readFileSync(`/proc/${redis.pid()}/cmdline`, 'utf8');
    expect(cmdline).not.toContain(password);
    // Without the password nothing is answered; with it, Redis answers.
    expect(await ask(redis.port, 'PING')).toMatch(/^-NOAUTH/);
    expect(await ask(redis.port, `AUTH ${password}`)).toBe('+OK');
  });

  it('starts again on the same port with the same password after a kill', async () => {
    await redis.kill();
    await redis.start();
    expect(await ask(redis.port, `AUTH ${new URL(redis.url).password}`)).toBe('+OK');
  });
});
