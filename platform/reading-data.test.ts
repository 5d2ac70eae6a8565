import { describe, expect, it } from 'vitest';
import { storedPayload, storedReadingData } from './reading-data.ts';

describe('stored reading data', () => {
  it('round-trips: the payload comes back without the platform stamps', () => {
    const payload = { ts: 5, spo2: 97 };
    expect(storedPayload(storedReadingData(payload, { kind: 'pulse-oximeter', receivedAt: 9 }))).toEqual({ kind: 'pulse-oximeter', payload });
  });

  it.each([
    ['restamped clock flags are set aside', { ts: 5, spo2: 97, deviceTs: 99, clock: 'ahead', kind: 'k', receivedAt: 9 }, { kind: 'k', payload: { ts: 5, spo2: 97 } }],
    ['data without a kind', { ts: 5 }, { kind: null, payload: { ts: 5 } }],
    ['not an object', 'text', null],
    ['an array', [1], null],
    ['null', null, null],
  ])('%s', (_name, data, expected) => {
    expect(storedPayload(data)).toEqual(expected);
  });
});
