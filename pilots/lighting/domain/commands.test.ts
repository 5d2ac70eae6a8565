import { describe, expect, it } from 'vitest';
import { aggregateGroupCommand, canTransition, effectiveLevel, isFinal, type CommandStatus } from './commands.ts';

describe('aggregateGroupCommand', () => {
  it.each<[string, CommandStatus[], 'pending' | 'done' | 'partial' | 'failed']>([
    ['an empty group has nothing outstanding', [], 'done'],
    ['everything still queued', ['queued', 'queued', 'queued'], 'pending'],
    ['one lamp not yet acknowledged keeps it pending', ['done', 'done', 'delivered'], 'pending'],
    ['a lamp in flight keeps it pending even after a failure', ['failed', 'sent'], 'pending'],
    ['every lamp done', ['done', 'done', 'done'], 'done'],
    ['some done, one failed', ['done', 'done', 'failed'], 'partial'],
    ['some done, one expired offline', ['done', 'expired'], 'partial'],
    ['none done: failed and expired', ['failed', 'expired', 'failed'], 'failed'],
  ])('%s -> %s', (_, statuses, state) => {
    const agg = aggregateGroupCommand(statuses);
    expect(agg.state).toBe(state);
    expect(agg.total).toBe(statuses.length);
    expect(Object.values(agg.byStatus).reduce((a, b) => a + b, 0)).toBe(statuses.length);
  });

  it('counts per status from a lampId -> status map', () => {
    const agg = aggregateGroupCommand({ 'lamp-1': 'done', 'lamp-2': 'failed', 'lamp-3': 'done', 'lamp-4': 'sent' });
    expect(agg.byStatus).toEqual({ queued: 0, sent: 1, delivered: 0, done: 2, failed: 1, expired: 0 });
    expect(agg.state).toBe('pending');
  });
});

describe('lamp command status transitions', () => {
  it.each<[CommandStatus, CommandStatus, boolean]>([
    ['queued', 'sent', true],
    ['sent', 'delivered', true],
    ['delivered', 'done', true],
    ['sent', 'done', true],
    ['queued', 'expired', true],
    ['delivered', 'failed', true],
    ['done', 'failed', false],
    ['expired', 'done', false],
    ['delivered', 'sent', false],
    ['queued', 'done', false],
  ])('%s -> %s allowed: %s', (from, to, ok) => {
    expect(canTransition(from, to)).toBe(ok);
  });

  it('done, failed and expired are final', () => {
    expect((['queued', 'sent', 'delivered', 'done', 'failed', 'expired'] as const).filter(isFinal)).toEqual([
      'done',
      'failed',
      'expired',
    ]);
  });
});

describe('effectiveLevel', () => {
  const until = Date.parse('2026-01-15T23:00:00Z');
  it.each([
    ['no override: the schedule', { scheduledLevel: 50 }, until - 1, { level: 50, source: 'schedule' }],
    ['override in force', { scheduledLevel: 50, override: { level: 100, until } }, until - 1, { level: 100, source: 'override', resumesAt: until }],
    ['override at its expiry instant: the schedule resumes', { scheduledLevel: 50, override: { level: 100, until } }, until, { level: 50, source: 'schedule' }],
    ['override long expired', { scheduledLevel: 0, override: { level: 100, until } }, until + 3_600_000, { level: 0, source: 'schedule' }],
    ['override until cleared', { scheduledLevel: 50, override: { level: 0, until: null } }, until + 86_400_000, { level: 0, source: 'override' }],
    ['cleared override (null)', { scheduledLevel: 30, override: null }, until, { level: 30, source: 'schedule' }],
  ])('%s', (_, input, now, expected) => {
    expect(effectiveLevel(input, now)).toEqual(expected);
  });
});
