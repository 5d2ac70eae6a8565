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
    [['--k', '2'], /--to needs at least one target/],
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

  it('backup refuses k above the number of targets and an S3 URL (not yet supported), with exit 1', async () => {
    const env = { CUSTODIA_MASTER_KEY: 'ab'.repeat(32) };
    expect(await stderrOf(() => backupMain(['--to', 's3://bucket/x'], env))).toMatchObject({ code: 1, err: expect.stringMatching(/only directory targets are supported so far/) });
    expect(await stderrOf(() => backupMain(['--to', 'a', 'b', '--k', '3'], env))).toMatchObject({ code: 1, err: expect.stringMatching(/k must be between 1 and the number of targets \(2\), got 3/) });
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
