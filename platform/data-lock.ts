// One platform per data directory: two processes appending to the same audit chains and stores
// would corrupt the hash chains' heads. A lock file holds the owner's pid; a lock left by a
// process that no longer runs (kill -9, power loss) is stale and taken over.
import { mkdir, open, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCK_FILE = 'custodia.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function acquireDataLock(dataDir: string): Promise<{ release(): Promise<void> }> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, LOCK_FILE);
  const mine = String(process.pid);
  try {
    const handle = await open(file, 'wx', 0o600);
    await handle.writeFile(mine);
    await handle.close();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
      throw new Error(`the data directory ${dataDir} is in use by process ${owner}; stop it first or choose another CUSTODIA_DATA_DIR`);
    }
    await writeFile(file, mine, { mode: 0o600 });
  }
  return {
    async release() {
      const owner = (await readFile(file, 'utf8').catch(() => '')).trim();
      if (owner === mine) await unlink(file).catch(() => undefined);
    },
  };
}
