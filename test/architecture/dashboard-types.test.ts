// The dashboard's tsconfig checks it without Node's types (docs/architecture.md "Layout and
// boundaries"). That check means something only if no module the dashboard imports — type-only
// imports included — brings Node's types back in (express's and the like reference them): then
// a Node global or module used by the dashboard, or by a platform or pilot module it reads, fails
// `npm test`. dependency-cruiser judges what reaches the bundle at run time; this judges what the
// type checker reads, from the compiler's own list of the program's files.
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './depcruise.ts';

const TSC = join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
// Declaration packages that exist only for Node (their presence means Node's types are in).
const NODE_TYPES = /\/node_modules\/(@types\/node|undici-types)\//;

interface Program {
  /** Files of the program from Node's type declarations. */
  nodeTypes: string[];
  /** Repository modules outside dashboard/src the program reads (where to look when nodeTypes is not empty). */
  outside: string[];
}

function programOf(tsconfig: string): Program {
  const run = spawnSync(TSC, ['-p', tsconfig, '--listFilesOnly'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(run.status, run.stderr || run.stdout).toBe(0);
  const files = run.stdout.split('\n').filter(Boolean);
  expect(files.length).toBeGreaterThan(10); // an empty program would pass
  return {
    nodeTypes: files.filter((f) => NODE_TYPES.test(f)),
    outside: files
      .filter((f) => !f.includes('/node_modules/'))
      .map((f) => relative(REPO_ROOT, f))
      .filter((f) => !f.startsWith('dashboard/src/')),
  };
}

describe("the dashboard's type check without Node types", () => {
  it('reads no Node type declaration through anything the dashboard imports', () => {
    const p = programOf('dashboard/tsconfig.json');
    if (p.nodeTypes.length) console.error(`Node's types reach the dashboard's program; modules it reads outside dashboard/src:\n  ${p.outside.join('\n  ')}`);
    expect(p.nodeTypes).toEqual([]);
    // What it does read from the server side: the pure contract and domain modules.
    expect(p.outside).toContain('platform/contract.ts');
    expect(p.outside).toContain('pilots/lighting/contract.ts');
  });

  it('bites: a browser module naming a type from a module that imports express brings Node in', () => {
    const p = programOf('test/architecture/fixtures/dashboard-node-leak/tsconfig.json');
    expect(p.nodeTypes.length).toBeGreaterThan(0);
    expect(p.outside).toContain('test/architecture/fixtures/dashboard-node-leak/server.ts');
  });
});
