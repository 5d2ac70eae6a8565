import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { measureTree, treeDigest, type FileDigest } from './measure.ts';

const a: FileDigest = { path: 'platform/a.ts', sha256: '1'.repeat(64) };
const b: FileDigest = { path: 'platform/b.ts', sha256: '2'.repeat(64) };

describe('treeDigest', () => {
  const base = treeDigest([a, b]);
  it.each([
    ['the same files in another order', treeDigest([b, a]), true],
    ['a changed content digest', treeDigest([a, { ...b, sha256: '3'.repeat(64) }]), false],
    ['a renamed file', treeDigest([a, { ...b, path: 'platform/c.ts' }]), false],
    ['a removed file', treeDigest([a]), false],
    ['an added file', treeDigest([a, b, { path: 'pilots/x.ts', sha256: '4'.repeat(64) }]), false],
    ['an absent measured path', treeDigest([a, b], ['dashboard/dist']), false],
  ])('%s → same digest: %s', (_what, digest, same) => {
    expect(digest === base).toBe(same);
  });
});

describe('measureTree over a real directory', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const tree = () => {
    const root = mkdtempSync(join(tmpdir(), 'custodia-measure-'));
    dirs.push(root);
    mkdirSync(join(root, 'platform', 'api'), { recursive: true });
    mkdirSync(join(root, 'platform', 'node_modules'), { recursive: true });
    mkdirSync(join(root, 'pilots'), { recursive: true });
    writeFileSync(join(root, 'platform', 'server.ts'), 'export const x = 1;\n');
    writeFileSync(join(root, 'platform', 'api', 'app.ts'), 'export const y = 2;\n');
    writeFileSync(join(root, 'platform', 'node_modules', 'dep.js'), 'ignored');
    writeFileSync(join(root, 'pilots', 'index.ts'), 'export {};\n');
    writeFileSync(join(root, 'package-lock.json'), '{}\n');
    return root;
  };

  it('a changed file changes the measurement; the same tree measures the same (ASVS 10.3.2)', async () => {
    const root = tree();
    const first = measureTree(root);
    expect(first.files).toBe(4);
    expect(first.absent).toEqual(['dashboard/dist']);
    expect((measureTree(root)).digest).toBe(first.digest);
    writeFileSync(join(root, 'platform', 'api', 'app.ts'), 'export const y = 3;\n');
    expect((measureTree(root)).digest).not.toBe(first.digest);
  });

  it('a change of the same size and mtime is not missed when the cache is cold, and a touched file is re-read', async () => {
    const root = tree();
    const file = join(root, 'platform', 'server.ts');
    const first = measureTree(root);
    writeFileSync(file, 'export const x = 9;\n'); // same size
    utimesSync(file, new Date(), new Date(Date.now() + 5000)); // a new mtime: the cache entry is stale
    expect((measureTree(root)).digest).not.toBe(first.digest);
  });

  it('skips node_modules but measures a symbolic link by its target', async () => {
    const root = tree();
    const before = measureTree(root);
    writeFileSync(join(root, 'platform', 'node_modules', 'dep.js'), 'changed');
    expect((measureTree(root)).digest).toBe(before.digest);
    symlinkSync('/etc/hostname', join(root, 'platform', 'link.ts'));
    expect((measureTree(root)).digest).not.toBe(before.digest);
  });

  it('measures a second copy of a tree to the same digest (paths are relative)', async () => {
    const one = tree();
    const two = tree();
    expect((measureTree(one)).digest).toBe((measureTree(two)).digest);
  });
});
