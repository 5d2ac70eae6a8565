// The platform's measurement of its own code tree (docs/attestation.md): one SHA-256 over the
// files that make up what runs — platform/, pilots/, the built dashboard when present and the
// lockfile — in a fixed order, so the same tree always gives the same digest and any changed,
// added, removed or renamed file gives another. Test files are measured too: they ship in the
// tree and leaving them out would only add a rule to get wrong.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** What is measured, relative to the root; a path that does not exist is recorded as absent. */
export const MEASURED_PATHS: readonly string[] = ['platform', 'pilots', 'dashboard/dist', 'package-lock.json'];
/** Directories never measured: dependencies (pinned by the lockfile instead) and data. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', 'data', 'reports', 'coverage']);

export interface FileDigest {
  /** Relative to the root, with forward slashes. */
  path: string;
  /** sha256 of the content; for a symbolic link, of `symlink:<target>`. */
  sha256: string;
}

export interface TreeMeasurement {
  digest: string;
  files: number;
  bytes: number;
  /** Measured paths missing from the root (e.g. an unbuilt dashboard). */
  absent: string[];
  /** Files whose digest came from the cache (same size and mtime as last time). */
  cached: number;
  ms: number;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The tree digest: sha256 over `<sha256>  <path>\n` lines (the sha256sum format) sorted by path,
 *  each absent measured path as `absent  <path>\n`. Pure: the order of `files` does not matter. */
export function treeDigest(files: readonly FileDigest[], absent: readonly string[] = []): string {
  const lines = [
    ...files.map((f) => `${f.sha256}  ${f.path}\n`),
    ...absent.map((p) => `absent  ${p}\n`),
  ];
  const byPath = (l: string) => l.slice(l.indexOf('  ') + 2);
  lines.sort((a, b) => (byPath(a) < byPath(b) ? -1 : byPath(a) > byPath(b) ? 1 : 0));
  return sha256(lines.join(''));
}

/** Content digests by absolute path, reused while size and mtime are unchanged (restarts within
 *  one process: tests and the validation runner). */
const cache = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

/** Synchronous on purpose: a few hundred small files read in one go at start-up are faster than
 *  the same reads queued through the thread pool behind everything else starting. */
export function measureTree(root: string, paths: readonly string[] = MEASURED_PATHS): TreeMeasurement {
  const started = performance.now();
  const files: FileDigest[] = [];
  const absent: string[] = [];
  let bytes = 0;
  let cached = 0;
  const visit = (abs: string): void => {
    const st = lstatSync(abs);
    const path = relative(root, abs).split(sep).join('/');
    if (st.isSymbolicLink()) {
      files.push({ path, sha256: sha256(`symlink:${readlinkSync(abs)}`) });
    } else if (st.isDirectory()) {
      const names = readdirSync(abs).filter((n) => !SKIPPED_DIRS.has(n)).sort();
      for (const n of names) visit(join(abs, n));
    } else if (st.isFile()) {
      bytes += st.size;
      const hit = cache.get(abs);
      if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) {
        cached++;
        files.push({ path, sha256: hit.sha256 });
      } else {
        const digest = sha256(readFileSync(abs));
        cache.set(abs, { size: st.size, mtimeMs: st.mtimeMs, sha256: digest });
        files.push({ path, sha256: digest });
      }
    }
  };
  for (const p of paths) {
    try {
      lstatSync(join(root, p));
    } catch {
      absent.push(p);
      continue;
    }
    visit(join(root, p));
  }
  return { digest: treeDigest(files, absent), files: files.length, bytes, absent, cached, ms: Math.round(performance.now() - started) };
}
