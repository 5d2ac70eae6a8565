import { describe, expect, it } from 'vitest';
import type { Command } from '../../platform/services/commands.ts';
import { batchStatus, commandForLevel, commandOfRequest, commandRequestSchema, coversLamps, fanOut, historyQuery, lampHistoryEntry } from './commands.ts';

describe('commandRequestSchema', () => {
  const cases: [string, unknown, boolean][] = [
    ['dim a group to 40 %', { target: { groupId: 'grp-01' }, action: 'dim', level: 40 }, true],
    ['switch a lamp on with a one-hour hold', { target: { lampId: 'l-1' }, action: 'on', overrideMinutes: 60 }, true],
    ['switch a cabinet off', { target: { cabinetId: 'c-1' }, action: 'off' }, true],
    ['dim without a level', { target: { groupId: 'grp-01' }, action: 'dim' }, false],
    ['off with a level', { target: { groupId: 'grp-01' }, action: 'off', level: 30 }, false],
    ['on with level 0', { target: { groupId: 'grp-01' }, action: 'on', level: 0 }, false],
    ['two targets at once', { target: { groupId: 'g', lampId: 'l' }, action: 'on' }, false],
    ['an unknown field', { target: { groupId: 'g' }, action: 'on', tenant: 'tenant-b' }, false],
    ['a level above 100', { target: { groupId: 'g' }, action: 'dim', level: 140 }, false],
    ['a hold longer than a week', { target: { groupId: 'g' }, action: 'dim', level: 20, overrideMinutes: 20_000 }, false],
  ];
  for (const [name, input, ok] of cases) {
    it(`${ok ? 'accepts' : 'refuses'} ${name}`, () => {
      expect(commandRequestSchema.safeParse(input).success).toBe(ok);
    });
  }
});

describe('device payloads', () => {
  it.each([
    [0, { action: 'off', level: 0 }],
    [50, { action: 'dim', level: 50 }],
    [100, { action: 'on', level: 100 }],
  ])('a scheduled level of %i becomes %o', (level, payload) => {
    expect(commandForLevel(level)).toEqual(payload);
  });

  it('on without a level means full output', () => {
    expect(commandOfRequest({ action: 'on' })).toEqual({ action: 'on', level: 100 });
  });
});

const cmd = (deviceId: string, status: Command['status']): Command => ({
  id: `c-${deviceId}`,
  deviceId,
  name: 'switch',
  payload: { action: 'dim', level: 40 },
  status,
  batchId: 'b1',
  createdBy: 'user:op',
  createdAt: 10,
  updatedAt: 20,
  expiresAt: 1000,
  history: [],
});

describe('batchStatus', () => {
  it('lists per-lamp statuses and aggregates them; the platform’s accepted counts as delivered', () => {
    const s = batchStatus('b1', [cmd('l2', 'done'), cmd('l1', 'accepted'), cmd('l3', 'queued')])!;
    expect(s.lamps.map((l) => [l.lampId, l.status])).toEqual([
      ['l1', 'delivered'],
      ['l2', 'done'],
      ['l3', 'queued'],
    ]);
    expect(s.aggregate.state).toBe('pending');
    expect(s.aggregate.byStatus.delivered).toBe(1);
  });

  it('is done when every lamp is done, partial when some expired', () => {
    expect(batchStatus('b1', [cmd('l1', 'done'), cmd('l2', 'done')])!.aggregate.state).toBe('done');
    expect(batchStatus('b1', [cmd('l1', 'done'), cmd('l2', 'expired')])!.aggregate.state).toBe('partial');
  });

  it('an unknown batch is null', () => {
    expect(batchStatus('nope', [])).toBeNull();
  });
});

describe('fanOut', () => {
  it('creates one switch command per lamp sharing one batch id', async () => {
    const created: { deviceId: string; batchId?: string | null; payload: Record<string, unknown> }[] = [];
    const sink = { create: async (input: (typeof created)[number]) => (created.push(input), cmd(input.deviceId, 'queued')) };
    const { batchId, commands } = await fanOut(sink as never, ['l1', 'l2', 'l3'], { action: 'dim', level: 30 }, 60_000);
    expect(commands).toHaveLength(3);
    expect(new Set(created.map((c) => c.batchId))).toEqual(new Set([batchId]));
    expect(created[0]?.payload).toEqual({ action: 'dim', level: 30 });
  });
});

describe('command history', () => {
  it.each([
    ['every lamp of the group reached', ['l1', 'l2'], ['l1', 'l2'], true],
    ['a wider batch (a cabinet) that covered the group', ['l1', 'l2', 'l3'], ['l1', 'l2'], true],
    ['one lamp of the group only', ['l1'], ['l1', 'l2'], false],
    ['a group with no lamps', ['l1'], [], false],
  ])('a batch where %s: %s', (_name, reached, group, covers) => {
    expect(coversLamps({ lamps: reached.map((lampId) => ({ lampId, commandId: lampId, status: 'done', updatedAt: 0 })) }, group)).toBe(covers);
  });

  it('a lamp’s entry keeps what was asked and how far it got, accepted as delivered', () => {
    expect(lampHistoryEntry(cmd('l1', 'accepted'))).toEqual({ commandId: 'c-l1', batchId: 'b1', name: 'switch', payload: { action: 'dim', level: 40 }, status: 'delivered', createdAt: 10, updatedAt: 20, createdBy: 'user:op' });
  });

  it.each([
    [{ lampId: 'l1' }, true],
    [{ groupId: 'g1', limit: '5', offset: '10' }, true],
    [{}, false],
    [{ lampId: 'l1', groupId: 'g1' }, false],
    [{ lampId: 'l1', limit: '0' }, false],
    [{ lampId: 'l1', offset: '-1' }, false],
    [{ lampId: 'l/1' }, false],
    [{ lampId: 'l1', tenantId: 't' }, false],
  ])('the history query %o is %s', (q, ok) => {
    expect(historyQuery.safeParse(q).success).toBe(ok);
  });
});
