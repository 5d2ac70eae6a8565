import { describe, expect, it } from 'vitest';
import type { Obligations } from './agreements.ts';
import { effectiveObligations, isShareableAggregate, operationAllowed, screenAggregates } from './sharing-floors.ts';

const hostile: Obligations = { aggregationOnly: false, minGroupSize: 1, retentionDays: 3650, requireConsent: false };

describe('sharing floors no agreement can lower', () => {
  it.each([
    ['health', 5, { aggregationOnly: true, minGroupSize: 5, requireConsent: true }],
    ['personal', 5, { aggregationOnly: true, minGroupSize: 5, requireConsent: true }],
    ['health', 8, { aggregationOnly: true, minGroupSize: 8, requireConsent: true }],
    ['health', 1, { aggregationOnly: true, minGroupSize: 5, requireConsent: true }],
    [undefined, 5, { aggregationOnly: true, minGroupSize: 5, requireConsent: true }],
    ['non-personal', 5, { aggregationOnly: false, minGroupSize: 1, requireConsent: false }],
  ] as const)('a hostile agreement on a %s category with floor %i is raised to %o', (sensitivity, floor, expected) => {
    expect(effectiveObligations(hostile, sensitivity, floor)).toMatchObject({ ...expected, retentionDays: 3650 });
  });

  it('an agreement stricter than the floor keeps its own terms', () => {
    expect(effectiveObligations({ ...hostile, minGroupSize: 20 }, 'health', 5).minGroupSize).toBe(20);
  });

  it.each([
    ['aggregate', 'health', true],
    ['read', 'health', false],
    ['read', 'personal', false],
    ['read', undefined, false],
    ['read', 'non-personal', true],
  ] as const)('operation %s on a %s category allowed: %s', (op, sensitivity, allowed) => {
    expect(operationAllowed(op, sensitivity)).toBe(allowed);
  });

  it.each([
    ['an aggregate row', { group: 'copd', subjects: 6, news2Mean: 3.2, spo2Mean: null }, true],
    ['an age band', { group: '70-79', subjects: 5, highBandShare: 0.2 }, true],
    ['a group below the minimum', { group: 'copd', subjects: 4, news2Mean: 3 }, false],
    ['no subject count', { group: 'copd', news2Mean: 3 }, false],
    ['a fractional subject count', { group: 'copd', subjects: 5.5 }, false],
    ['a patient id as group', { group: '7f1c9a4e-1b2c-4d5e-8f90-123456789abc', subjects: 5 }, false],
    ['a national number as group', { group: 'nhs 9434765919', subjects: 5 }, false],
    ['free text', { group: 'copd', subjects: 5, note: 'Mrs Testcase felt dizzy' }, false],
    ['a prose group', { group: 'patients living on Elm Street near the old mill', subjects: 5 }, false],
    ['a nested record', { group: 'copd', subjects: 5, patient: { id: 'p-1' } }, false],
    ['a list of ids', { group: 'copd', subjects: 5, ids: ['p-1'] }, false],
    ['an infinite value', { group: 'copd', subjects: 5, mean: Infinity }, false],
    ['a bare string', 'p-1', false],
  ])('%s: shareable %s', (_what, row, ok) => {
    expect(isShareableAggregate(row, 5)).toBe(ok);
  });

  it('screening keeps only the shareable rows and recounts the subjects', () => {
    const out = screenAggregates([{ group: 'copd', subjects: 6 }, { group: 'hf', subjects: 1 }, { group: 'x', subjects: 9, name: 'Synthia' }], 5);
    expect(out).toEqual({ rows: [{ group: 'copd', subjects: 6 }], withheld: 2, subjects: 6 });
  });
});
