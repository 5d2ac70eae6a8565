import { describe, expect, it } from 'vitest';
import { energyQuery, provisionInput, toInstant } from './handlers.ts';
import { resolveOptions } from './options.ts';

describe('toInstant: time bounds of the energy, meter and readings queries', () => {
  const TZ = 'Europe/Madrid';
  const cases: [string, 'from' | 'to', number][] = [
    ['2026-01-15', 'from', Date.UTC(2026, 0, 14, 23, 0)], // local midnight, UTC+1 in winter
    ['2026-01-15', 'to', Date.UTC(2026, 0, 15, 23, 0)], // the day is included whole
    ['2026-07-15', 'from', Date.UTC(2026, 6, 14, 22, 0)], // summer time, UTC+2
    ['1768514400000', 'from', 1_768_514_400_000],
    ['2026-01-15T12:00:00Z', 'to', Date.UTC(2026, 0, 15, 12, 0)],
  ];
  for (const [value, edge, expected] of cases) {
    it(`${value} as ${edge} is ${new Date(expected).toISOString()}`, () => {
      expect(toInstant(value, TZ, edge)).toBe(expected);
    });
  }

  it('a day that does not exist is a bad request, not a shifted date', () => {
    expect(() => toInstant('2026-02-30', TZ, 'from')).toThrow(/no such calendar day/);
  });
});

describe('query and body validation', () => {
  it('energy defaults to groups per day and refuses unknown fields', () => {
    expect(energyQuery.parse({})).toEqual({ by: 'group', period: 'day' });
    expect(energyQuery.safeParse({ by: 'group', tenant: 'tenant-b' }).success).toBe(false);
  });

  it('provisioning needs an explicit size', () => {
    expect(provisionInput.safeParse({}).success).toBe(false);
    expect(provisionInput.parse({ lamps: 24 })).toEqual({ lamps: 24, seed: 42 });
  });
});

describe('resolveOptions', () => {
  it('fills the production defaults', () => {
    expect(resolveOptions()).toMatchObject({ tickMs: 15_000, reportIntervalMs: 60_000, commsLossIntervals: 3 });
  });

  it.each([{ tickMs: 0 }, { reportIntervalMs: -1 }, { recentReadings: 1 }, { commsLossIntervals: 1.5 }])('refuses %o', (bad) => {
    expect(() => resolveOptions(bad)).toThrow(RangeError);
  });
});
