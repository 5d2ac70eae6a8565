// Alarm lists as an inbox shows them: live events merged by id (the newest version wins), the
// unacknowledged and most severe first, and the escalation state spelled out.
import type { Alarm, AlarmState, Severity } from './types.ts';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, minor: 1, major: 2, critical: 3 };

export const SEVERITY_LABEL: Record<Severity, string> = {
  info: 'Info',
  minor: 'Minor',
  major: 'Major',
  critical: 'Critical',
};

export const STATE_LABEL: Record<AlarmState, string> = {
  'active-unacknowledged': 'Unacknowledged',
  'active-acknowledged': 'Acknowledged',
  cleared: 'Cleared',
};

/** Merges one alarm event into a list: replaces the same id only with a newer version. */
export function mergeAlarm(list: readonly Alarm[], alarm: Alarm): Alarm[] {
  const i = list.findIndex((a) => a.id === alarm.id);
  if (i < 0) return [alarm, ...list];
  if (list[i]!.updatedAt > alarm.updatedAt) return [...list];
  const next = [...list];
  next[i] = alarm;
  return next;
}

const stateRank = (s: AlarmState) => (s === 'active-unacknowledged' ? 2 : s === 'active-acknowledged' ? 1 : 0);

/** Inbox order: unacknowledged first, then acknowledged, then cleared; within each, escalated
 *  first, then by severity, then newest first. */
export function inboxOrder(a: Alarm, b: Alarm): number {
  return (
    stateRank(b.state) - stateRank(a.state) ||
    Number(Boolean(b.escalatedAt)) - Number(Boolean(a.escalatedAt)) ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    b.raisedAt - a.raisedAt
  );
}

export type InboxFilter = 'open' | 'unacknowledged' | 'cleared' | 'all';

export function filterAlarms(list: readonly Alarm[], f: InboxFilter): Alarm[] {
  const keep = (a: Alarm) =>
    f === 'all' ||
    (f === 'open' && a.state !== 'cleared') ||
    (f === 'unacknowledged' && a.state === 'active-unacknowledged') ||
    (f === 'cleared' && a.state === 'cleared');
  return list.filter(keep).sort(inboxOrder);
}

export type Escalation =
  | { kind: 'escalated'; at: number }
  | { kind: 'due'; at: number }
  | { kind: 'none' };

/** Where an alarm stands on its escalation: escalated (when), due (deadline), or none. */
export function escalationOf(a: Alarm): Escalation {
  if (a.escalatedAt) return { kind: 'escalated', at: a.escalatedAt };
  if (a.escalateAt && a.state === 'active-unacknowledged') return { kind: 'due', at: a.escalateAt };
  return { kind: 'none' };
}

export function countOpen(list: readonly Alarm[]): { unacknowledged: number; critical: number } {
  let unacknowledged = 0;
  let critical = 0;
  for (const a of list) {
    if (a.state === 'active-unacknowledged') {
      unacknowledged++;
      if (a.severity === 'critical') critical++;
    }
  }
  return { unacknowledged, critical };
}
