// The backup, restore and escrow command lines: bad flags are refused with one line and exit 2,
// before anything is read or written (ASVS 5.1.3).
import { describe, expect, it, vi } from 'vitest';
import { main as backupMain } from '../../scripts/backup.ts';
import { main as escrowMain } from '../../scripts/keys-escrow.ts';
import { main as restoreMain } from '../../scripts/restore.ts';

async function stderrOf(run: () => Promise<number>): Promise<{ code: number; err: string }> {
  const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const code = await run();
    return { code, err: err.mock.calls.map((c) => c.join(' ')).join('\n') };
  } finally {
    err.mockRestore();
    log.mockRestore();
  }
}

describe('backup, restore and keys:escrow flags (ASVS 5.1.3)', () => {
  it.each([
    [['--tenant', 'acme', '--region', 'eu-west'], /--tenant and --region exclude each other/],
    [['--to', 'a', '--k', 'two'], /--k /],
    [['--to', 'a', '--tenant', 'Bad_Id'], /--tenant must be 2-40 of a-z/],
    [['--to', ...Array.from({ length: 17 }, (_, i) => `t${i}`)], /--to takes at most 16 targets/],
    [['--to', 'a', '--unknown'], /Unknown option '--unknown'/],
  ])('backup %j exits 2', async (argv, message) => {
    const { code, err } = await stderrOf(() => backupMain(argv, {}));
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err.split('\n')).toHaveLength(1);
  });

  it('backup refuses no target, k above the number of targets, an unknown scheme and credentials in an s3:// target, with exit 1 (ASVS 2.10.4)', async () => {
    const env = { CUSTODIA_MASTER_KEY: 'ab'.repeat(32) };
    expect(await stderrOf(() => backupMain(['--k', '2'], env))).toMatchObject({ code: 1, err: expect.stringMatching(/--to needs at least one target \(BACKUP_TARGETS is not set\)/) });
    expect(await stderrOf(() => backupMain(['--to', 'ftp://host/x'], env))).toMatchObject({ code: 1, err: expect.stringMatching(/ftp:\/\/ targets are not supported/) });
    const leaked = await stderrOf(() => backupMain(['--to', 's3://AKIAEXAMPLE:wJalrSECRET@bucket/x'], env));
    expect(leaked).toMatchObject({ code: 1, err: expect.stringMatching(/must not carry credentials/) });
    expect(leaked.err).not.toMatch(/wJalrSECRET|AKIAEXAMPLE/);
    expect(await stderrOf(() => backupMain(['--to', 'a', 'b', '--k', '3'], env))).toMatchObject({ code: 1, err: expect.stringMatching(/k must be between 1 and the number of targets \(2\), got 3/) });
  });

  it('backup and restore keep a region to its own targets and location (residency)', async () => {
    const env = {
      CUSTODIA_MASTER_KEY: 'ab'.repeat(32),
      CUSTODIA_REGIONS: JSON.stringify({ 'eu-west': { store: '/srv/west', backupTargets: ['/mnt/west-a', '/mnt/west-b'] }, 'eu-south': { store: '/srv/south', backupTargets: ['/mnt/south-a'] } }),
    };
    expect(await stderrOf(() => backupMain(['--region', 'eu-north'], env))).toMatchObject({ code: 1, err: expect.stringMatching(/--region eu-north: CUSTODIA_REGIONS names eu-south, eu-west/) });
    expect(await stderrOf(() => backupMain(['--region', 'eu-south', '--to', '/mnt/west-b', '/mnt/other'], env))).toMatchObject({
      code: 1,
      err: expect.stringMatching(/\/mnt\/west-b is a backup target of region eu-west: a backup of region eu-south never goes there/),
    });
    expect(await stderrOf(() => backupMain(['--to', '/mnt/south-a'], env))).toMatchObject({ code: 1, err: expect.stringMatching(/a backup of the default location never goes there/) });
  });

  it.each([
    [[], /--from needs at least one target/],
    [['--from', 'a', '--id', 'latest'], /--id is not a backup id/],
    [['--from', 'a', '--sample=-1'], /--sample Too small/i],
    [['stray', '--from', 'a'], /unexpected argument "stray"/],
  ])('restore %j exits 2', async (argv, message) => {
    const { code, err } = await stderrOf(() => restoreMain(argv, {}));
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  it('keys:escrow needs a threshold of at least 2', async () => {
    const { code, err } = await stderrOf(() => escrowMain(['--shares', '3', '--threshold', '1', '--out', 'x'], {}));
    expect(code).toBe(2);
    expect(err).toMatch(/--threshold/);
  });
});
