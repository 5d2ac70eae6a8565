// The compliance map joined with its evidence (docs/compliance.md): requirement → controls (files)
// → the tests and validation scenarios citing it → their latest results. Pure: the caller reads
// the files and hands over their contents.
import { z } from 'zod';
import { citedIds, frameworkOf, testTitles, type Framework } from './ids.ts';

const requirementSchema = z
  .object({
    id: z.string().regex(/^(ASVS|ETSI|EUCS|C5) \S+$/, 'a framework name and an id, e.g. "ASVS 2.2.1"'),
    title: z.string().min(3).max(200),
    controls: z.array(z.string().min(1)).default([]),
    tests: z.array(z.string().min(1)).optional(),
    scenarios: z.array(z.string().min(1)).optional(),
  })
  .strict();

export const requirementsFileSchema = z
  .object({
    $comment: z.string().optional(),
    frameworks: z.record(z.string(), z.string()),
    requirements: z.array(requirementSchema).min(1),
  })
  .strict()
  .refine((f) => new Set(f.requirements.map((r) => r.id)).size === f.requirements.length, 'requirement ids must be unique');
export type RequirementsFile = z.infer<typeof requirementsFileSchema>;

export type Result = 'pass' | 'fail' | 'not-run';
export type RowStatus = 'covered' | 'failing' | 'gap';

export interface TestEvidence {
  file: string;
  title: string;
  result: Result;
}
export interface ScenarioEvidence {
  id: string;
  result: Result;
}
export interface ComplianceRow {
  id: string;
  framework: Framework;
  title: string;
  /** False: cited by a test or scenario but missing from the map file. */
  mapped: boolean;
  controls: { path: string; exists: boolean }[];
  tests: TestEvidence[];
  scenarios: ScenarioEvidence[];
  status: RowStatus;
}
export interface ComplianceReport {
  kind: 'custodia-compliance-report';
  generatedAt: string;
  frameworks: Record<string, string>;
  sources: { testFiles: number; testResults: string | null; validationReport: string | null };
  summary: Record<string, { total: number; covered: number; failing: number; gap: number }>;
  rows: ComplianceRow[];
}

/** Vitest's JSON reporter output, the parts used here. */
export const vitestResultsSchema = z.looseObject({
  startTime: z.number().optional(),
  testResults: z.array(
    z.looseObject({
      name: z.string(),
      assertionResults: z.array(z.looseObject({ fullName: z.string(), status: z.string() })).default([]),
    }),
  ),
});
export type VitestResults = z.infer<typeof vitestResultsSchema>;

export interface ComplianceInput {
  map: RequirementsFile;
  /** Test files by path relative to the repository root, with their source. */
  testFiles: { file: string; source: string }[];
  scenarios: { id: string; requirement: string }[];
  testResults?: { label: string; results: VitestResults; root: string } | undefined;
  validation?: { id: string; results: { id: string; status: string }[] } | undefined;
  controlExists: (path: string) => boolean;
  generatedAt: string;
}

const toResult = (status: string | undefined): Result =>
  status === 'passed' || status === 'pass' ? 'pass' : status === 'failed' || status === 'fail' ? 'fail' : 'not-run';

/** Worst first: any failure fails; otherwise any pass passes; otherwise not run. */
export function combine(results: readonly Result[]): Result {
  if (results.includes('fail')) return 'fail';
  return results.includes('pass') ? 'pass' : 'not-run';
}

/** Results of the last test run by requirement id (ids cited in each test's full name), and by
 *  file (relative path) for tests the map names directly. */
