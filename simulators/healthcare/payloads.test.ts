import { describe, expect, it } from 'vitest';
import { DEVICE_KINDS, parseTelemetry, eventPayload, REPORT_INTERVAL_MS } from '../../pilots/healthcare/domain/vitals.ts';
import { SCENARIOS as PILOT_SCENARIOS } from '../../pilots/healthcare/model.ts';
import {
  batteryLowEvent,
  fallEvent,
  HEALTHCARE_SCENARIOS,
  nextBattery,
  scenarioNamed,
  telemetryPayload,
  type HubState,
} from './payloads.ts';
import { CONDITIONS, createPatientModel } from './physiology.ts';

const HUB: HubState = { battery: 97, connectivity: 'wifi', trend: 'steady', consciousness: 'A', onOxygen: false };
const T0 = Date.parse('2026-03-01T00:00:00Z');

describe('healthcare payloads', () => {
  it.each(CONDITIONS)('a %s patient yields schema-valid payloads of every kind over two simulated days, deterioration included', (condition) => {
    const model = createPatientModel({ seed: `payloads-${condition}`, condition, now: T0 });
    const step = 10 * 60_000;
    for (let i = 1; i <= 288; i++) {
      const at = T0 + i * step;
      if (i === 200) model.inject('deterioration', { overMs: 6 * 3_600_000, at });
      if (i % 50 === 0) model.inject('implausible');
      const v = model.step(step, at);
      for (const kind of DEVICE_KINDS) {
        const parsed = parseTelemetry(kind, telemetryPayload(kind, v, at, HUB));
        expect(parsed.success, `${kind} at step ${i}: ${parsed.error?.message}`).toBe(true);
      }
    }
  });

  it('every NEWS2 parameter comes from some kind at least twice an hour', () => {
    // respiratory rate (wearable), SpO2 (oximeter), temperature, systolic, ACVPU and oxygen (hub)
    for (const kind of ['wearable', 'pulse-oximeter', 'thermometer', 'bp-cuff', 'home-hub'] as const) {
      expect(REPORT_INTERVAL_MS[kind]).toBeLessThanOrEqual(30 * 60_000);
    }
  });

  it.each([
    { state: { battery: 97, trend: 'steady' as const }, expected: { trend: 'steady' }, range: [95, 100] },
    { state: { battery: 14, trend: 'draining' as const }, expected: { battery: 13, trend: 'draining' }, range: [13, 13] },
    { state: { battery: 3, trend: 'draining' as const }, expected: { battery: 3, trend: 'draining' }, range: [3, 3] },
    { state: { battery: 50, trend: 'charging' as const }, expected: { battery: 60, trend: 'charging' }, range: [60, 60] },
    { state: { battery: 95, trend: 'charging' as const }, expected: { battery: 100, trend: 'steady' }, range: [100, 100] },
  ])('battery $state.battery % while $state.trend moves as expected', ({ state, expected, range }) => {
    const next = nextBattery(state, () => 0.9);
    expect(next).toMatchObject(expected);
    expect(next.battery).toBeGreaterThanOrEqual(range[0]!);
    expect(next.battery).toBeLessThanOrEqual(range[1]!);
  });

  it('fall and battery-low events pass the pilot\'s event schema', () => {
    for (const e of [fallEvent(T0, 'wearable'), fallEvent(T0, 'home-hub'), batteryLowEvent(T0, 12)]) {
      expect(eventPayload.safeParse(e).success).toBe(true);
    }
  });

  it('knows every scenario the pilot can send, and the stdin aliases', () => {
    expect([...HEALTHCARE_SCENARIOS].sort()).toEqual([...PILOT_SCENARIOS].sort());
    expect(PILOT_SCENARIOS.map(scenarioNamed)).toEqual([...PILOT_SCENARIOS]);
    expect(['deteriorate', 'restore', 'battery', 'nonsense'].map(scenarioNamed)).toEqual(['deterioration', 'recover', 'battery-low', null]);
  });
});
