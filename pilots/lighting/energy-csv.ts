// The energy report as CSV (docs/integration.md "Data out"): one line per lamp, group or cabinet
// and period, a `total` line per key, and the installation's total last. Pure.
import type { EnergyFigures, EnergyReport } from './energy-service.ts';

const FIGURES = ['kWh', 'litKWh', 'baselineKWh', 'savedKWh', 'savedPercent', 'savedCO2kg', 'burningHours'] as const satisfies readonly (keyof EnergyFigures)[];
// Keys are inventory ids (letters, digits, . _ : -), periods are dates: nothing to quote, but a key
// starting like a formula is still neutralised for spreadsheets (CWE-1236).
const cell = (v: string) => (/^[=+\-@]/.test(v) ? `'${v}` : v);
const line = (key: string, period: string, f: EnergyFigures) => [cell(key), period, ...FIGURES.map((k) => String(f[k]))].join(',');

export function energyCsv(report: EnergyReport): string {
  const out = [[report.by, 'period', ...FIGURES].join(',')];
  for (const row of report.rows) {
    for (const p of row.periods) out.push(line(row.key, p.period, p));
    out.push(line(row.key, 'total', row.total));
  }
  out.push(line('all', 'total', report.total));
  return out.join('\r\n') + '\r\n';
}
