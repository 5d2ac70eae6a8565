import { describe, expect, it } from 'vitest';
import { storedTelemetry, telemetryRows } from './stored.ts';

describe('stored telemetry read back', () => {
  it.each([
    ['as ingest stored it: the stamps set aside', { ts: 5, spo2: 97, heartRate: 70, kind: 'pulse-oximeter', receivedAt: 6 }, undefined, { ts: 5, spo2: 97, heartRate: 70 }],
    ['restamped: the clock flags set aside too', { ts: 5, spo2: 97, heartRate: 70, deviceTs: 9e12, clock: 'ahead', kind: 'pulse-oximeter', receivedAt: 5 }, undefined, { ts: 5, spo2: 97, heartRate: 70 }],
    ['no stored kind: the device kind given', { ts: 5, temperature: 37.1 }, 'thermometer', { ts: 5, temperature: 37.1 }],
    ['a kind of another pilot', { ts: 5, dimLevel: 40, kind: 'lamp', receivedAt: 6 }, undefined, null],
    ['data its kind refuses', { ts: 5, spo2: 'high', heartRate: 70, kind: 'pulse-oximeter', receivedAt: 6 }, undefined, null],
    ['a field its kind does not know', { ts: 5, spo2: 97, heartRate: 70, extra: 1, kind: 'pulse-oximeter', receivedAt: 6 }, undefined, null],
    ['not an object', 'text', 'thermometer', null],
  ])('%s', (_name, data, kind, expected) => {
    expect(storedTelemetry(data, kind)).toEqual(expected);
  });

  it('rows keep what parses, typed, in order', () => {
    const rows = [
      { id: 'a', ts: 1, data: { ts: 1, temperature: 37, kind: 'thermometer', receivedAt: 1 } },
      { id: 'b', ts: 2, data: { nonsense: true } },
      { id: 'c', ts: 3, data: { ts: 3, temperature: 38, kind: 'thermometer', receivedAt: 3 } },
    ];
    expect(telemetryRows(rows).map((r) => [r.id, 'temperature' in r.data ? r.data.temperature : null])).toEqual([['a', 37], ['c', 38]]);
  });
});
