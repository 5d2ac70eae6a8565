// Builds the dashboard when its sources are newer than the last build, so `npm start` on a
// fresh clone serves a current UI without a separate step.
//
// Safe to call from several processes at once (a test run and `npm start`, parallel test
// workers): one build at a time under a lock directory, and the build never leaves the served
// directory without an index.html — it is built aside, its hashed assets are copied in beside
// the old ones (a page loaded earlier keeps working), and index.html is swapped in last with an
// atomic rename. A platform that checks for dashboard/dist/index.html at start always finds one.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const src = join(root, 'dashboard');
const dist = join(root, 'dashboard', 'dist');
const lockDir = join(dist, '.build-lock');
/** Newest source time the current build was made from. */
const stampFile = join(dist, '.sources-mtime');
const LOCK_STALE_MS = 3 * 60_000;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

async function builtFrom(): Promise<number> {
  if (!existsSync(join(dist, 'index.html'))) return -1;
  try {
    return Number(await readFile(stampFile, 'utf8')) || 0;
  } catch {
    // A build from before stamps existed: judge it by its index.html.
    return statSync(join(dist, 'index.html')).mtimeMs;
  }
}

async function isFresh(): Promise<boolean> {
  return (await builtFrom()) >= newestMtime(src);
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  await mkdir(dist, { recursive: true });
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A build that died leaves its lock behind: take it over once it is clearly stale.
      const age = await stat(lockDir).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > LOCK_STALE_MS) await rm(lockDir, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

export async function ensureDashboardBuilt(): Promise<void> {
  if (!existsSync(join(src, 'index.html'))) return;
  if (await isFresh()) return;
  await withLock(async () => {
    if (await isFresh()) return; // built by another process while this one waited
    console.log('building the dashboard (sources changed)…');
    const sources = newestMtime(src);
    const { build } = await import('vite');
    const tmp = await mkdtemp(join(dist, '.next-'));
    try {
      // Always a production bundle, even when started from a test runner (NODE_ENV=test would
      // otherwise pull React's development build in).
      const nodeEnv = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      try {
        await build({ configFile: join(src, 'vite.config.ts'), mode: 'production', logLevel: 'warn', build: { outDir: tmp, emptyOutDir: true } });
      } finally {
        if (nodeEnv === undefined) delete process.env.NODE_ENV;
        else process.env.NODE_ENV = nodeEnv;
      }
      for (const entry of await readdir(tmp)) {
        if (entry !== 'index.html') await cp(join(tmp, entry), join(dist, entry), { recursive: true, force: true });
      }
      await rename(join(tmp, 'index.html'), join(dist, 'index.html'));
      await writeFile(stampFile, String(sources));
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
}
