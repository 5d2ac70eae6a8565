// Starts the long test files first, so two workers finish together instead of one of them
// running a long file alone at the end. vitest orders by the durations of the previous run; a
// fresh clone (CI) has none, and vitest's fallback — larger files first — started the fast
// validation profile (a 28-line file that boots a platform per scenario, ~90 s) last of 260.
// A file without a recorded duration gets an estimate from what it runs.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Rough seconds a file takes, from what it runs (only the order depends on it). */
export function estimateSeconds(path: string, source: string): number {
  if (/\brunScenario\(/.test(source)) return 60; // a platform per validation scenario
  if (path.includes('.fuzz.')) return 30; // thousands of generated inputs against a platform
  if (path.endsWith('.e2e.test.ts')) return 20; // the platform and a browser
  const int = path.endsWith('.int.test.ts') || /\b(bootHarness|startPlatform)\(|\bspawn\(/.test(source);
  if (int && path.includes('cluster')) return 15; // several node processes, Redis, PostgreSQL
  if (int) return 5;
  return 0.5;
}

export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const cache = this.ctx.cache;
    const known = (f: TestSpecification) => cache.getFileTestResults(`${f.project.name}:${relative(root, f.moduleId)}`);
    if (files.every((f) => known(f))) return super.sort(files);
    const weight = new Map<TestSpecification, { failed: boolean; ms: number; size: number }>();
    for (const f of files) {
      const source = readFileSync(f.moduleId, 'utf8');
      const last = known(f);
      weight.set(f, { failed: last?.failed ?? false, ms: last?.duration ?? estimateSeconds(f.moduleId, source) * 1000, size: source.length });
    }
    return [...files].sort((a, b) => {
      const wa = weight.get(a)!;
      const wb = weight.get(b)!;
      if (wa.failed !== wb.failed) return wa.failed ? -1 : 1;
      return wb.ms - wa.ms || wb.size - wa.size;
    });
  }
}
