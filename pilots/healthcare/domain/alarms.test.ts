import { describe, it, expect } from 'vitest';
import {
  INITIAL_ALARM_STATE,
  batteryLow,
  decideAlarm,
  deviceOffline,
  eventAlarm,
  implausible,
  levelForBand,
  shouldEscalate,
  type AlarmAction,
  type AlarmLevel,
  type AlarmState,
} from './alarms.ts';
import type { News2Band } from './news2.ts';

/** Feeds bands one by one (one minute apart) and records action and level after each. */
function run(bands: News2Band[], hysteresis?: number, start: AlarmState = INITIAL_ALARM_STATE) {
  let state = start;
  const trace: [AlarmAction, AlarmLevel][] = [];
  bands.forEach((band, i) => {
    const d = decideAlarm(state, { band }, { at: 1000 + i * 60_000, ...(hysteresis ? { hysteresis } : {}) });
    state = d.next;
    trace.push([d.action, d.to]);
  });
  return { state, trace };
}

describe('band → alarm level', () => {
  it.each([
    ['low', 'none'],
    ['low-medium', 'minor'],
    ['medium', 'major'],
    ['high', 'critical'],
  ] as const)('%s maps to %s', (band, level) => {
    expect(levelForBand(band)).toBe(level);
  });
});

describe('clinical alarm state machine', () => {
  it('stays quiet while the band is low', () => {
    expect(run(['low', 'low']).trace).toEqual([
      ['none', 'none'],
      ['none', 'none'],
    ]);
  });
  it('raises at once on the first abnormal band, recording when', () => {
    const d = decideAlarm(INITIAL_ALARM_STATE, { band: 'medium' }, { at: 5000 });
    expect(d).toMatchObject({ action: 'raise', from: 'none', to: 'major' });
    expect(d.next).toEqual({ level: 'major', since: 5000, normalStreak: 0 });
  });
  it('escalates at once when the level goes up', () => {
    expect(run(['low-medium', 'medium', 'high']).trace).toEqual([
      ['raise', 'minor'],
      ['escalate', 'major'],
      ['escalate', 'critical'],
    ]);
  });
  it('one normal reading does not clear a high band; K = 2 normals do', () => {
    expect(run(['high', 'low', 'low']).trace).toEqual([
      ['raise', 'critical'],
      ['none', 'critical'],
      ['clear', 'none'],
    ]);
  });
  it('a result back at the current level breaks the lower streak', () => {
    expect(run(['high', 'low', 'high', 'low', 'low']).trace).toEqual([
      ['raise', 'critical'],
      ['none', 'critical'],
      ['none', 'critical'],
      ['none', 'critical'],
      ['clear', 'none'],
    ]);
  });
  it('downgrades to the highest level seen during the lower streak', () => {
    expect(run(['high', 'medium', 'low']).trace.at(-1)).toEqual(['downgrade', 'major']);
    expect(run(['high', 'low', 'medium']).trace.at(-1)).toEqual(['downgrade', 'major']);
    expect(run(['high', 'low-medium', 'low-medium']).trace.at(-1)).toEqual(['downgrade', 'minor']);
  });
  it('honours a configurable K', () => {
    const three = run(['medium', 'low', 'low', 'low'], 3).trace.map(([a]) => a);
    expect(three).toEqual(['raise', 'none', 'none', 'clear']);
    const one = run(['medium', 'low'], 1).trace.map(([a]) => a);
    expect(one).toEqual(['raise', 'clear']);
  });
  it('an escalation during a lower streak resets the streak', () => {
    const { state, trace } = run(['medium', 'low', 'high', 'low']);
    expect(trace.map(([a]) => a)).toEqual(['raise', 'none', 'escalate', 'none']);
    expect(state).toMatchObject({ level: 'critical', normalStreak: 1 });
  });
  it('keeps the time the level took effect while it holds', () => {
    const { state } = run(['high', 'high', 'low']);
    expect(state.since).toBe(1000);
  });
  it('a partial set can raise an alarm but never counts towards clearing one', () => {
    const raised = decideAlarm(INITIAL_ALARM_STATE, { band: 'high', partial: true }, { at: 0 });
    expect(raised.action).toBe('raise');
    let state = raised.next;
    for (let i = 1; i <= 3; i++) {
      const d = decideAlarm(state, { band: 'low', partial: true }, { at: i });
      expect(d.action).toBe('none');
      state = d.next;
    }
    expect(state).toMatchObject({ level: 'critical', normalStreak: 0 });
    state = decideAlarm(state, { band: 'low', partial: false }, { at: 4 }).next;
    expect(decideAlarm(state, { band: 'low', partial: false }, { at: 5 }).action).toBe('clear');
  });
  it('partial sets may count towards clearing when the deployment opts in', () => {
    const opts = { at: 1, downgradeOnPartial: true };
    const first = decideAlarm({ level: 'major', since: 0, normalStreak: 0 }, { band: 'low', partial: true }, opts);
    expect(decideAlarm(first.next, { band: 'low', partial: true }, opts).action).toBe('clear');
  });
  it('rejects a hysteresis below 1', () => {
    expect(() => decideAlarm(INITIAL_ALARM_STATE, { band: 'low' }, { at: 0, hysteresis: 0 })).toThrow(RangeError);
  });
});

describe('escalation of unacknowledged critical alarms', () => {
  const after = 10 * 60_000;
  it.each([
    ['critical, unacknowledged, past the limit', { level: 'critical', since: 0 }, after, true],
    ['critical, unacknowledged, not yet', { level: 'critical', since: 0 }, after - 1, false],
    ['critical but acknowledged', { level: 'critical', since: 0, acknowledgedAt: 5 }, after * 2, false],
    ['critical, already escalated', { level: 'critical', since: 0, escalatedAt: after }, after * 2, false],
    ['major, unacknowledged', { level: 'major', since: 0 }, after * 2, false],
  ] as const)('%s → %s', (_name, alarm, now, expected) => {
    expect(shouldEscalate(alarm, now, after)).toBe(expected);
  });
});

describe('events and technical alarms', () => {
  it('a fall is a critical clinical alarm at once', () => {
    expect(eventAlarm({ type: 'fall' })).toEqual({ kind: 'clinical', level: 'critical', reason: 'fall' });
  });
  it('device faults and low battery are technical, not clinical', () => {
    expect(eventAlarm({ type: 'fault' }).kind).toBe('technical');
    expect(eventAlarm({ type: 'battery-low' }).kind).toBe('technical');
  });
  it.each([
    [16, undefined, false],
    [15, undefined, true],
    [3, undefined, true],
    [25, 30, true],
    [Number.NaN, undefined, false],
  ])('battery %d%% with threshold %s is low: %s', (battery, threshold, expected) => {
    expect(batteryLow(battery, threshold)).toBe(expected);
  });
  it('flags implausible values and passes plausible ones', () => {
    expect(implausible('spo2', 35)).toBe(true);
    expect(implausible('spo2', 91)).toBe(false);
  });
  it('a device silent for longer than the timeout is offline', () => {
    expect(deviceOffline(0, 60_001, 60_000)).toBe(true);
    expect(deviceOffline(0, 60_000, 60_000)).toBe(false);
    expect(deviceOffline(null, 0, 60_000)).toBe(true);
  });
});
