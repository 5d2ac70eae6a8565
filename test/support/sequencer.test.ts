import { join } from 'node:path';
import type { TestSpecification, Vitest } from 'vitest/node';
import { describe, expect, it } from 'vitest';
import LongestFirstSequencer, { estimateSeconds } from './sequencer.ts';

const root = join(import.meta.dirname, '..', '..');
const FILES = ['platform/ids.test.ts', 'test/e2e/patient-board.e2e.test.ts', 'validation/fast.test.ts', 'test/platform/auth.int.test.ts'];

function sequencer(durations: Record<string, { duration: number; failed: boolean }>) {
  const ctx = { config: { root }, cache: { getFileTestResults: (key: string) => durations[key.slice(1)] } };
  return new LongestFirstSequencer(ctx as unknown as Vitest);
}
const specs = () => FILES.map((f) => ({ moduleId: join(root, f), project: { name: '', config: { sequence: { groupOrder: 0 }, isolate: true } } }) as unknown as TestSpecification);
const order = (sorted: TestSpecification[]) => sorted.map((s) => s.moduleId.slice(root.length + 1));

describe('test file order', () => {
  it.each([
    { path: 'validation/fast.test.ts', source: 'await runScenario(s, opts)', seconds: 60 },
    { path: 'test/e2e/x.e2e.test.ts', source: 'consoleRig({})', seconds: 20 },
    { path: 'test/fuzz/rest.fuzz.int.test.ts', source: 'h = await bootHarness()', seconds: 30 },
    { path: 'test/platform/cluster-failover.int.test.ts', source: 'await startClusterRig({})', seconds: 15 },
    { path: 'test/platform/x.int.test.ts', source: 'h = await bootHarness()', seconds: 5 },
    { path: 'platform/x.test.ts', source: 'h = await bootHarness()', seconds: 5 },
    { path: 'platform/x.test.ts', source: 'expect(1).toBe(1)', seconds: 0.5 },
  ])('$path is estimated at $seconds s', ({ path, source, seconds }) => {
    expect(estimateSeconds(path, source)).toBe(seconds);
  });

  it('without recorded durations, the scenario runner and the browser tests start first', async () => {
    expect(order(await sequencer({}).sort(specs()))).toEqual(['validation/fast.test.ts', 'test/e2e/patient-board.e2e.test.ts', 'test/platform/auth.int.test.ts', 'platform/ids.test.ts']);
  });

  it('recorded durations win over estimates, and a file that failed last time starts first', async () => {
    const last = { 'platform/ids.test.ts': { duration: 200_000, failed: false }, 'test/platform/auth.int.test.ts': { duration: 10, failed: true } };
    expect(order(await sequencer(last).sort(specs()))).toEqual(['test/platform/auth.int.test.ts', 'platform/ids.test.ts', 'validation/fast.test.ts', 'test/e2e/patient-board.e2e.test.ts']);
  });
});