export function indexResults(run: { results: VitestResults; root: string } | undefined): { byId: Map<string, Map<string, Result[]>>; byFile: Map<string, Result> } {
  const byId = new Map<string, Map<string, Result[]>>();
  const byFile = new Map<string, Result>();
  if (!run) return { byId, byFile };
  for (const file of run.results.testResults) {
    const rel = file.name.startsWith(run.root) ? file.name.slice(run.root.length).replace(/^\/+/, '') : file.name;
    const all: Result[] = [];
    for (const a of file.assertionResults) {
      const r = toResult(a.status);
      all.push(r);
      for (const id of citedIds(a.fullName)) {
        const files = byId.get(id) ?? byId.set(id, new Map()).get(id)!;
        (files.get(rel) ?? files.set(rel, []).get(rel)!).push(r);
      }
    }
    byFile.set(rel, combine(all));
  }
  return { byId, byFile };
}

export function buildReport(input: ComplianceInput): ComplianceReport {
  const results = indexResults(input.testResults);
  const scenarioResult = new Map((input.validation?.results ?? []).map((r) => [r.id, toResult(r.status)]));
  const cited = new Map<string, TestEvidence[]>();
  for (const { file, source } of input.testFiles) {
    for (const title of testTitles(source)) {
      for (const id of citedIds(title)) {
        const list = cited.get(id) ?? cited.set(id, []).get(id)!;
        const result = combine(results.byId.get(id)?.get(file) ?? []);
        if (!list.some((t) => t.file === file && t.title === title)) list.push({ file, title, result });
      }
    }
  }
  const scenariosCiting = new Map<string, string[]>();
  for (const s of input.scenarios) for (const id of citedIds(s.requirement)) (scenariosCiting.get(id) ?? scenariosCiting.set(id, []).get(id)!).push(s.id);

  const rows: ComplianceRow[] = input.map.requirements.map((r) => {
    const tests = [...(cited.get(r.id) ?? [])];
    for (const file of r.tests ?? []) {
      if (!tests.some((t) => t.file === file)) tests.push({ file, title: '(named in the map)', result: results.byFile.get(file) ?? 'not-run' });
    }
    const scenarioIds = [...new Set([...(scenariosCiting.get(r.id) ?? []), ...(r.scenarios ?? [])])];
    return row(r.id, r.title, true, r.controls, tests, scenarioIds, scenarioResult, input.controlExists);
  });
  // Cited but not in the map: shown, never dropped, so the map cannot silently fall behind.
  const mapped = new Set(rows.map((r) => r.id));
  const unmapped = [...new Set([...cited.keys(), ...scenariosCiting.keys()])].filter((id) => !mapped.has(id)).sort();
  for (const id of unmapped) rows.push(row(id, '(cited, not in the map)', false, [], cited.get(id) ?? [], scenariosCiting.get(id) ?? [], scenarioResult, input.controlExists));

  const summary: ComplianceReport['summary'] = {};
  for (const r of rows) {
    const s = (summary[r.framework] ??= { total: 0, covered: 0, failing: 0, gap: 0 });
    s.total++;
    s[r.status]++;
  }
  return {
    kind: 'custodia-compliance-report',
    generatedAt: input.generatedAt,
    frameworks: input.map.frameworks,
    sources: { testFiles: input.testFiles.length, testResults: input.testResults?.label ?? null, validationReport: input.validation?.id ?? null },
    summary,
    rows,
  };
}

function row(
  id: string,
  title: string,
  mapped: boolean,
  controls: string[],
  tests: TestEvidence[],
  scenarioIds: string[],
  scenarioResult: Map<string, Result>,
  exists: (p: string) => boolean,
): ComplianceRow {
  const scenarios = scenarioIds.map((s) => ({ id: s, result: scenarioResult.get(s) ?? ('not-run' as const) }));
  const failing = tests.some((t) => t.result === 'fail') || scenarios.some((s) => s.result === 'fail');
  const status: RowStatus = tests.length + scenarios.length === 0 ? 'gap' : failing ? 'failing' : 'covered';
  return { id, framework: frameworkOf(id), title, mapped, controls: controls.map((path) => ({ path, exists: exists(path) })), tests, scenarios, status };
}
