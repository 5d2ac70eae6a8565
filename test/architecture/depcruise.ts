// Runs dependency-cruiser over the repository with .dependency-cruiser.cjs. dependency-cruiser
// reads TypeScript through the `typescript` package's JavaScript API, which TypeScript 7 no longer
// ships, so the sources are first turned into JavaScript (Vite's oxc transform: types removed,
// every import kept) in a temporary mirror of the tree, `x.ts` as `x.ts.js`; dependency-cruiser
// then resolves, builds the graph and judges the rules as usual. Two graphs are judged:
// - the source graph, where an `import type` / `export type … from` becomes a `typeOnly('…')`
//   call that the configuration declares as an exotic require, so type-only dependencies stay
//   visible and the rules' `type-only` dependency type means exactly them;
// - the run-time graph (type-only imports erased, as in Node and in the browser bundle), which
//   judges the reachability rules: what a browser module drags in is what runs, not what it names.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type IConfiguration, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import { transformWithOxc } from 'vite';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
/** The folders cruised: every folder of code in the repository. */
export const CODE_ROOTS = ['platform', 'pilots', 'simulators', 'dashboard/src', 'validation', 'test', 'bench', 'scripts'];

const TYPE_ONLY_CALL = 'typeOnly';
// `import type … from '…'` and `export type … from '…'` (one statement, possibly over lines).
const TYPE_IMPORT = /^(?:import|export)\s+type\s[^;]*?\bfrom\s*(['"])([^'"]+)\1;?/gm;
// Relative specifiers of TypeScript files, in any import form, once types are removed.
const TS_SPECIFIER = /(['"])(\.{1,2}\/[^'"\n]+?\.tsx?)\1/g;

export interface Source {
  /** Path relative to the repository root, `/`-separated. */
  path: string;
  text: string;
}

/** Every .ts/.tsx file under the given roots (node_modules and build output left out). */
export function readSources(root: string, roots: string[] = CODE_ROOTS): Source[] {
  const out: Source[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'dist') walk(rel);
      } else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) {
        out.push({ path: rel, text: readFileSync(join(root, rel), 'utf8') });
      }
    }
  };
  for (const r of roots) walk(r);
  return out;
}

async function toJavaScript(src: Source, keepTypeEdges: boolean): Promise<string> {
  const text = keepTypeEdges ? src.text.replace(TYPE_IMPORT, (_m, q: string, spec: string) => `${TYPE_ONLY_CALL}(${q}${spec}${q});`) : src.text;
  const { code } = await transformWithOxc(text, src.path, {
    lang: src.path.endsWith('.tsx') ? 'tsx' : 'ts',
    jsx: { runtime: 'automatic' },
    typescript: { onlyRemoveTypeImports: true },
    sourcemap: false,
  });
  return code.replace(TS_SPECIFIER, (_m, q: string, spec: string) => `${q}${spec}.js${q}`);
}

const toMirror = (p: string) => `${p}.js`;
const fromMirror = (p: string) => p.replace(/(\.tsx?)\.js$/, '$1');
/** The rules with every end anchor of their path patterns also accepting the mirror's `.js`. */
function onMirror<T>(rules: T): T {
  const anchor = /(?<!\\)\$/g;
  return JSON.parse(JSON.stringify(rules), (key, value: unknown) =>
    (key === 'path' || key === 'pathNot') && typeof value === 'string' ? value.replace(anchor, '(?:\\.js)?$') : value,
  ) as T;
}

export interface Judgement {
  /** Violations not in the known list, with repository paths. */
  violations: IViolation[];
  /** Known violations that still occur. */
  knownSeen: IViolation[];
  /** Modules cruised (a sanity figure: a cruise that found nothing proves nothing). */
  modules: number;
}

/** Loads the repository's dependency-cruiser configuration. */
export function loadConfig(): IConfiguration {
  return createRequire(import.meta.url)(join(REPO_ROOT, '.dependency-cruiser.cjs')) as IConfiguration;
}

/** Judges the sources against the configuration; `sources` may be a modified copy of the tree. */
export async function judge(sources: Source[], config: IConfiguration = loadConfig()): Promise<Judgement> {
  const forbidden = config.forbidden ?? [];
  const reachability = forbidden.filter((r) => 'to' in r && 'reachable' in r.to && r.to.reachable !== undefined);
  const direct = forbidden.filter((r) => !reachability.includes(r));
  // In the source graph a type-only dependency is the exotic `typeOnly` require.
  const asExotic = (rules: typeof forbidden) =>
    JSON.parse(JSON.stringify(rules).replaceAll('"type-only"', '"exotic-require"')) as typeof forbidden;
  const known = (config.options?.knownViolations ?? []).map((v) => ({ ...v, from: toMirror(v.from), to: toMirror(v.to) }));

  const dir = mkdtempSync(join(tmpdir(), 'custodia-depcruise-'));
  try {
    const results: ICruiseResult[] = [];
    for (const [graph, rules, keepTypeEdges] of [
      ['source', asExotic(onMirror(direct)), true],
      ['runtime', onMirror(reachability), false],
    ] as const) {
      const base = join(dir, graph);
      for (const src of sources) {
        const file = join(base, toMirror(src.path));
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, await toJavaScript(src, keepTypeEdges));
      }
      const roots = [...new Set(sources.map((s) => s.path.split('/')[0]!))];
      const res = await cruise(roots, {
        ...config.options,
        knownViolations: known,
        baseDir: base,
        validate: true,
        ruleSet: { forbidden: rules },
        outputType: 'json',
      });
      results.push(JSON.parse(res.output as string) as ICruiseResult);
    }
    const all = results.flatMap((r) => r.summary.violations).map((v) => ({
      ...v,
      from: fromMirror(v.from),
      to: fromMirror(v.to),
      ...(v.via ? { via: v.via.map((m) => ({ ...m, name: fromMirror(m.name) })) } : {}),
    }));
    return {
      violations: all.filter((v) => v.rule.severity !== 'ignore'),
      knownSeen: all.filter((v) => v.rule.severity === 'ignore'),
      modules: results.reduce((n, r) => n + r.summary.totalCruised, 0),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `rule: from → to`, and with `withVia` the modules in between (reachability rules). */
export function violationLine(v: IViolation, withVia = false): string {
  const via = withVia && v.via?.length ? ` (via ${v.via.map((m) => m.name).join(' → ')})` : '';
  return `${v.rule.name}: ${v.from} → ${v.to}${via}`;
}
