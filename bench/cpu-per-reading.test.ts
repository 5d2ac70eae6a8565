import { describe, it, expect } from 'vitest';
import { cpuMicrosPerReading, cpuRatios } from './cpu-per-reading.ts';
import type { PhaseFigures, TargetResult } from './report.ts';

const phase = (p: Partial<PhaseFigures>): PhaseFigures => ({ phase: 'max', serverCpuUsPerAcked: null, ...p }) as PhaseFigures;
const target = (t: TargetResult['target'], phases: PhaseFigures[], status: TargetResult['status'] = 'ok'): TargetResult => ({
  target: t,
  title: t,
  status,
  devices: 1,
  connected: 1,
  connectMs: 0,
  phases,
  peakRssBytes: null,
});

describe('server CPU per acknowledged reading', () => {
  it.each<[number | null, number, number | null]>([
    [0.97 * 10, 183_000, 53],
    [0.75 * 10, 456_000, 16.4],
    [1, 0, null],
    [null, 1000, null],
    [0, 1000, 0],
  ])('%s CPU s over %s readings → %s µs', (cpu, acked, us) => {
    expect(cpuMicrosPerReading(cpu, acked)).toBe(us);
  });

  it('compares custodia with bare aedes phase by phase, skipping what either lacks', () => {
    const results = [
      target('aedes', [phase({ phase: 'light', serverCpuUsPerAcked: 40 }), phase({ phase: 'max', serverCpuUsPerAcked: 16 })]),
      target('custodia', [
        phase({ phase: 'light', serverCpuUsPerAcked: 100 }),
        phase({ phase: 'fixed', serverCpuUsPerAcked: 60 }),
        phase({ phase: 'max', serverCpuUsPerAcked: 53 }),
      ]),
    ];
    expect(cpuRatios(results)).toEqual([
      { phase: 'light', custodiaUs: 100, aedesUs: 40, ratio: 2.5 },
      { phase: 'max', custodiaUs: 53, aedesUs: 16, ratio: 3.31 },
    ]);
    expect(cpuRatios([results[1]!])).toEqual([]);
    expect(cpuRatios([target('aedes', [], 'failed'), results[1]!])).toEqual([]);
  });
});
