import { describe, expect, it } from 'vitest';
import { countOpen, escalationOf, filterAlarms, mergeAlarm } from './alarms.ts';
import type { Alarm } from './types.ts';

const alarm = (over: Partial<Alarm>): Alarm => ({
  id: 'a1',
  source: 'patient:p1',
  type: 'news2',
  category: 'clinical',
  severity: 'major',
  state: 'active-unacknowledged',
  title: 'NEWS2 5 (medium)',
  detail: {},
  subject: 'p1',
  raisedAt: 1_000,
  updatedAt: 1_000,
  ...over,
});

describe('merging live alarm events', () => {
  it('adds an unknown alarm at the top', () => {
    const list = mergeAlarm([alarm({ id: 'old' })], alarm({ id: 'new' }));
    expect(list.map((a) => a.id)).toEqual(['new', 'old']);
  });

  it('replaces an alarm with its newer version', () => {
    const list = mergeAlarm([alarm({})], alarm({ state: 'active-acknowledged', updatedAt: 2_000, note: 'called patient' }));
    expect(list).toHaveLength(1);
    expect(list[0]!.state).toBe('active-acknowledged');
  });

  it('ignores an event older than what the list already shows', () => {
    const list = mergeAlarm([alarm({ state: 'cleared', updatedAt: 5_000 })], alarm({ updatedAt: 4_000 }));
    expect(list[0]!.state).toBe('cleared');
  });
});

describe('inbox filters and order', () => {
  const list = [
    alarm({ id: 'acked', state: 'active-acknowledged', severity: 'critical' }),
    alarm({ id: 'minor', severity: 'minor', raisedAt: 9_000 }),
    alarm({ id: 'critical', severity: 'critical', raisedAt: 2_000 }),
    alarm({ id: 'escalated', severity: 'major', escalatedAt: 3_000 }),
    alarm({ id: 'cleared', state: 'cleared' }),
  ];

  it('shows open alarms, escalated and unacknowledged first, then by severity', () => {
    expect(filterAlarms(list, 'open').map((a) => a.id)).toEqual(['escalated', 'critical', 'minor', 'acked']);
  });

  it.each([
    { f: 'unacknowledged', ids: ['escalated', 'critical', 'minor'] },
    { f: 'cleared', ids: ['cleared'] },
  ] as const)('filter $f keeps $ids', ({ f, ids }) => {
    expect(filterAlarms(list, f).map((a) => a.id)).toEqual(ids);
  });

  it('counts unacknowledged and critical unacknowledged alarms', () => {
    expect(countOpen(list)).toEqual({ unacknowledged: 3, critical: 1 });
  });
});

describe('escalation state', () => {
  it.each([
    { over: { escalatedAt: 5 }, kind: 'escalated' },
    { over: { escalateAt: 9 }, kind: 'due' },
    { over: { escalateAt: 9, state: 'active-acknowledged' as const }, kind: 'none' },
    { over: {}, kind: 'none' },
  ])('$over is $kind', ({ over, kind }) => {
    expect(escalationOf(alarm(over)).kind).toBe(kind);
  });
});
