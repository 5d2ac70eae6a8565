// `npm start`, `npm run validate` and the CLIs load product modules outside any test runner: a
// product module that registers test hooks at import (vitest's afterAll) would crash them. Each
// entry point's module graph is imported in a plain Node process, as the npm scripts do.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
// What scripts/start.ts and validation/run.ts import (not the scripts themselves: they start things).
const ENTRY_MODULES = [
  'platform/server.ts',
  'pilots/index.ts',
  'platform/api/routes/validation.ts',
  'validation/api.ts',
  'validation/catalogue.ts',
  'validation/runner.ts',
  'scripts/demo-fleets.ts',
];

it('the modules npm start and npm run validate load import outside a test runner', () => {
  const script = `for (const m of ${JSON.stringify(ENTRY_MODULES)}) await import('./' + m); console.log('imported');`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, VITEST: '', VITEST_WORKER_ID: '', VITEST_POOL_ID: '' },
  });
  expect(run.stderr).not.toMatch(/Vitest failed|Error/);
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('imported');
}, 90_000);
