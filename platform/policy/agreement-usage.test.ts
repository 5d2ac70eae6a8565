import { describe, expect, it } from 'vitest';
import { agreementUsage, type SharingAccessEntry } from './agreement-usage.ts';

const ID = '00000000-0000-4000-8000-000000000001';
const access = (ts: number, outcome: string, details: Record<string, unknown>, target = `agreement:${ID}`): SharingAccessEntry => ({
  ts,
  action: 'sharing.access',
  target,
  outcome,
  details: JSON.stringify({ operation: 'aggregate', purpose: 'research', ...details }),
});

describe('agreementUsage', () => {
  it.each([
    { name: 'no entries', entries: [], want: { requests: 0, allowed: 0, refused: 0, rows: 0, firstAt: null, lastAt: null } },
    {
      name: 'allowed and refused requests, rows counted for allowed ones only',
      entries: [
        access(100, 'success', { category: 'healthcare.vitals', rows: 12, subjects: 40, suppressed: 1 }),
        access(300, 'denied', { category: 'healthcare.vitals', reason: 'purpose' }),
        access(200, 'success', { category: 'lighting.energy', rows: 3, subjects: 0, suppressed: 0 }),
      ],
      want: { requests: 3, allowed: 2, refused: 1, rows: 15, firstAt: 100, lastAt: 300 },
    },
    {
      name: 'entries of another agreement or another action are not this one',
      entries: [
        access(100, 'success', { category: 'healthcare.vitals', rows: 5 }, 'agreement:00000000-0000-4000-8000-000000000002'),
        { ts: 150, action: 'agreement.sign', target: `agreement:${ID}`, outcome: 'success', details: '{}' },
        access(200, 'success', { category: 'healthcare.vitals', rows: 7 }),
      ],
      want: { requests: 1, allowed: 1, refused: 0, rows: 7, firstAt: 200, lastAt: 200 },
    },
  ])('$name', ({ entries, want }) => {
    expect(agreementUsage(ID, entries)).toMatchObject({ agreementId: ID, ...want });
  });

  it('groups by category and lists the newest accesses first, bounded', () => {
    const entries = [
      access(100, 'success', { category: 'healthcare.vitals', rows: 2 }),
      access(200, 'denied', { category: 'healthcare.vitals', reason: 'signature' }),
      access(300, 'success', { category: 'healthcare.alarms', rows: 1 }),
    ];
    const u = agreementUsage(ID, entries, 2);
    expect(u.byCategory).toEqual([
      { category: 'healthcare.alarms', requests: 1, allowed: 1, rows: 1 },
      { category: 'healthcare.vitals', requests: 2, allowed: 1, rows: 2 },
    ]);
    expect(u.recent.map((a) => [a.at, a.outcome, a.reason])).toEqual([
      [300, 'success', undefined],
      [200, 'denied', 'signature'],
    ]);
  });

  it('ignores details of the wrong type or unreadable details instead of counting them', () => {
    const u = agreementUsage(ID, [access(1, 'success', { category: 'healthcare.vitals', rows: '9' }), { ...access(2, 'success', {}), details: 'not json' }]);
    expect(u.rows).toBe(0);
    expect(u.requests).toBe(2);
    expect(u.recent.map((a) => a.rows)).toEqual([undefined, undefined]);
  });
});
