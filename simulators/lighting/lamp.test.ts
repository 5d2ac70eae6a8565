import { describe, expect, it } from 'vitest';
import { expectedPower } from '../../pilots/lighting/domain/power.ts';
import { lampTelemetrySchema, type LampModel, type LightingCommand } from '../../pilots/lighting/domain/model.ts';
import { advance, applySwitch, initialLamp, lampTelemetry, measure, overheatEvent, type LampState } from './lamp.ts';
import { mulberry32, type LampFault } from './physics.ts';

const led60: LampModel = {
  id: 'led-60',
  name: 'LED 60 W',
  lampTechnology: 'LED',
  powerRating: 60,
  driverLoss: 4,
  standbyPower: 0.5,
  minDimLevel: 10,
  luminousFlux: 8_400,
  maxDriverTemperature: 85,
};
const T0 = Date.parse('2026-01-15T18:00:00Z');
const H = 3_600_000;

describe('lamp node state', () => {
  it.each([
    { fault: null, command: { action: 'dim', level: 50 }, status: 'done', dimLevel: 50, level: 50 },
    { fault: null, command: { action: 'on' }, status: 'done', dimLevel: 100, level: 100 },
    { fault: null, command: { action: 'dim', level: 5 }, status: 'done', dimLevel: 10, level: 10 },
    { fault: null, command: { action: 'off', level: 0 }, status: 'done', dimLevel: 0, level: 0 },
    { fault: 'dayBurner', command: { action: 'off' }, status: 'done', dimLevel: 100, level: 100 },
    { fault: 'failed', command: { action: 'on', level: 80 }, status: 'failed', dimLevel: 80, level: null },
    { fault: 'failed', command: { action: 'off' }, status: 'done', dimLevel: 0, level: 0 },
  ] as { fault: LampFault | null; command: LightingCommand; status: string; dimLevel: number; level: number | null }[])(
    'with fault $fault, switch $command.action $command.level → $status at $dimLevel %',
    ({ fault, command, status, dimLevel, level }) => {
      const rng = mulberry32(1);
      const s0 = { ...initialLamp(led60, { at: T0, rng }), fault };
      const { state, outcome } = applySwitch(s0, command, led60, T0 + 1000, rng, true);
      expect(outcome.status).toBe(status);
      expect(state.electrical.dimLevel).toBe(dimLevel);
      if (level !== null) {
        const expected = expectedPower(led60, level);
        expect(Math.abs(state.electrical.activePower - expected)).toBeLessThanOrEqual(expected * 0.02 + 0.05);
      } else {
        expect(state.electrical.activePower).toBeLessThan(3.1); // a dead LED string behind a live driver
      }
      expect(lampTelemetrySchema.safeParse(lampTelemetry(state, T0)).success).toBe(true);
    },
  );

  it('counts burning hours only while lit, and a switching cycle each time the light comes on', () => {
    const rng = mulberry32(2);
    let s = initialLamp(led60, { at: T0, rng, burningHours: 100, switchCount: 7 });
    s = applySwitch(s, { action: 'on' }, led60, T0, rng, true).state; // cycle 8
    s = measure(s, led60, T0 + 2 * H, rng, true);
    s = applySwitch(s, { action: 'dim', level: 40 }, led60, T0 + 2 * H, rng, true).state; // still lit: no cycle
    s = applySwitch(s, { action: 'off' }, led60, T0 + 3 * H, rng, true).state;
    s = advance(s, T0 + 10 * H); // dark for 7 h
    s = applySwitch(s, { action: 'on' }, led60, T0 + 10 * H, rng, true).state; // cycle 9
    expect(s.burningHours).toBeCloseTo(103, 6);
    expect(s.switchCount).toBe(9);
  });

  it('without mains the lamp is dark and draws nothing, whatever it was told', () => {
    const rng = mulberry32(3);
    const s = applySwitch(initialLamp(led60, { at: T0, rng }), { action: 'on' }, led60, T0, rng, false).state;
    expect(s.electrical).toMatchObject({ dimLevel: 0, activePower: 0, voltage: 0 });
  });

  it('a driver fault overheats the driver and yields one fault event, not one per reading', () => {
    const rng = mulberry32(4);
    let s: LampState = { ...initialLamp(led60, { at: T0, rng }), fault: 'driverFault' };
    s = applySwitch(s, { action: 'on' }, led60, T0, rng, true).state;
    expect(s.electrical.activePower).toBeGreaterThan(expectedPower(led60, 100) * 1.3);
    const first = overheatEvent(s, led60, T0);
    expect(first.event).toMatchObject({ type: 'fault', detail: expect.stringContaining('over temperature') });
    expect(overheatEvent(first.state, led60, T0 + 60_000).event).toBeNull();
  });
});
