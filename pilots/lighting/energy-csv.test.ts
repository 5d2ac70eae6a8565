import { describe, expect, it } from 'vitest';
import { energyCsv } from './energy-csv.ts';
import type { EnergyFigures, EnergyReport } from './energy-service.ts';

const f = (kWh: number): EnergyFigures => ({ kWh, litKWh: kWh, baselineKWh: kWh * 2, savedKWh: kWh, savedPercent: 50, savedCO2kg: kWh / 4, burningHours: 10 });

describe('energy report as CSV', () => {
  it('writes a line per key and period, a total per key and the installation total', () => {
    const report: EnergyReport = {
      by: 'group',
      period: 'day',
      from: 0,
      to: 1,
      timeZone: 'Europe/Brussels',
      co2KgPerKWh: 0.25,
      rows: [{ key: 'g-quay', periods: [{ period: '2026-11-02', ...f(2) }, { period: '2026-11-03', ...f(1) }], total: f(3) }],
      total: f(3),
    };
    expect(energyCsv(report).split('\r\n')).toEqual([
      'group,period,kWh,litKWh,baselineKWh,savedKWh,savedPercent,savedCO2kg,burningHours',
      'g-quay,2026-11-02,2,2,4,2,50,0.5,10',
      'g-quay,2026-11-03,1,1,2,1,50,0.25,10',
      'g-quay,total,3,3,6,3,50,0.75,10',
      'all,total,3,3,6,3,50,0.75,10',
      '',
    ]);
  });

  it('neutralises a key that a spreadsheet would read as a formula', () => {
    const report = { by: 'lamp', period: 'day', from: 0, to: 1, timeZone: 'UTC', co2KgPerKWh: 0, rows: [{ key: '=cmd', periods: [], total: f(0) }], total: f(0) } satisfies EnergyReport;
    expect(energyCsv(report)).toContain("\r\n'=cmd,total,");
  });
});
