// Server CPU per acknowledged reading: what one reading costs the server, whatever the load
// generator managed to offer. Pure: CPU seconds and counts in, microseconds and ratios out.
import type { PhaseName, TargetResult } from './report.ts';

/** µs of server CPU per reading acknowledged in the window; null when either is unknown or zero. */
export function cpuMicrosPerReading(serverCpuSeconds: number | null, ackedInWindow: number): number | null {
  if (serverCpuSeconds === null || !(ackedInWindow > 0)) return null;
  return Math.round((serverCpuSeconds * 1e6 * 10) / ackedInWindow) / 10;
}

export interface CpuPerReading {
  phase: PhaseName;
  custodiaUs: number;
  aedesUs: number;
  /** Custodia ÷ bare aedes: how many times the bare broker's cost one reading takes. */
  ratio: number;
}

/** Custodia's CPU per reading against bare aedes', phase by phase, where both were measured. */
export function cpuRatios(results: TargetResult[]): CpuPerReading[] {
  const ok = (t: string) => results.find((r) => r.target === t && r.status === 'ok');
  const custodia = ok('custodia');
  const aedes = ok('aedes');
  if (!custodia || !aedes) return [];
  const out: CpuPerReading[] = [];
  for (const c of custodia.phases) {
    const a = aedes.phases.find((p) => p.phase === c.phase);
    if (c.serverCpuUsPerAcked === null || !a?.serverCpuUsPerAcked) continue;
    out.push({
      phase: c.phase,
      custodiaUs: c.serverCpuUsPerAcked,
      aedesUs: a.serverCpuUsPerAcked,
      ratio: Math.round((c.serverCpuUsPerAcked / a.serverCpuUsPerAcked) * 100) / 100,
    });
  }
  return out;
}

export function renderCpuRatios(rows: CpuPerReading[]): string[] {
  return rows.map(
    (r) =>
      `server CPU per acknowledged reading, ${r.phase} phase: custodia ${r.custodiaUs} µs, bare aedes ${r.aedesUs} µs = ${r.ratio.toFixed(2)}×`,
  );
}
