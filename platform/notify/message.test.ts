import { describe, expect, it } from 'vitest';
import type { Alarm } from '../services/alarms.ts';
import { mailOf, matches, messageOf, retryDelayMs, subscriptionCreateSchema, type AlarmNotice, type Subscription } from './message.ts';

const alarm: Alarm = {
  id: '6f1c1c36-8f0e-4d43-9a43-3b8f6a1f0d11',
  source: 'patient:p-1',
  type: 'news2-high',
  category: 'clinical',
  severity: 'critical',
  state: 'active-unacknowledged',
  title: 'NEWS2 high',
  detail: { score: 9, spo2: 88 },
  subject: 'b0e4b3a8-3c1e-4d5f-8a11-5f0c2d9e7a10',
  raisedAt: 1,
  updatedAt: 1,
  pilot: 'healthcare',
};
const sub = (over: Partial<Subscription> = {}): Subscription => ({
  id: 's1',
  channel: 'webhook',
  name: 'on-call',
  events: [],
  severities: [],
  pilots: [],
  include: [],
  enabled: true,
  url: 'https://example.org/',
  secret: 'x',
  createdAt: 0,
  updatedAt: 0,
  ...over,
});
const notice = (over: Partial<AlarmNotice> = {}): AlarmNotice => ({ event: 'escalated', reason: 'unacknowledged', alarm, at: 1_800_000_000_000, ...over });

describe('notification subscriptions', () => {
  it.each([
    ['no filters', sub(), notice(), true],
    ['disabled', sub({ enabled: false }), notice(), false],
    ['event listed', sub({ events: ['escalated'] }), notice(), true],
    ['event not listed', sub({ events: ['raised', 'resolved'] }), notice(), false],
    ['severity listed', sub({ severities: ['critical'] }), notice(), true],
    ['severity not listed', sub({ severities: ['minor', 'major'] }), notice(), false],
    ['pilot listed', sub({ pilots: ['healthcare'] }), notice(), true],
    ['pilot not listed', sub({ pilots: ['lighting'] }), notice(), false],
    ['pilot filter, platform alarm', sub({ pilots: ['healthcare'] }), notice({ alarm: { ...alarm, pilot: undefined } as Alarm }), false],
  ])('%s', (_what, s, n, expected) => {
    expect(matches(s, n)).toBe(expected);
  });

  it('sends by default the alarm id, severity, pilot, subject id and a link, never its detail or title', () => {
    const m = messageOf(sub(), notice(), 'tenant-a', 'https://care.example.org/', 'd-1');
    expect(m).toEqual({
      id: 'd-1',
      event: 'alarm.escalated',
      occurredAt: '2027-01-15T08:00:00.000Z',
      tenant: 'tenant-a',
      alarm: { id: alarm.id, severity: 'critical', state: 'active-unacknowledged', pilot: 'healthcare', subject: alarm.subject, reason: 'unacknowledged', link: `https://care.example.org/api/v1/alarms/${alarm.id}` },
    });
    expect(JSON.stringify(m)).not.toMatch(/spo2|score|NEWS2/);
  });

  it('adds only the fields the subscription includes', () => {
    const m = messageOf(sub({ include: ['type', 'title'] }), notice(), 't', 'http://x', 'd');
    expect(m.alarm.type).toBe('news2-high');
    expect(m.alarm.title).toBe('NEWS2 high');
    expect(m.alarm).not.toHaveProperty('category');
    expect(mailOf(m).text).toContain(alarm.id);
    expect(mailOf(m).subject).toBe('[Custodia] critical alarm escalated (healthcare)');
  });

  it('validates what a tenant-admin sends', () => {
    expect(subscriptionCreateSchema.safeParse({ channel: 'webhook', name: 'x', url: 'https://example.org/h' }).success).toBe(true);
    expect(subscriptionCreateSchema.safeParse({ channel: 'email', name: 'x', to: ['not-an-address'] }).success).toBe(false);
    expect(subscriptionCreateSchema.safeParse({ channel: 'webhook', name: 'x', url: 'https://example.org/h', events: ['exploded'] }).success).toBe(false);
    expect(subscriptionCreateSchema.safeParse({ channel: 'webhook', name: 'x', url: 'https://example.org/h', secret: 'mine' }).success).toBe(false);
  });

  it.each([
    [1, 1000, 1000],
    [2, 1000, 2000],
    [3, 1000, 4000],
    [6, 1000, 32_000],
    [40, 1000, 3_600_000],
  ])('retry after attempt %i with base %i waits %i ms', (attempt, base, expected) => {
    expect(retryDelayMs(attempt, base)).toBe(expected);
  });
});
