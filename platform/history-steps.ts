// The times at which a demo backfill writes a device's readings (pure; shared with the pilots
// through platform/pilot.ts). The last `recentMs` before `to` are written at the device's own
// interval (or `recentStepMs` when coarser); older history at `olderStepMs`, so days of history
// for a whole fleet stay a few seconds of start-up. Times are aligned to multiples of their step
// (epoch-based), so the same range always gives the same times.

export interface HistoryStepOptions {
  from: number;
  to: number;
  /** The device's reporting interval. */
  intervalMs: number;
  /** How far back the fine part reaches (default 24 h). */
  recentMs?: number;
  /** The finest step of the recent part (default: the interval). */
  recentStepMs?: number;
  /** The step of older history (default 30 min). */
  olderStepMs?: number;
}

const DAY = 86_400_000;

/** Ascending times in [from, to): older history at the coarse step, the recent part finer. */
export function historyTimes(o: HistoryStepOptions): number[] {
  if (!(o.intervalMs > 0) || !(o.to > o.from)) return [];
  const recentStep = Math.max(o.intervalMs, o.recentStepMs ?? o.intervalMs);
  const olderStep = Math.max(recentStep, o.olderStepMs ?? 30 * 60_000);
  const boundary = Math.max(o.from, o.to - (o.recentMs ?? DAY));
  const out: number[] = [];
  const walk = (start: number, end: number, step: number) => {
    for (let t = Math.ceil(start / step) * step; t < end; t += step) out.push(t);
  };
  walk(o.from, boundary, olderStep);
  walk(boundary, o.to, recentStep);
  return out;
}
