// The shape of the code base (docs/architecture.md "Layout and boundaries"), judged by
// dependency-cruiser with .dependency-cruiser.cjs: the tree has no violation beyond the known
// list, the known list holds no fixed entry, and each rule reports an import that breaks it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { judge, loadConfig, readSources, REPO_ROOT, violationLine, type Judgement, type Source } from './depcruise.ts';

describe('architecture boundaries', () => {
  let tree: Judgement;
  beforeAll(async () => {
    tree = await judge(readSources(REPO_ROOT));
  }, 180_000);

  it('the whole tree is cruised', () => {
    // Two graphs of several hundred modules each: an empty cruise would pass every rule.
    expect(tree.modules).toBeGreaterThan(500);
  });

  it('no import breaks a boundary beyond the known violations', () => {
    const lines = tree.violations.map((v) => violationLine(v, true));
    if (lines.length) console.error(`boundary violations:\n  ${lines.join('\n  ')}`);
    expect(lines).toEqual([]);
  });

  it('every known violation still occurs (a fixed one must leave the list)', () => {
    const known = (loadConfig().options?.knownViolations ?? []).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    const seen = new Set(tree.knownSeen.map((v) => violationLine(v)));
    expect(known.filter((k) => !seen.has(k))).toEqual([]);
  });
});

describe('each boundary rule bites', () => {
  const real = (path: string): Source => ({ path, text: readFileSync(join(REPO_ROOT, path), 'utf8') });
  const src = (path: string, ...lines: string[]): Source => ({ path, text: lines.join('\n') + '\n' });
  let found: string[];

  beforeAll(async () => {
    const sources: Source[] = [
      // platform → an application
      src('platform/leaky.ts', "import { pilotThing } from '../pilots/demo/thing.ts';", 'export const leaky = pilotThing;'),
      src('platform/leaky.test.ts', "import { pilotThing } from '../pilots/demo/thing.ts';", 'export const t = pilotThing;'),
      // a pilot → platform internals: code, and types outside the context's
      src('pilots/demo/thing.ts',
        "import { Internal } from '../../platform/services/records.ts';",
        "import type { Store } from '../../platform/storage/port.ts';",
        "import type { Alarm } from '../../platform/services/alarms.ts';",
        "import { notFound } from '../../platform/errors.ts';",
        "import type { PilotContext } from '../../platform/pilot.ts';",
        'export const pilotThing = [Internal, notFound] as unknown as Store | Alarm | PilotContext;'),
      src('platform/services/records.ts', 'export class Internal {}'),
      src('platform/services/alarms.ts', 'export interface Alarm { id: string }'),
      src('platform/storage/port.ts', 'export interface Store { kind: string }'),
      src('platform/errors.ts', 'export const notFound = () => new Error("not found");'),
      src('platform/pilot.ts', 'export interface PilotContext { id: string }'),
      // the dashboard → a node built-in, two modules away; a type-only import does not count
      src('dashboard/src/View.tsx',
        "import { label } from '../../platform/pure.ts';",
        "import type { Principal } from '../../platform/tenancy/context.ts';",
        'export const View = (p: Principal) => <b>{label(p)}</b>;'),
      src('platform/pure.ts', "import { disk } from './impure.ts';", 'export const label = (p: unknown) => `${String(p)}${disk}`;'),
      src('platform/impure.ts', "import { readFileSync } from 'node:fs';", 'export const disk = readFileSync;'),
      src('platform/tenancy/context.ts', "import { AsyncLocalStorage } from 'node:async_hooks';", 'export type Principal = AsyncLocalStorage<string>;'),
      // product code → test/
      src('scripts/tool.ts', "import { rig } from '../test/support/rig.ts';", 'rig();'),
      src('test/support/rig.ts', 'export const rig = () => 1;'),
      // a real module, to show the rule reads the real tree the same way
      real('platform/ids.ts'),
      real('platform/crypto/random-pool.ts'),
      src('dashboard/src/Ids.tsx', "import { newId } from '../../platform/ids.ts';", 'export const Ids = () => <i>{newId()}</i>;'),
    ];
    const j = await judge(sources);
    found = [...j.violations, ...j.knownSeen].map((v) => violationLine(v)).sort();
  }, 120_000);

  it('platform/ importing a pilot is reported; a platform test file may', () => {
    expect(found).toContain('platform-knows-no-application: platform/leaky.ts → pilots/demo/thing.ts');
    expect(found.filter((f) => f.includes('platform/leaky.test.ts'))).toEqual([]);
  });

  it('a pilot importing platform internals is reported, code and types; the pilot interface and context types are not', () => {
    expect(found).toContain('pilot-uses-pilot-interface: pilots/demo/thing.ts → platform/services/records.ts');
    expect(found).toContain('pilot-types-from-pilot-interface: pilots/demo/thing.ts → platform/storage/port.ts');
    for (const ok of ['platform/services/alarms.ts', 'platform/errors.ts', 'platform/pilot.ts']) {
      expect(found.filter((f) => f.endsWith(`→ ${ok}`))).toEqual([]);
    }
  });

  it('a node built-in reachable from the dashboard is reported (by its bare name); a type-only import is not', () => {
    expect(found).toContain('dashboard-bundle-has-no-node-builtins: dashboard/src/View.tsx → fs');
    expect(found).toContain('dashboard-bundle-has-no-node-builtins: dashboard/src/Ids.tsx → crypto');
    expect(found.filter((f) => f.includes('async_hooks'))).toEqual([]);
  });

  it('product code importing test/ is reported', () => {
    expect(found).toContain('product-code-imports-no-test: scripts/tool.ts → test/support/rig.ts');
  });

  it('reports nothing else', () => {
    expect(found).toHaveLength(6);
  });
});
