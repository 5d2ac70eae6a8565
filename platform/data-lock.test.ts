import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { acquireDataLock, LOCK_FILE } from './data-lock.ts';

it('a second platform on the same data directory is refused until the first releases it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodia-lock-'));
  const first = await acquireDataLock(dir);
  await expect(acquireDataLock(dir)).rejects.toThrow(/in use by process/);
  await first.release();
  expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  const second = await acquireDataLock(dir);
  await second.release();
});

it('a lock left by a process that no longer runs is taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'custodia-lock-'));
  writeFileSync(join(dir, LOCK_FILE), '2147483646'); // no such pid
  const lock = await acquireDataLock(dir);
  expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
  await lock.release();
});
