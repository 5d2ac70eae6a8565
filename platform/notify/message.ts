// Notification subscriptions and what a notification says: pure functions, table-tested. What
// leaves the platform is limited by default to an alarm id, its severity, the pilot, the data
// subject's pseudonymous id and a link; the subscription may add the alarm's type, category or
// title, never its detail (which can hold measured values) and never names.
import { z } from 'zod';
import { labelSchema } from '../safe-text.ts';
import { SEVERITIES, type Alarm, type Severity } from '../services/alarms.ts';

export const ALARM_EVENTS = ['raised', 'escalated', 'acknowledged', 'resolved'] as const;
export type AlarmEventName = (typeof ALARM_EVENTS)[number];
/** Fields a subscription may add to the minimal message. */
export const EXTRA_FIELDS = ['type', 'category', 'title'] as const;

/** One change of an alarm, as the alarm service reports it. `reason` says why an alarm escalated:
 *  its severity rose, or it stayed unacknowledged past its deadline (the on-call escalation). */
export interface AlarmNotice {
  event: AlarmEventName;
  reason?: 'severity' | 'unacknowledged';
  alarm: Alarm;
  at: number;
}

/** Fed by the alarm service; must not throw or wait (delivery runs apart from the alarm path). */
export interface AlarmNotifier {
  alarmEvent(tenantId: string, notice: AlarmNotice): void;
}

const pilotId = z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'a pilot id');
const filters = {
  name: labelSchema(1, 80),
  /** Empty or absent: every event. */
  events: z.array(z.enum(ALARM_EVENTS)).max(ALARM_EVENTS.length).default([]),
  /** Empty or absent: every severity. */
  severities: z.array(z.enum(SEVERITIES)).max(SEVERITIES.length).default([]),
  /** Empty or absent: alarms of every pilot (and of the platform). */
  pilots: z.array(pilotId).max(16).default([]),
  include: z.array(z.enum(EXTRA_FIELDS)).max(EXTRA_FIELDS.length).default([]),
  enabled: z.boolean().default(true),
};
const webhookUrl = z.string().min(8).max(2048);
const recipients = z.array(z.email().max(254)).min(1).max(10);

export const subscriptionCreateSchema = z.discriminatedUnion('channel', [
  z.strictObject({ channel: z.literal('webhook'), url: webhookUrl, ...filters }),
  z.strictObject({ channel: z.literal('email'), to: recipients, ...filters }),
]);
export type SubscriptionInput = z.infer<typeof subscriptionCreateSchema>;

export const subscriptionPatchSchema = z.strictObject({
  name: filters.name.optional(),
  events: z.array(z.enum(ALARM_EVENTS)).max(ALARM_EVENTS.length).optional(),
  severities: z.array(z.enum(SEVERITIES)).max(SEVERITIES.length).optional(),
  pilots: z.array(pilotId).max(16).optional(),
  include: z.array(z.enum(EXTRA_FIELDS)).max(EXTRA_FIELDS.length).optional(),
  enabled: z.boolean().optional(),
  url: webhookUrl.optional(),
  to: recipients.optional(),
});
export type SubscriptionPatch = z.infer<typeof subscriptionPatchSchema>;

export interface Subscription {
  id: string;
  channel: 'webhook' | 'email';
  name: string;
  events: AlarmEventName[];
  severities: Severity[];
  pilots: string[];
  include: (typeof EXTRA_FIELDS)[number][];
  enabled: boolean;
  url?: string;
  to?: string[];
  /** Webhooks only; sealed at rest with the tenant's key like every record, never listed. */
  secret?: string;
  createdAt: number;
  updatedAt: number;
}

export type PublicSubscription = Omit<Subscription, 'secret'>;
export const publicSubscription = ({ secret: _s, ...rest }: Subscription): PublicSubscription => rest;

/** Whether a subscription wants this notice. */
export function matches(sub: Subscription, notice: AlarmNotice): boolean {
  if (!sub.enabled) return false;
  if (sub.events.length && !sub.events.includes(notice.event)) return false;
  if (sub.severities.length && !sub.severities.includes(notice.alarm.severity)) return false;
  if (sub.pilots.length && !(notice.alarm.pilot && sub.pilots.includes(notice.alarm.pilot))) return false;
  return true;
}

export interface NotificationMessage {
  /** One id per notice and subscription; a receiver drops repeats by it (retries resend it). */
  id: string;
  event: `alarm.${AlarmEventName}`;
  occurredAt: string;
  tenant: string;
  alarm: {
    id: string;
    severity: Severity;
    state: Alarm['state'];
    pilot: string | null;
    /** The data subject's pseudonymous id (a patient id in the healthcare pilot), if any. */
    subject: string | null;
    reason?: AlarmNotice['reason'];
    link: string;
    type?: string;
    category?: string;
    title?: string;
  };
}

export function messageOf(sub: Subscription, notice: AlarmNotice, tenantId: string, publicUrl: string, id: string): NotificationMessage {
  const a = notice.alarm;
  const extra: Partial<Pick<Alarm, 'type' | 'category' | 'title'>> = {};
  for (const f of sub.include) extra[f] = a[f];
  return {
    id,
    event: `alarm.${notice.event}`,
    occurredAt: new Date(notice.at).toISOString(),
    tenant: tenantId,
    alarm: {
      id: a.id,
      severity: a.severity,
      state: a.state,
      pilot: a.pilot ?? null,
      subject: a.subject,
      ...(notice.reason ? { reason: notice.reason } : {}),
      link: `${publicUrl.replace(/\/+$/, '')}/api/v1/alarms/${a.id}`,
      ...extra,
    },
  };
}

/** The e-mail form of a message: the same fields, as text. */
export function mailOf(m: NotificationMessage): { subject: string; text: string } {
  const a = m.alarm;
  const lines = [
    `Alarm ${m.event.slice('alarm.'.length)}${a.reason === 'unacknowledged' ? ' (unacknowledged past its deadline)' : ''}.`,
    '',
    `alarm:    ${a.id}`,
    `severity: ${a.severity}`,
    `state:    ${a.state}`,
    `pilot:    ${a.pilot ?? '-'}`,
    `subject:  ${a.subject ?? '-'}`,
    ...(a.type ? [`type:     ${a.type}`] : []),
    ...(a.title ? [`title:    ${a.title}`] : []),
    `at:       ${m.occurredAt}`,
    '',
    a.link,
  ];
  return { subject: `[Custodia] ${a.severity} alarm ${m.event.slice('alarm.'.length)}${a.pilot ? ` (${a.pilot})` : ''}`, text: lines.join('\n') };
}

/** Delay before attempt `attempt + 1` after `attempt` failed: base · 2^(attempt-1), at most an hour. */
export function retryDelayMs(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 3_600_000);
}
