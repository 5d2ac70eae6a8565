// The demo's speed and a running scenario's progress (pure). The simulators run `speed` times
// faster than the clock, and the speed may change while a scenario runs, so how far a
// deterioration got is the demo time since it started: the sum of each stretch times its speed.

import { formatNumber } from './format.ts';

export interface SpeedChange {
  at: number;
  speed: number;
}

export interface DemoSpeedState {
  speed: number;
  changes: SpeedChange[];
  deteriorationMs: number;
  simulators: boolean;
}

/** Speeds the dashboard offers (the API accepts any factor up to 1000). */
export const SPEEDS = [1, 10, 30, 60, 120, 300] as const;

/** The speed in force at `at` (the first change's before it). */
export function speedAt(changes: readonly SpeedChange[], at: number): number {
  let s = changes[0]?.speed ?? 1;
  for (const c of changes) if (c.at <= at) s = c.speed;
  return s;
}

/** Demo time that passed from `from` to `to` (real ms), each stretch at the speed then in force. */
export function demoElapsed(changes: readonly SpeedChange[], from: number, to: number): number {
  if (!(to > from)) return 0;
  const cuts = [from, ...changes.map((c) => c.at).filter((t) => t > from && t < to), to];
  let total = 0;
  for (let i = 0; i + 1 < cuts.length; i++) total += (cuts[i + 1]! - cuts[i]!) * speedAt(changes, cuts[i]!);
  return total;
}

export interface ScenarioProgress {
  /** 0…1 of the deterioration's ramp. */
  fraction: number;
  /** Real ms until the ramp ends at the current speed (0 when it has). */
  remainingMs: number;
  speed: number;
}

/** A deterioration started at `startAt`: how far it got by `now` and how long it has to go at the
 *  current speed. The demo patients' NEWS2 reaches the high band (7 or more) by the ramp's end
 *  (simulators/healthcare/physiology.test.ts), so that is when the alarm is expected at the latest. */
export function deteriorationProgress(state: Pick<DemoSpeedState, 'changes' | 'deteriorationMs'>, startAt: number, now: number): ScenarioProgress {
  const speed = speedAt(state.changes, now);
  const done = demoElapsed(state.changes, startAt, now);
  const fraction = Math.min(1, Math.max(0, done / state.deteriorationMs));
  return { fraction, remainingMs: Math.max(0, state.deteriorationMs - done) / speed, speed };
}

/** "60×", "1×", "0.5×". */
export const speedLabel = (speed: number, locale?: string) => `${formatNumber(speed, Number.isInteger(speed) ? 0 : 1, locale)}×`;
