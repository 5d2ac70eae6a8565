// A list of alarms with their escalation state and, for roles that may, acknowledgement with a
// note, or resolution with a note (one dialog for both). Used by the alarm inbox and a patient's or lamp's page; the
// data comes from useAlarms.
import { useState, type ReactNode } from 'react';
import { alarmCodeText, escalationOf } from '../lib/alarms.ts';
import { formatAgo, formatDateTime, formatTime, handleName } from '../lib/format.ts';
import type { Alarm } from '../lib/types.ts';
import { useNow } from '../hooks/now.ts';
import { useT } from '../i18n/index.tsx';
import { AlarmStateBadge, SeverityBadge } from './badges.tsx';
import { ActionDialog, Field, FormError } from './forms.tsx';
import { Button, EmptyState, Pill } from './ui.tsx';

export function EscalationTag({ alarm, now }: { alarm: Alarm; now: number }) {
  const { t } = useT();
  const e = escalationOf(alarm);
  if (e.kind === 'escalated') {
    return (
      <Pill tone="bad" title={t('alarmList.escalatedTitle', { at: formatDateTime(e.at) })}>
        {t('alarmList.escalated', { time: formatTime(e.at) })}
      </Pill>
    );
  }
  if (e.kind === 'due') {
    return (
      <Pill tone="warn" title={t('alarmList.dueTitle', { at: formatDateTime(e.at) })}>
        {t('alarmList.due', { when: e.at > now ? formatAgo(e.at, now) : t('alarmList.now') })}
      </Pill>
    );
  }
  return null;
}

export type AlarmAction = 'acknowledge' | 'resolve';

// What differs between acknowledging and resolving; resolving by hand clears the alarm, so its
// note saying why is required (the API refuses none).
const ACTION = {
  acknowledge: { title: 'alarmDialog.ackTitle', action: 'alarmDialog.ackAction', note: 'alarmDialog.ackNote', placeholder: 'alarmDialog.ackPlaceholder', noteRequired: false },
  resolve: { title: 'alarmDialog.resolveTitle', action: 'alarmDialog.resolveAction', note: 'alarmDialog.resolveNote', placeholder: 'alarmDialog.resolvePlaceholder', noteRequired: true },
} as const;

/** Acknowledging or resolving one alarm, with a note kept in the audit log. */
export function AlarmActionDialog({
  action,
  alarm,
  onClose,
  onSubmit,
}: {
  action: AlarmAction;
  alarm: Alarm | null;
  onClose: () => void;
  onSubmit: (id: string, note: string) => Promise<unknown>;
}) {
  const { t } = useT();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const spec = ACTION[action];
  const noteId = action === 'acknowledge' ? 'ack-note' : 'resolve-note';
  const close = () => {
    setNote('');
    setError(undefined);
    onClose();
  };
  const submit = async () => {
    if (!alarm) return;
    if (spec.noteRequired && !note.trim()) return setError(t('alarmDialog.resolveNoteMissing'));
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(alarm.id, note.trim());
      close();
    } catch (err) {
      // The server's own words (problem+json detail), as it sends them.
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <ActionDialog open={alarm !== null} title={t(spec.title)} onClose={close} actionLabel={t(spec.action)} onAction={() => void submit()} busy={busy} variant="primary">
      {alarm ? (
        <>
          <p className="ack-title">
            <SeverityBadge severity={alarm.severity} /> {alarm.title}
          </p>
          <p className="muted">{action === 'acknowledge' ? t('alarmDialog.ackBody', { at: formatDateTime(alarm.raisedAt) }) : t('alarmDialog.resolveBody')}</p>
          <Field id={noteId} label={t(spec.note)}>
            <textarea id={noteId} rows={3} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} placeholder={t(spec.placeholder)} />
          </Field>
          <FormError error={error} />
        </>
      ) : null}
    </ActionDialog>
  );
}

function Source({ node }: { node: ReactNode }) {
  return node === null || node === undefined ? null : <span className="alarm-source">{node}</span>;
}

export function AlarmList({
  alarms,
  canAck,
  onAck,
  onResolve,
  describeSource,
  empty,
}: {
  alarms: Alarm[];
  canAck: boolean;
  onAck: (id: string, note: string) => Promise<unknown>;
  /** Offered with acknowledgement (same permission) when given. */
  onResolve?: (id: string, note: string) => Promise<unknown>;
  /** What the alarm is about, as a link or a name (a patient, a lamp…). */
  describeSource?: (a: Alarm) => ReactNode | null;
  empty?: string;
}) {
  const now = useNow();
  const { t } = useT();
  const [acting, setActing] = useState<{ action: AlarmAction; alarm: Alarm } | null>(null);
  if (!alarms.length) return <EmptyState title={empty ?? t('alarmList.none')} icon="✓" />;
  return (
    <>
      <ul className="alarm-list" aria-label={t('alarmList.label')}>
        {alarms.map((a) => (
          <li key={a.id} className={`alarm alarm-${a.state} alarm-sev-${a.severity}`} data-testid="alarm" data-alarm-type={a.type} data-state={a.state}>
            <div className="alarm-main">
              <div className="alarm-line">
                <SeverityBadge severity={a.severity} />
                <span className="alarm-title">{a.title}</span>
                <EscalationTag alarm={a} now={now} />
              </div>
              <div className="alarm-meta">
                <Source node={describeSource ? describeSource(a) : handleName(a.source)} />
                <span>
                  {alarmCodeText(t, a.category)} · {alarmCodeText(t, a.type)}
                </span>
                <span title={formatDateTime(a.raisedAt)}>{t('alarmList.raised', { ago: formatAgo(a.raisedAt, now) })}</span>
              </div>
              {a.acknowledgedAt ? (
                <div className="alarm-ack">
                  {t('alarmList.acknowledgedBy', { who: handleName(a.acknowledgedBy ?? ''), time: formatTime(a.acknowledgedAt) })}
                  {a.note ? <q>{a.note}</q> : null}
                </div>
              ) : null}
              {a.clearedAt ? (
                <div className="alarm-ack">
                  {a.resolutionNote
                    ? t('alarmList.resolvedBy', { who: handleName(a.clearedBy ?? ''), time: formatTime(a.clearedAt) })
                    : t('alarmList.clearedAt', { time: formatTime(a.clearedAt) })}
                  {a.resolutionNote ? <q>{a.resolutionNote}</q> : null}
                </div>
              ) : null}
            </div>
            <div className="alarm-side">
              <AlarmStateBadge state={a.state} />
              {canAck && a.state === 'active-unacknowledged' ? (
                <Button variant="primary" onClick={() => setActing({ action: 'acknowledge', alarm: a })} aria-label={t('alarmList.acknowledgeLabel', { title: a.title })}>
                  {t('alarmList.acknowledge')}
                </Button>
              ) : null}
              {canAck && onResolve && a.state !== 'cleared' ? (
                <Button onClick={() => setActing({ action: 'resolve', alarm: a })} aria-label={t('alarmList.resolveLabel', { title: a.title })}>
                  {t('alarmList.resolve')}
                </Button>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      <AlarmActionDialog
        action={acting?.action ?? 'acknowledge'}
        alarm={acting?.alarm ?? null}
        onClose={() => setActing(null)}
        onSubmit={acting?.action === 'resolve' && onResolve ? onResolve : onAck}
      />
    </>
  );
}
