// The migration's printed report: one aligned line per check, mismatches marked.
import type { MigrationReport } from './migrate.ts';
import type { CheckRow } from './verify.ts';

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A plain-text table; the result comes first and the destination last, so a mismatch that
 *  names rows can be long without breaking the alignment. */
export function formatTable(rows: readonly CheckRow[], sourceLabel = 'source', targetLabel = 'destination'): string {
  const cells = rows.map((r) => [r.ok ? 'ok' : 'MISMATCH', cut(r.scope, 24), cut(r.check, 36), cut(r.source, 32), cut(r.target, 400)]);
  const header = ['result', 'store', 'check', sourceLabel, targetLabel];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(Math.min(w, 40)))), ...cells.map(line)].join('\n');
}

export function formatReport(report: MigrationReport, sourceLabel: string, targetLabel: string): string {
  const c = report.copied;
  const bad = report.checks.filter((r) => !r.ok).length;
  return [
    `copied ${report.scopes.length} store(s): ${c.keys} keys, ${c.records} records, ${c.points} points, ${c.audit} audit entries, ${c.checkpoints} checkpoints`,
    '',
    formatTable(report.checks, sourceLabel, targetLabel),
    ...(bad === 0 ? [] : ['', `${bad} check(s) do not match: do not switch to the destination; investigate, then rerun into an empty location.`]),
  ].join('\n');
}
