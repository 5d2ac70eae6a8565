import { describe, expect, it } from 'vitest';
import type { VitalReading } from './domain/vitals.ts';
import { MAX_WINDOW_READINGS, VitalWindow } from './window.ts';

const NOW = 1_000_000;
const hr = (ts: number, value: number, id = `r-${ts}`): VitalReading => ({ param: 'heartRate', value, ts, id, deviceId: 'd-1' });

describe('the vital window', () => {
  it('counts a reading loaded from storage and received live once', () => {
    const w = new VitalWindow(60_000, 0);
    expect(w.add([hr(1000, 70), hr(2000, 72)], NOW)).toBe(2);
    expect(w.add([hr(2000, 72), hr(3000, 75)], NOW)).toBe(1);
    expect(w.readings().map((r) => r.ts).sort()).toEqual([1000, 2000, 3000]);
  });

  it('drops what is older than the window before the newest reading', () => {
    const w = new VitalWindow(60_000, 0);
    w.add([hr(0, 70), hr(30_000, 71), hr(90_000, 72)], NOW);
    expect(w.readings().map((r) => r.ts)).toEqual([30_000, 90_000]);
    expect(w.newest()).toBe(90_000);
  });

  it('never trusts a device clock alone: a reading dated past now + skew never enters nor prunes (issue #12)', () => {
    const w = new VitalWindow(60_000, 5_000);
    w.add([hr(NOW - 10_000, 70)], NOW);
    expect(w.add([hr(8.64e15, 140), hr(NOW * 1000, 150), hr(NOW + 5_001, 160)], NOW)).toBe(0);
    expect(w.add([hr(NOW + 5_000, 80)], NOW)).toBe(1); // within the skew: believed
    expect(w.readings().map((r) => r.value)).toEqual([70, 80]);
    expect(w.newest()).toBe(NOW + 5_000);
  });

  it('an empty window has no newest time', () => {
    expect(new VitalWindow(1000, 0).newest()).toBeNull();
  });

  it(`keeps at most ${MAX_WINDOW_READINGS} readings, the newest`, () => {
    const w = new VitalWindow(Number.MAX_SAFE_INTEGER, 0);
    w.add(Array.from({ length: MAX_WINDOW_READINGS + 10 }, (_, i) => hr(i, 60)), NOW);
    expect(w.size).toBe(MAX_WINDOW_READINGS);
    expect(Math.min(...w.readings().map((r) => r.ts))).toBe(10);
  });
});
