import { describe, expect, it } from 'vitest';
import { pm25Verdict } from './rules.ts';

describe('pm25Verdict', () => {
  it.each([
    [10, 'clear'],
    [35, 'clear'],
    [35.1, 'raise'],
    [300, 'raise'],
  ] as const)('pm25 %d against 35 → %s', (pm25, verdict) => {
    expect(pm25Verdict(pm25, 35)).toBe(verdict);
  });
});
