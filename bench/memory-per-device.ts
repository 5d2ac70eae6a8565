// `--idle-devices N`: memory per connected device. A fresh server with N devices provisioned;
// first `--devices` of them connect and send at `--light-rate` readings/s, and the server's peak
// RSS is read; then the rest connect, the same light load runs over all of them, and the peak
// RSS is read again. (high − low) ÷ (N − devices) is what one more connected device costs,
// without the start-up and code that every server carries whatever its fleet.
import type { PhaseFigures, TargetResult } from './report.ts';

export interface MemoryPerDevice {
  lowDevices: number;
  highDevices: number;
  lowPeakRssBytes: number;
  highPeakRssBytes: number;
  /** Bytes of peak RSS per additional connected device. */
  bytesPerDevice: number;
}

export function memoryPerDevice(lowDevices: number, lowPeak: number, highDevices: number, highPeak: number): MemoryPerDevice | null {
  if (!(highDevices > lowDevices)) return null;
  return {
    lowDevices,
    highDevices,
    lowPeakRssBytes: lowPeak,
    highPeakRssBytes: highPeak,
    bytesPerDevice: Math.round((highPeak - lowPeak) / (highDevices - lowDevices)),
  };
}

/** Custodia ÷ bare aedes, when both were measured and the baseline grew at all. */
export function memoryRatio(results: TargetResult[]): number | null {
  const per = (t: string) => results.find((r) => r.target === t)?.memory?.bytesPerDevice;
  const c = per('custodia');
  const a = per('aedes');
  return c === undefined || a === undefined || a <= 0 ? null : Math.round((c / a) * 100) / 100;
}

export function renderMemory(results: TargetResult[]): string[] {
  const lines = results
    .filter((r) => r.memory)
    .map((r) => {
      const m = r.memory!;
      const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
      return (
        `memory per connected device, ${r.target}: ${(m.bytesPerDevice / 1024).toFixed(1)} KB ` +
        `(peak RSS ${mb(m.lowPeakRssBytes)} MB at ${m.lowDevices} devices, ${mb(m.highPeakRssBytes)} MB at ${m.highDevices})`
      );
    });
  const ratio = memoryRatio(results);
  if (ratio !== null) lines.push(`memory per connected device, custodia ÷ bare aedes: ${ratio.toFixed(2)}×`);
  return lines;
}

/** What the orchestrator lends the memory run (ingest.bench.ts), so this file holds its shape. */
export interface MemoryRun<S, L> {
  start(devices: number): Promise<S>;
  /** Spawns a load process for devices [from, to); resolves with the clients it connected. */
  load(server: S, from: number, to: number): Promise<{ proc: L; clients: number }>;
  light(server: S, loads: L[], clients: number[]): Promise<PhaseFigures>;
  peakRss(server: S): number | null;
  stop(server: S, loads: L[]): Promise<void>;
}

export async function runMemory<S, L>(run: MemoryRun<S, L>, devices: number, idleDevices: number): Promise<MemoryPerDevice | null> {
  if (!(idleDevices > devices)) return null;
  const server = await run.start(idleDevices);
  const loads: L[] = [];
  try {
    const first = await run.load(server, 0, devices);
    loads.push(first.proc);
    await run.light(server, loads, [first.clients]);
    const low = run.peakRss(server);
    const rest = await run.load(server, devices, idleDevices);
    loads.push(rest.proc);
    await run.light(server, loads, [first.clients, rest.clients]);
    const high = run.peakRss(server);
    if (low === null || high === null) return null;
    return memoryPerDevice(first.clients, low, first.clients + rest.clients, high);
  } finally {
    await run.stop(server, loads);
  }
}
