// Renders a validation report: the console table, the JSON file, and a self-contained HTML page
// (inline CSS, inline SVG charts, no script and no external asset, so it opens anywhere and can be
// archived as evidence). The charts are drawn here by hand: they are simple line and bar charts,
// and the charting libraries in the dependency list draw on a browser canvas, not into a file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EvidenceSeries, ScenarioResult, ValidationReport } from './types.ts';

// ---- console table -------------------------------------------------------------------------------

const VERDICT: Record<ScenarioResult['status'], string> = { pass: 'PASS', fail: 'FAIL', 'not-run': 'NOT RUN' };

export function measuredText(r: Pick<ScenarioResult, 'measured' | 'unit' | 'reason' | 'status'>): string {
  if (r.measured === null || r.measured === undefined) return r.status === 'not-run' ? '—' : 'error';
  return r.unit ? `${r.measured} ${r.unit}` : String(r.measured);
}

/** Splits text into lines of at most `width` characters, at spaces where possible. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      let w = word;
      while (w.length > width) {
        if (line) out.push(line);
        out.push(w.slice(0, width));
        w = w.slice(width);
        line = '';
      }
      if (!line) line = w;
      else if (line.length + 1 + w.length <= width) line += ` ${w}`;
      else {
        out.push(line);
        line = w;
      }
    }
    out.push(line);
  }
  return out.length ? out : [''];
}

/** The result table: id | indicator | criterion | measured | verdict, wrapped to `width` columns. */
export function formatTable(results: readonly ScenarioResult[], width = 150): string {
  const headers = ['id', 'indicator', 'criterion', 'measured', 'verdict'];
  const rows = results.map((r) => [r.id, r.indicator, r.criterion, r.status === 'fail' && r.reason ? `${measuredText(r)}: ${r.reason}` : measuredText(r), VERDICT[r.status]]);
  const fixed = [Math.max(2, ...results.map((r) => r.id.length)), 0, 0, 0, 7];
  const free = Math.max(60, width - fixed[0]! - fixed[4]! - 5 * 3);
  const widths = [fixed[0]!, Math.floor(free * 0.36), Math.floor(free * 0.4), free - Math.floor(free * 0.36) - Math.floor(free * 0.4), fixed[4]!];
  const line = (cells: string[][]) => {
    const height = Math.max(...cells.map((c) => c.length));
    const out: string[] = [];
    for (let i = 0; i < height; i++) out.push(cells.map((c, j) => (c[i] ?? '').padEnd(widths[j]!)).join(' | ').trimEnd());
    return out.join('\n');
  };
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  return [line(headers.map((h, i) => wrap(h, widths[i]!))), rule, ...rows.map((r) => line(r.map((c, i) => wrap(c, widths[i]!))))].join('\n');
}

export function summaryLine(report: ValidationReport): string {
  const s = report.summary;
  return `${s.pass} passed, ${s.fail} failed, ${s.notRun} not run (${s.total} scenarios, profile ${report.profile}, ${Math.round(report.durationMs / 1000)} s)`;
}

// ---- files ---------------------------------------------------------------------------------------

