import { describe, it, expect } from 'vitest';
import { memoryPerDevice, memoryRatio, renderMemory, runMemory, type MemoryRun } from './memory-per-device.ts';
import type { PhaseFigures, TargetResult } from './report.ts';

const MB = 1024 * 1024;

describe('memory per connected device', () => {
  it.each<[number, number, number, number, number | null]>([
    [1000, 200 * MB, 5000, 268 * MB, 17_826],
    [1000, 200 * MB, 1000, 300 * MB, null],
    [10, 100, 20, 100, 0],
  ])('%s devices at %s B, %s at %s B → %s B each', (lo, loRss, hi, hiRss, per) => {
    expect(memoryPerDevice(lo, loRss, hi, hiRss)?.bytesPerDevice ?? null).toBe(per);
  });

  it('gives the heap after a full collection per device beside the peak, when the server said it', () => {
    expect(memoryPerDevice(1000, 200 * MB, 5000, 268 * MB, { low: 40 * MB, high: 72 * MB })).toMatchObject({
      bytesPerDevice: 17_826,
      retainedBytesPerDevice: 8_389,
    });
    expect(memoryPerDevice(1000, 200 * MB, 5000, 268 * MB)?.retainedBytesPerDevice).toBeNull();
  });

  it('compares custodia with bare aedes only when both were measured', () => {
    const r = (target: TargetResult['target'], bytesPerDevice?: number) =>
      ({ target, ...(bytesPerDevice === undefined ? {} : { memory: { bytesPerDevice } }) }) as TargetResult;
    expect(memoryRatio([r('aedes', 13_000), r('custodia', 17_800)])).toBe(1.37);
    expect(memoryRatio([r('aedes'), r('custodia', 17_800)])).toBeNull();
    expect(memoryRatio([r('aedes', 0), r('custodia', 17_800)])).toBeNull();
  });

  it('compares the heap after a full collection on its own', () => {
    const r = (target: TargetResult['target'], bytesPerDevice: number, retainedBytesPerDevice: number | null) =>
      ({ target, memory: { bytesPerDevice, retainedBytesPerDevice } }) as TargetResult;
    expect(memoryRatio([r('aedes', 6_300, 6_400), r('custodia', 16_700, 8_100)], 'retained')).toBe(1.27);
    expect(memoryRatio([r('aedes', 6_300, null), r('custodia', 16_700, 8_100)], 'retained')).toBeNull();
    const lines = renderMemory([r('aedes', 6_300, 6_400), r('custodia', 16_700, 8_100)]);
    expect(lines.at(-1)).toBe('memory per connected device, custodia ÷ bare aedes: 2.65× (heap after a full collection: 1.27×)');
    expect(lines[1]).toContain('heap after a full collection 7.9 KB');
  });

  it('reads the peak at the low fleet, connects the rest, reads it again, and always stops', async () => {
    const steps: string[] = [];
    let rss = 100 * MB;
    const run: MemoryRun<string, string> = {
      start: async (n) => (steps.push(`start ${n}`), 'srv'),
      load: async (_s, from, to) => (steps.push(`load ${from}-${to}`), { proc: `l${from}`, clients: to - from }),
      light: async (_s, loads, clients) => {
        steps.push(`light ${loads.join('+')} ${clients.join('+')}`);
        rss += clients.reduce((a, b) => a + b, 0) * 1000;
        return {} as PhaseFigures;
      },
      peakRss: () => rss,
      retainedHeap: async () => (steps.push('heap'), rss / 2),
      stop: async (_s, loads) => void steps.push(`stop ${loads.join('+')}`),
    };
    const m = await runMemory(run, 10, 50);
    expect(steps).toEqual(['start 50', 'load 0-10', 'light l0 10', 'heap', 'load 10-50', 'light l0+l10 10+40', 'heap', 'stop l0+l10']);
    expect(m).toMatchObject({ lowDevices: 10, highDevices: 50, bytesPerDevice: 1250, retainedBytesPerDevice: 625 });
    expect(await runMemory(run, 10, 10)).toBeNull();
  });
});
