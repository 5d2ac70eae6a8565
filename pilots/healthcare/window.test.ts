import { describe, expect, it } from 'vitest';
import type { VitalReading } from './domain/vitals.ts';
import { MAX_WINDOW_READINGS, VitalWindow } from './window.ts';

const hr = (ts: number, value: number, id = `r-${ts}`): VitalReading => ({ param: 'heartRate', value, ts, id, deviceId: 'd-1' });

describe('the vital window', () => {
  it('counts a reading loaded from storage and received live once', () => {
    const w = new VitalWindow(60_000);
    expect(w.add([hr(1000, 70), hr(2000, 72)])).toBe(2);
    expect(w.add([hr(2000, 72), hr(3000, 75)])).toBe(1);
    expect(w.readings().map((r) => r.ts).sort()).toEqual([1000, 2000, 3000]);
  });

  it('drops what is older than the window before the newest reading', () => {
    const w = new VitalWindow(60_000);
    w.add([hr(0, 70), hr(30_000, 71), hr(90_000, 72)]);
    expect(w.readings().map((r) => r.ts)).toEqual([30_000, 90_000]);
    expect(w.newest()).toBe(90_000);
  });

  it('an empty window has no newest time', () => {
    expect(new VitalWindow(1000).newest()).toBeNull();
  });

  it(`keeps at most ${MAX_WINDOW_READINGS} readings, the newest`, () => {
    const w = new VitalWindow(Number.MAX_SAFE_INTEGER);
    w.add(Array.from({ length: MAX_WINDOW_READINGS + 10 }, (_, i) => hr(i, 60)));
    expect(w.size).toBe(MAX_WINDOW_READINGS);
    expect(Math.min(...w.readings().map((r) => r.ts))).toBe(10);
  });
});
