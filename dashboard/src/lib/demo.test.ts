import { describe, expect, it } from 'vitest';
import { demoElapsed, deteriorationProgress, speedAt, speedLabel, type SpeedChange } from './demo.ts';

const MIN = 60_000;
const T0 = 1_000_000;
// Started at 1×, 60× from T0 + 10 min, 30× from T0 + 11 min.
const CHANGES: SpeedChange[] = [
  { at: T0, speed: 1 },
  { at: T0 + 10 * MIN, speed: 60 },
  { at: T0 + 11 * MIN, speed: 30 },
];

describe('demo time across speed changes', () => {
  it.each([
    [T0 - 1, 1],
    [T0 + 5 * MIN, 1],
    [T0 + 10 * MIN, 60],
    [T0 + 10.5 * MIN, 60],
    [T0 + 20 * MIN, 30],
  ])('speed at %i is %d', (at, speed) => {
    expect(speedAt(CHANGES, at)).toBe(speed);
  });

  it.each([
    // from, to, demo ms
    [T0, T0, 0],
    [T0 + MIN, T0, 0],
    [T0, T0 + 10 * MIN, 10 * MIN],
    [T0 + 10 * MIN, T0 + 11 * MIN, 60 * MIN],
    [T0 + 9 * MIN, T0 + 12 * MIN, MIN + 60 * MIN + 30 * MIN],
    [T0 + 11 * MIN, T0 + 11.5 * MIN, 15 * MIN],
  ])('from %i to %i: %i demo ms', (from, to, ms) => {
    expect(demoElapsed(CHANGES, from, to)).toBe(ms);
  });
});

describe('deterioration progress', () => {
  const state = { changes: CHANGES, deteriorationMs: 30 * MIN };
  it.each([
    // started, now, fraction, real ms to go
    [T0 + 11 * MIN, T0 + 11 * MIN, 0, 60_000],
    [T0 + 11 * MIN, T0 + 11.5 * MIN, 0.5, 30_000],
    [T0 + 9.5 * MIN, T0 + 10.25 * MIN, (0.5 * MIN + 15 * MIN) / (30 * MIN), (30 - 15.5) * MIN / 60],
    [T0 + 11 * MIN, T0 + 30 * MIN, 1, 0],
    [T0, T0 + 5 * MIN, 5 / 30, 25 * MIN],
  ])('started %i, now %i: %d done, %i ms to go', (start, now, fraction, remaining) => {
    const p = deteriorationProgress(state, start, now);
    expect(p.fraction).toBeCloseTo(fraction, 6);
    expect(p.remainingMs).toBeCloseTo(remaining, 3);
  });

  it('names the speed', () => {
    expect([speedLabel(60), speedLabel(1), speedLabel(0.5)]).toEqual(['60×', '1×', '0.5×']);
    expect(speedLabel(0.5, 'it-IT')).toBe('0,5×');
  });
});
