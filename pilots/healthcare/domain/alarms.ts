// Clinical and technical alarm decisions for one patient, as pure functions. The platform's alarm
// service stores the state and delivers the actions; this file only decides.
//
// Clinical levels follow the NEWS2 risk bands (RCP 2017, chart 3): a single red score (3) → minor,
// medium (5–6) → major, high (≥7) → critical. Going up takes effect at once; going down needs K
// consecutive lower results (hysteresis), so one normal reading never clears a high band.
import type { News2Band, News2Result } from './news2.ts';
import { isPlausible, type EventPayload, type VitalKey } from './vitals.ts';

export type AlarmLevel = 'none' | 'minor' | 'major' | 'critical';
export const ALARM_LEVELS: readonly AlarmLevel[] = ['none', 'minor', 'major', 'critical'];

export type AlarmAction = 'raise' | 'escalate' | 'downgrade' | 'clear' | 'none';

export interface AlarmState {
  level: AlarmLevel;
  /** When the current level took effect (epoch ms); null while there has never been an alarm. */
  since: number | null;
  /** Consecutive results below the current level. */
  normalStreak: number;
  /** Highest level seen during the current lower streak: where a downgrade lands. */
  streakPeak?: AlarmLevel;
}

export const INITIAL_ALARM_STATE: AlarmState = { level: 'none', since: null, normalStreak: 0 };

export const DEFAULT_HYSTERESIS = 2;

export interface AlarmDecision {
  action: AlarmAction;
  from: AlarmLevel;
  to: AlarmLevel;
  next: AlarmState;
}

const rank = (level: AlarmLevel): number => ALARM_LEVELS.indexOf(level);
const higher = (a: AlarmLevel, b: AlarmLevel): AlarmLevel => (rank(a) >= rank(b) ? a : b);

/** NEWS2 band → clinical alarm level. */
export function levelForBand(band: News2Band): AlarmLevel {
  switch (band) {
    case 'high':
      return 'critical';
    case 'medium':
      return 'major';
    case 'low-medium':
      return 'minor';
    case 'low':
      return 'none';
  }
}

export interface DecideOptions {
  /** Time of the new result (epoch ms). */
  at: number;
  /** Consecutive lower results needed before a lower level takes effect (≥1, default 2). */
  hysteresis?: number;
  /** Let partial sets count towards a downgrade (default false: only complete sets lower a level).
   *  For deployments where some parameter (e.g. ACVPU) is never reported from home. */
  downgradeOnPartial?: boolean;
}

/**
 * The state machine. Up: raise (from none) or escalate, at once. Same level: nothing, and any
 * lower streak is broken. Down: counted; after K lower results in a row the level drops to the
 * highest level seen during that streak (downgrade) or to none (clear).
 * A partial result's total is only a lower bound of the patient's score, so by default it can
 * raise or escalate but never counts towards a downgrade (nor breaks a streak under way).
 */
export function decideAlarm(
  prev: AlarmState,
  result: Pick<News2Result, 'band'> & { partial?: boolean },
  opts: DecideOptions,
): AlarmDecision {
  const k = opts.hysteresis ?? DEFAULT_HYSTERESIS;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`hysteresis must be a positive integer, got ${k}`);
  const from = prev.level;
  const observed = levelForBand(result.band);

  if (rank(observed) > rank(from)) {
    return {
      action: from === 'none' ? 'raise' : 'escalate',
      from,
      to: observed,
      next: { level: observed, since: opts.at, normalStreak: 0 },
    };
  }
  if (result.partial && !opts.downgradeOnPartial) {
    return { action: 'none', from, to: from, next: { ...prev } };
  }
  if (observed === from) {
    return { action: 'none', from, to: from, next: { level: from, since: prev.since, normalStreak: 0 } };
  }

  const streak = prev.normalStreak + 1;
  const peak = prev.normalStreak > 0 && prev.streakPeak ? higher(prev.streakPeak, observed) : observed;
  if (streak < k) {
    return { action: 'none', from, to: from, next: { level: from, since: prev.since, normalStreak: streak, streakPeak: peak } };
  }
  return {
    action: peak === 'none' ? 'clear' : 'downgrade',
    from,
    to: peak,
    next: { level: peak, since: opts.at, normalStreak: 0 },
  };
}

export interface RaisedAlarm {
  level: AlarmLevel;
  /** When the alarm was raised or last changed level (epoch ms). */
  since: number;
  acknowledgedAt?: number | null;
  escalatedAt?: number | null;
}

/** A critical alarm left unacknowledged for `escalateAfterMs` is escalated, once. */
export function shouldEscalate(alarm: RaisedAlarm, now: number, escalateAfterMs: number): boolean {
  if (alarm.level !== 'critical') return false;
  if (alarm.acknowledgedAt != null || alarm.escalatedAt != null) return false;
  return now - alarm.since >= escalateAfterMs;
}

// ---- events and technical alarms -------------------------------------------------------------

export interface EventAlarm {
  kind: 'clinical' | 'technical';
  level: Exclude<AlarmLevel, 'none'>;
  reason: EventPayload['type'];
}

/**
 * Device events: a fall is a critical clinical alarm at once (no hysteresis, no NEWS2 needed);
 * the patient's call button is major; device faults and low battery are technical alarms,
 * kept apart from clinical ones so they never mask or inflate a patient's risk.
 */
export function eventAlarm(event: Pick<EventPayload, 'type'>): EventAlarm {
  switch (event.type) {
    case 'fall':
      return { kind: 'clinical', level: 'critical', reason: 'fall' };
    case 'button':
      return { kind: 'clinical', level: 'major', reason: 'button' };
    case 'fault':
      return { kind: 'technical', level: 'major', reason: 'fault' };
    case 'battery-low':
      return { kind: 'technical', level: 'minor', reason: 'battery-low' };
  }
}

export const DEFAULT_BATTERY_THRESHOLD = 15;

/** Battery at or below the threshold (percent) is low. */
export function batteryLow(battery: number, threshold = DEFAULT_BATTERY_THRESHOLD): boolean {
  return Number.isFinite(battery) && battery <= threshold;
}

/** A value outside the catalogue's plausible range: a technical alarm, never scored by NEWS2. */
export function implausible(param: VitalKey, value: unknown): boolean {
  return !isPlausible(param, value);
}

/** No message from a device for longer than `timeoutMs` means it is offline. */
export function deviceOffline(lastSeen: number | null, now: number, timeoutMs: number): boolean {
  return lastSeen === null || now - lastSeen > timeoutMs;
}
