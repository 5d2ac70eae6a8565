// `--idle-devices N`: memory per connected device. A fresh server with N devices provisioned;
// first `--devices` of them connect and send at `--light-rate` readings/s, and the server's peak
// RSS is read; then the rest connect, the same light load runs over all of them, and the peak
// RSS is read again. (high − low) ÷ (N − devices) is what one more connected device costs,
// without the start-up and code that every server carries whatever its fleet. Beside it, the
// heap after a full collection at the same two points (bench/heap-probe.ts): what the devices
// keep alive, free of the garbage a connection storm leaves for the collector.
import type { PhaseFigures, TargetResult } from './report.ts';

export interface MemoryPerDevice {
  lowDevices: number;
  highDevices: number;
  lowPeakRssBytes: number;
  highPeakRssBytes: number;
  /** Bytes of peak RSS per additional connected device. */
  bytesPerDevice: number;
  /** Bytes of heap after a full collection per additional connected device; null when the
   *  server could not say (mosquitto, or an old child). */
  retainedBytesPerDevice: number | null;
}

export function memoryPerDevice(
  lowDevices: number,
  lowPeak: number,
  highDevices: number,
  highPeak: number,
  retained: { low: number; high: number } | null = null,
): MemoryPerDevice | null {
  if (!(highDevices > lowDevices)) return null;
  const per = (lo: number, hi: number) => Math.round((hi - lo) / (highDevices - lowDevices));
  return {
    lowDevices,
    highDevices,
    lowPeakRssBytes: lowPeak,
    highPeakRssBytes: highPeak,
    bytesPerDevice: per(lowPeak, highPeak),
    retainedBytesPerDevice: retained ? per(retained.low, retained.high) : null,
  };
}

/** Custodia ÷ bare aedes, when both were measured and the baseline grew at all: of peak RSS (the
 *  target's figure), or of the heap after a full collection. */
export function memoryRatio(results: TargetResult[], figure: 'peak' | 'retained' = 'peak'): number | null {
  const per = (t: string) => {
    const m = results.find((r) => r.target === t)?.memory;
    return (figure === 'peak' ? m?.bytesPerDevice : m?.retainedBytesPerDevice) ?? undefined;
  };
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
      const kb = (b: number) => (b / 1024).toFixed(1);
      const retained = m.retainedBytesPerDevice === null ? '' : `; heap after a full collection ${kb(m.retainedBytesPerDevice)} KB`;
      return (
        `memory per connected device, ${r.target}: ${kb(m.bytesPerDevice)} KB ` +
        `(peak RSS ${mb(m.lowPeakRssBytes)} MB at ${m.lowDevices} devices, ${mb(m.highPeakRssBytes)} MB at ${m.highDevices})${retained}`
      );
    });
  const ratio = memoryRatio(results);
  const retained = memoryRatio(results, 'retained');
  if (ratio !== null) {
    const also = retained === null ? '' : ` (heap after a full collection: ${retained.toFixed(2)}×)`;
    lines.push(`memory per connected device, custodia ÷ bare aedes: ${ratio.toFixed(2)}×${also}`);
  }
  return lines;
}

/** What the orchestrator lends the memory run (ingest.bench.ts), so this file holds its shape. */
export interface MemoryRun<S, L> {
  start(devices: number): Promise<S>;
  /** Spawns a load process for devices [from, to); resolves with the clients it connected. */
  load(server: S, from: number, to: number): Promise<{ proc: L; clients: number }>;
  light(server: S, loads: L[], clients: number[]): Promise<PhaseFigures>;
  peakRss(server: S): number | null;
  /** Heap after a full collection, or null when the server cannot say. */
  retainedHeap(server: S): Promise<number | null>;
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
    const lowHeap = await run.retainedHeap(server);
    const rest = await run.load(server, devices, idleDevices);
    loads.push(rest.proc);
    await run.light(server, loads, [first.clients, rest.clients]);
    const high = run.peakRss(server);
    const highHeap = await run.retainedHeap(server);
    if (low === null || high === null) return null;
    const retained = lowHeap === null || highHeap === null ? null : { low: lowHeap, high: highHeap };
    return memoryPerDevice(first.clients, low, first.clients + rest.clients, high, retained);
  } finally {
    await run.stop(server, loads);
  }
}