export function writeFile(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

export function toJson(report: ValidationReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

// ---- HTML ----------------------------------------------------------------------------------------

export { escapeHtml } from '../platform/html.ts';
import { escapeHtml } from '../platform/html.ts';

/** "Nice" axis ticks (1, 2, 5 × 10^k steps) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0];
  if (max === min) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

const fmt = (v: number) => (Math.abs(v) >= 10_000 ? v.toExponential(1) : String(Number(v.toPrecision(4))));

/** An inline SVG line or bar chart of one evidence series, with the criterion's limit dashed. */
export function svgChart(series: EvidenceSeries, opts: { width?: number; height?: number } = {}): string {
  const W = opts.width ?? 640;
  const H = opts.height ?? 240;
  const m = { top: 16, right: 16, bottom: 40, left: 56 };
  const pts = series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (!pts.length) return '<p class="muted">(no data points)</p>';
  const kind = series.kind ?? 'line';
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const yTicks = niceTicks(Math.min(0, ...ys), Math.max(...ys, series.threshold ?? -Infinity));
  const y0 = yTicks[0]!;
  const y1 = yTicks[yTicks.length - 1]!;
  const xMin = kind === 'bar' ? Math.min(...xs) - 0.5 : Math.min(...xs);
  const xMax = kind === 'bar' ? Math.max(...xs) + 0.5 : Math.max(...xs) === Math.min(...xs) ? Math.min(...xs) + 1 : Math.max(...xs);
  const px = (x: number) => m.left + ((x - xMin) / (xMax - xMin)) * (W - m.left - m.right);
  const py = (y: number) => H - m.bottom - ((y - y0) / (y1 - y0)) * (H - m.top - m.bottom);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(series.label)}">`);
  for (const t of yTicks) {
    parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" class="grid"/>`);
    parts.push(`<text x="${m.left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end" class="tick">${escapeHtml(fmt(t))}</text>`);
  }
  const xTicks = kind === 'bar' ? [...new Set(xs)].filter((_, i, a) => a.length <= 20 || i % Math.ceil(a.length / 20) === 0) : niceTicks(xMin, xMax, 8).filter((t) => t >= xMin && t <= xMax);
  for (const t of xTicks) parts.push(`<text x="${px(t).toFixed(1)}" y="${H - m.bottom + 16}" text-anchor="middle" class="tick">${escapeHtml(fmt(t))}</text>`);
  parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${H - m.bottom}" y2="${H - m.bottom}" class="axis"/>`);
  parts.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${H - m.bottom}" class="axis"/>`);
  if (kind === 'bar') {
    const bw = Math.max(2, ((W - m.left - m.right) / (xMax - xMin)) * 0.7);
    for (const [x, y] of pts) {
      const top = py(Math.max(y, 0));
      const h = Math.abs(py(y) - py(0));
      parts.push(`<rect x="${(px(x) - bw / 2).toFixed(1)}" y="${top.toFixed(1)}" width="${bw.toFixed(1)}" height="${h.toFixed(1)}" class="bar"><title>${escapeHtml(`${fmt(x)}: ${fmt(y)}`)}</title></rect>`);
    }
  } else {
    const d = pts.map(([x, y], i) => `${i ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" class="line"/>`);
  }
  if (series.threshold !== undefined) {
    const ty = py(series.threshold).toFixed(1);
    parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${ty}" y2="${ty}" class="limit"/>`);
    parts.push(`<text x="${W - m.right}" y="${Number(ty) - 4}" text-anchor="end" class="limit-label">limit ${escapeHtml(fmt(series.threshold))}</text>`);
  }
  if (series.xLabel) parts.push(`<text x="${(m.left + W - m.right) / 2}" y="${H - 6}" text-anchor="middle" class="label">${escapeHtml(series.xLabel)}</text>`);
  if (series.yLabel) parts.push(`<text x="14" y="${(m.top + H - m.bottom) / 2}" text-anchor="middle" class="label" transform="rotate(-90 14 ${(m.top + H - m.bottom) / 2})">${escapeHtml(series.yLabel)}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

function evidenceHtml(value: unknown): string {
  return `<pre class="evidence">${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d2330;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-top:1px solid #d8dde6;padding-top:1rem}
.muted{color:#5b6474}.summary{display:flex;gap:1rem;margin:1rem 0}.pill{padding:.3rem .7rem;border-radius:1rem;font-weight:600}
.pass{background:#e3f4e8;color:#155d2b}.fail{background:#fde5e3;color:#8d1d12}.not-run{background:#eceff3;color:#4a5261}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;vertical-align:top;padding:.45rem .5rem;border-bottom:1px solid #e5e8ee}
th{background:#f5f7fa;font-weight:600}td.id{font-family:ui-monospace,monospace;white-space:nowrap}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}dt{color:#5b6474}dd{margin:0}
pre.evidence{background:#f5f7fa;padding:.75rem;border-radius:6px;overflow:auto;max-height:28rem;font-size:12px}
svg{max-width:100%;height:auto;background:#fcfdfe;border:1px solid #e5e8ee;border-radius:6px}
svg .grid{stroke:#e8ebf0}svg .axis{stroke:#8a93a3}svg .tick,svg .label,svg .limit-label{font:11px system-ui,sans-serif;fill:#5b6474}
svg .line{fill:none;stroke:#2563eb;stroke-width:2}svg .bar{fill:#2563eb}svg .limit{stroke:#c2410c;stroke-dasharray:6 4;stroke-width:1.5}svg .limit-label{fill:#c2410c}
@media print{pre.evidence{max-height:none}}
`;

export function toHtml(report: ValidationReport): string {
  const s = report.summary;
  const rows = report.results
    .map(
      (r) =>
        `<tr><td class="id"><a href="#${escapeHtml(r.id)}">${escapeHtml(r.id)}</a></td><td>${escapeHtml(r.indicator)}</td><td>${escapeHtml(r.criterion)}</td><td>${escapeHtml(measuredText(r))}</td><td><span class="pill ${r.status}">${VERDICT[r.status]}</span></td></tr>`,
    )
    .join('\n');
  const sections = report.results
    .map(
      (r) => `<section id="${escapeHtml(r.id)}">
<h2>${escapeHtml(r.title)} <span class="pill ${r.status}">${VERDICT[r.status]}</span></h2>
<dl>
<dt>Scenario</dt><dd><code>${escapeHtml(r.id)}</code> (${r.profile === 'fast' ? 'fast and full profiles' : 'full profile only'}; ran ${(r.durationMs / 1000).toFixed(1)} s)</dd>
<dt>Requirement</dt><dd>${escapeHtml(r.requirement)}</dd>
<dt>Indicator</dt><dd>${escapeHtml(r.indicator)}</dd>
<dt>Success criterion</dt><dd>${escapeHtml(r.criterion)}</dd>
<dt>Measured</dt><dd><strong>${escapeHtml(measuredText(r))}</strong></dd>
${r.reason ? `<dt>${r.status === 'not-run' ? 'Not run because' : 'Error'}</dt><dd>${escapeHtml(r.reason)}</dd>` : ''}
${r.kept?.length ? `<dt>Data kept in</dt><dd>${r.kept.map((k) => `<code>${escapeHtml(k)}</code>`).join('<br>')}</dd>` : ''}
</dl>
${r.series ? `<figure><figcaption class="muted">${escapeHtml(r.series.label)}</figcaption>${svgChart(r.series)}</figure>` : ''}
${Object.keys(r.evidence).length ? `<details open><summary>Evidence</summary>${evidenceHtml(r.evidence)}</details>` : ''}
</section>`,
    )
    .join('\n');
  const env = report.environment;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Custodia validation report ${escapeHtml(report.id)}</title><style>${CSS}</style></head>
<body>
<h1>Custodia validation report</h1>
<p class="muted">${escapeHtml(report.id)} · profile ${escapeHtml(report.profile)} · ${escapeHtml(report.startedAt)} → ${escapeHtml(report.finishedAt)} (${Math.round(report.durationMs / 1000)} s) · Node ${escapeHtml(env.node)} on ${escapeHtml(env.platform)}/${escapeHtml(env.arch)}, ${env.cpus} CPUs${env.commit ? ` · commit ${escapeHtml(env.commit)}` : ''}</p>
<div class="summary"><span class="pill pass">${s.pass} passed</span><span class="pill fail">${s.fail} failed</span><span class="pill not-run">${s.notRun} not run</span></div>
<p>Each scenario checks one promise of the platform or a pilot: the <em>indicator</em> is what is measured, the <em>success criterion</em> the rule the measured value must meet, and the <em>evidence</em> the counts, audit entry sequence numbers and timings it was decided on. Synthetic data only.</p>
<table><thead><tr><th>id</th><th>indicator</th><th>criterion</th><th>measured</th><th>verdict</th></tr></thead><tbody>
${rows}
</tbody></table>
${sections}
</body></html>
`;
}
