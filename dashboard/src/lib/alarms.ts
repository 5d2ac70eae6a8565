// Alarm lists as an inbox shows them: live events merged by id (the newest version wins), the
// unacknowledged and most severe first, and the escalation state spelled out.
import type { T } from '../i18n/index.tsx';
import { known } from '../i18n/translate.ts';
import { titleCase } from './format.ts';
import type { Alarm, AlarmState, Severity } from './types.ts';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, minor: 1, major: 2, critical: 3 };

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

/** Inbox filters by state; `resolved` holds every cleared alarm, by hand or by the condition. */
export type InboxFilter = 'open' | 'unacknowledged' | 'acknowledged' | 'resolved' | 'all';

export function filterAlarms(list: readonly Alarm[], f: InboxFilter): Alarm[] {
  const keep = (a: Alarm) =>
    f === 'all' ||
    (f === 'open' && a.state !== 'cleared') ||
    (f === 'unacknowledged' && a.state === 'active-unacknowledged') ||
    (f === 'acknowledged' && a.state === 'active-acknowledged') ||
    (f === 'resolved' && a.state === 'cleared');
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

export interface OpenSummary {
  /** Every alarm not cleared, acknowledged or not. */
  open: number;
  bySeverity: Record<Severity, number>;
  /** The most recently raised critical alarm still unacknowledged, else still open. */
  newestCritical: Alarm | null;
}

/** What the top bar shows on every page: open alarms by severity and the newest critical one. */
export function summarizeOpen(list: readonly Alarm[]): OpenSummary {
  const bySeverity: Record<Severity, number> = { critical: 0, major: 0, minor: 0, info: 0 };
  let open = 0;
  let newest: Alarm | null = null;
  const better = (a: Alarm, b: Alarm | null) =>
    !b || stateRank(a.state) > stateRank(b.state) || (stateRank(a.state) === stateRank(b.state) && a.raisedAt > b.raisedAt);
  for (const a of list) {
    if (a.state === 'cleared') continue;
    open++;
    bySeverity[a.severity]++;
    if (a.severity === 'critical' && better(a, newest)) newest = a;
  }
  return { open, bySeverity, newestCritical: newest };
}

/** The tab title with the open count in front, so a background tab shows it. */
export function titleWithCount(title: string, open: number): string {
  return open > 0 ? `(${open}) ${title}` : title;
}

/** Does a live alarm event call for an alert (sound, desktop notification)? Only a critical
 *  alarm that is new, newly critical, or raised again after it was cleared or acknowledged. */
export function callsForAlert(previous: Alarm | undefined, next: Alarm): boolean {
  if (next.severity !== 'critical' || next.state !== 'active-unacknowledged') return false;
  if (!previous) return true;
  return previous.severity !== 'critical' || previous.state !== 'active-unacknowledged';
}

/** The lamp an alarm concerns, if any (its source `lamp:<id>` or the lamp named in its detail). */
export function lampOf(a: Alarm): string | null {
  if (typeof a.detail.lampId === 'string') return a.detail.lampId;
  return a.source.startsWith('lamp:') ? a.source.slice('lamp:'.length) : null;
}

/** Where one click on an alarm leads: its patient's or lamp's page (open alarms sit at the top
 *  there), else the inbox. */
export function alarmHref(a: Alarm, runs: { care: boolean; lighting: boolean }): string {
  if (runs.care && a.subject && a.pilot !== 'lighting') return `/care/patients/${encodeURIComponent(a.subject)}`;
  const lamp = lampOf(a);
  if (runs.lighting && lamp) return `/lighting/lamps/${encodeURIComponent(lamp)}`;
  return '/alarms';
}

/** An alarm's category or type (a code the pilot raises) in the console's language; a code the
 *  dictionaries lack shows as words ("door-closed" → "Door closed"), in English. */
export function alarmCodeText(t: T, code: string): string {
  const threshold = /^threshold-(\w+)$/.exec(code);
  const vital = threshold ? known(t, `vital.${threshold[1]}`, '') : '';
  if (vital) return t('alarmCode.threshold', { vital });
  return known(t, `alarmCode.${code}`, titleCase(code));
}
