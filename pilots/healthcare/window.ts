// A patient's recent vital readings, in memory: what NEWS2 observation sets are built from.
// Bounded by time (the window) and by count, and de-duplicated so a reading loaded from the
// series and received live is counted once. The window never trusts a device's clock alone: a
// reading dated beyond the platform clock plus the allowed skew never enters, so it can neither
// become "newest" nor prune the real readings away (docs/security.md "Device clocks").
import type { VitalReading } from './domain/vitals.ts';

export const MAX_WINDOW_READINGS = 2000;

const keyOf = (r: VitalReading) => `${r.id ?? ''}|${r.deviceId ?? ''}|${r.param}|${r.ts}`;

export class VitalWindow {
  private readonly byKey = new Map<string, VitalReading>();

  constructor(
    readonly windowMs: number,
    /** How far ahead of `now` a reading may be dated (the platform's allowed device skew). */
    readonly maxSkewMs: number,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  /** Adds readings, `now` being the platform clock; returns how many were new. */
  add(readings: readonly VitalReading[], now: number): number {
    let added = 0;
    for (const r of readings) {
      if (!(r.ts <= now + this.maxSkewMs)) continue;
      const k = keyOf(r);
      if (this.byKey.has(k)) continue;
      this.byKey.set(k, r);
      added++;
    }
    this.prune();
    return added;
  }

  /** Newest observation time in the window, or null when empty. */
  newest(): number | null {
    let max: number | null = null;
    for (const r of this.byKey.values()) if (max === null || r.ts > max) max = r.ts;
    return max;
  }

  /** Drops readings older than the window before the newest one, then the oldest over the cap. */
  prune(): void {
    const newest = this.newest();
    if (newest === null) return;
    const from = newest - this.windowMs;
    for (const [k, r] of this.byKey) if (r.ts < from) this.byKey.delete(k);
    if (this.byKey.size > MAX_WINDOW_READINGS) {
      const sorted = [...this.byKey.entries()].sort((a, b) => a[1].ts - b[1].ts);
      for (const [k] of sorted.slice(0, this.byKey.size - MAX_WINDOW_READINGS)) this.byKey.delete(k);
    }
  }

  readings(): VitalReading[] {
    return [...this.byKey.values()];
  }
}
