// The compliance report as one self-contained HTML page: no script, no external resource, every
// value escaped. Pure.
import { escapeHtml as e } from '../../validation/report.ts';
import type { ComplianceReport, ComplianceRow, Result } from './map.ts';

const RESULT_LABEL: Record<Result, string> = { pass: 'pass', fail: 'FAIL', 'not-run': 'not run' };

/** Links into the console's validation report and audit verification (the page is served by the
 *  platform at /api/v1/compliance/html, so root-relative links reach the dashboard). */
const runLink = (run: string | null, text: string) => (run ? `<a href="/validation?run=${encodeURIComponent(run)}">${e(text)}</a>` : e(text));

function rowHtml(r: ComplianceRow, run: string | null): string {
  const controls = r.controls.length
    ? r.controls.map((c) => `<code${c.exists ? '' : ' class="missing" title="no such file"'}>${e(c.path)}</code>`).join('<br>')
    : '<span class="none">none named</span>';
  const tests = r.tests.length
    ? r.tests.map((t) => `<div><code>${e(t.file)}</code> ${e(t.title)} <span class="r-${t.result}">${RESULT_LABEL[t.result]}</span></div>`).join('')
    : '';
  const scenarios = r.scenarios.map((s) => `<div>scenario <code>${runLink(run, s.id)}</code> <span class="r-${s.result}">${RESULT_LABEL[s.result]}</span></div>`).join('');
  return `<tr class="s-${r.status}"><td><b>${e(r.id)}</b>${r.mapped ? '' : '<br><small>not in the map</small>'}</td><td>${e(r.title)}</td><td>${controls}</td><td>${tests + scenarios || '<span class="none">no test, no scenario</span>'}</td><td class="st">${r.status}</td></tr>`;
}

export function complianceHtml(report: ComplianceReport): string {
  const summary = Object.entries(report.summary)
    .map(([fw, s]) => `<tr><td>${e(report.frameworks[fw] ?? fw)}</td><td>${s.total}</td><td>${s.covered}</td><td>${s.failing}</td><td>${s.gap}</td></tr>`)
    .join('');
  const sections = Object.keys(report.summary)
    .map((fw) => {
      const rows = report.rows.filter((r) => r.framework === fw).map((r) => rowHtml(r, report.sources.validationReport)).join('\n');
      return `<h2>${e(report.frameworks[fw] ?? fw)}</h2>\n<table><thead><tr><th>requirement</th><th>title</th><th>controls</th><th>evidence and latest result</th><th>status</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Custodia compliance map</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#1a1a1a}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}th{background:#f2f2f2}
code{font-size:12px}.missing{color:#a00;text-decoration:line-through}.none{color:#777}
.s-gap .st{background:#fde2b8}.s-failing .st{background:#f8c0c0}.s-covered .st{background:#d4efd4}
.r-pass{color:#176317}.r-fail{color:#a00;font-weight:bold}.r-not-run{color:#777}
</style></head><body>
<h1>Custodia compliance map</h1>
<p>Generated ${e(report.generatedAt)} from docs/compliance/requirements.json, ${report.sources.testFiles} test files,
test results: ${e(report.sources.testResults ?? 'none (run the tests with the JSON reporter, docs/compliance.md)')},
validation report: ${runLink(report.sources.validationReport, report.sources.validationReport ?? 'none')};
audit chains: <a href="/audit">verify in the console</a> or offline with <code>npm run audit:verify</code>.
A requirement with no test and no scenario is a <b>gap</b>; one with a failed test or scenario is <b>failing</b>.</p>
<table><thead><tr><th>framework</th><th>requirements</th><th>covered</th><th>failing</th><th>gap</th></tr></thead><tbody>${summary}</tbody></table>
${sections}
</body></html>
`;
}
