// npm run compliance: the compliance map (docs/compliance/requirements.json) joined with the
// requirement ids cited in test titles and in the validation catalogue, and with the latest
// results when present (reports/vitest-results.json from vitest's JSON reporter, the newest
// reports/validation-*.json). Writes reports/compliance.json and reports/compliance.html
// (docs/compliance.md).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { listReports } from '../platform/api/routes/validation.ts';
import { describeCatalogue } from '../validation/catalogue.ts';
import { complianceHtml } from './compliance/html.ts';
import { buildReport, requirementsFileSchema, vitestResultsSchema, type ComplianceInput, type ComplianceReport } from './compliance/map.ts';

export const ROOT = join(import.meta.dirname, '..');
export const MAP_FILE = join('docs', 'compliance', 'requirements.json');
export const TEST_RESULTS_FILE = 'vitest-results.json';
const TEST_DIRS = ['platform', 'pilots', 'simulators', 'validation', 'test', 'bench', 'scripts', join('dashboard', 'src')];

/** Every test file under the directories vitest runs, relative to `root`, sorted. */
export function findTestFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.name === 'node_modules' || d.name === 'dist') continue;
      const abs = join(dir, d.name);
      if (d.isDirectory()) walk(abs);
      else if (/\.test\.tsx?$/.test(d.name)) out.push(relative(root, abs).split(sep).join('/'));
    }
  };
  for (const d of TEST_DIRS) if (existsSync(join(root, d))) walk(join(root, d));
  return out.sort();
}

export async function gatherInput(root: string, reportsDir: string, now = new Date()): Promise<ComplianceInput> {
  const map = requirementsFileSchema.parse(JSON.parse(await readFile(join(root, MAP_FILE), 'utf8')));
  const testFiles = findTestFiles(root).map((file) => ({ file, source: readFileSync(join(root, file), 'utf8') }));
  const resultsFile = join(reportsDir, TEST_RESULTS_FILE);
  let testResults: ComplianceInput['testResults'];
  if (existsSync(resultsFile)) {
    const parsed = vitestResultsSchema.safeParse(JSON.parse(await readFile(resultsFile, 'utf8')));
    if (parsed.success) {
      const at = parsed.data.startTime ? new Date(parsed.data.startTime).toISOString() : 'time unknown';
      testResults = { label: `reports/${TEST_RESULTS_FILE} (${at})`, results: parsed.data, root };
    }
  }
  const latest = (await listReports(reportsDir))[0];
  let validation: ComplianceInput['validation'];
  if (latest) {
    const raw = JSON.parse(await readFile(join(reportsDir, `${latest.id}.json`), 'utf8')) as { results: { id: string; status: string }[] };
    validation = { id: latest.id, results: raw.results };
  }
  return {
    map,
    testFiles,
    scenarios: describeCatalogue().map((s) => ({ id: s.id, requirement: s.requirement })),
    testResults,
    validation,
    controlExists: (p) => existsSync(join(root, p)),
    generatedAt: now.toISOString(),
  };
}

export async function writeComplianceReport(root: string, reportsDir: string): Promise<{ report: ComplianceReport; json: string; html: string }> {
  const report = buildReport(await gatherInput(root, reportsDir));
  await mkdir(reportsDir, { recursive: true });
  const json = join(reportsDir, 'compliance.json');
  const html = join(reportsDir, 'compliance.html');
  await writeFile(json, JSON.stringify(report, null, 2) + '\n');
  await writeFile(html, complianceHtml(report));
  return { report, json, html };
}

if (process.argv[1]?.endsWith('scripts/compliance.ts')) {
  const { report, json, html } = await writeComplianceReport(ROOT, join(ROOT, 'reports'));
  for (const [fw, s] of Object.entries(report.summary)) console.log(`${fw.padEnd(5)} ${s.total} requirements: ${s.covered} covered, ${s.failing} failing, ${s.gap} gaps`);
  const unmapped = report.rows.filter((r) => !r.mapped).map((r) => r.id);
  if (unmapped.length) console.log(`cited by tests but not in ${MAP_FILE}: ${unmapped.join(', ')}`);
  console.log(`test results: ${report.sources.testResults ?? `none (npx vitest run --reporter=default --reporter=json --outputFile.json=reports/${TEST_RESULTS_FILE})`}`);
  console.log(`validation report: ${report.sources.validationReport ?? 'none (npm run validate)'}`);
  console.log(`reports: ${relative(process.cwd(), json)}\n         ${relative(process.cwd(), html)}`);
}
