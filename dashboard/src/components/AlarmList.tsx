// A list of alarms with their escalation state and, for roles that may, acknowledgement with a
// note, or resolution with a note. Used by the alarm inbox and a patient's or lamp's page; the
// data comes from useAlarms.
import { useState, type ReactNode } from 'react';
import { escalationOf } from '../lib/alarms.ts';
import { formatAgo, formatDateTime, formatTime, handleName, titleCase } from '../lib/format.ts';
import type { Alarm } from '../lib/types.ts';
import { useNow } from '../hooks/now.ts';
import { AlarmStateBadge, SeverityBadge } from './badges.tsx';
import { ActionDialog, Field, FormError } from './forms.tsx';
import { Button, EmptyState, Pill } from './ui.tsx';

export function EscalationTag({ alarm, now }: { alarm: Alarm; now: number }) {
  const e = escalationOf(alarm);
  if (e.kind === 'escalated') {
    return (
      <Pill tone="bad" title={`Escalated at ${formatDateTime(e.at)}`}>
        ▲ Escalated {formatTime(e.at)}
      </Pill>
    );
  }
  if (e.kind === 'due') {
    return (
      <Pill tone="warn" title={`Escalates at ${formatDateTime(e.at)} unless acknowledged`}>
        Escalates {e.at > now ? formatAgo(e.at, now) : 'now'}
      </Pill>
    );
  }
  return null;
}

export function AckDialog({ alarm, onClose, onAck }: { alarm: Alarm | null; onClose: () => void; onAck: (id: string, note: string) => Promise<unknown> }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const close = () => {
    setNote('');
    setError(undefined);
    onClose();
  };
  const submit = async () => {
    if (!alarm) return;
    setBusy(true);
    setError(undefined);
    try {
      await onAck(alarm.id, note.trim());
      close();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <ActionDialog open={alarm !== null} title="Acknowledge alarm" onClose={close} actionLabel="Acknowledge" onAction={() => void submit()} busy={busy} variant="primary">
      {alarm ? (
        <>
          <p className="ack-title">
            <SeverityBadge severity={alarm.severity} /> {alarm.title}
          </p>
          <p className="muted">Raised {formatDateTime(alarm.raisedAt)}. Acknowledging stops its escalation and is recorded in the audit log with your note.</p>
          <Field id="ack-note" label="Note (what you did or will do)">
            <textarea id="ack-note" rows={3} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} placeholder="e.g. Phoned patient, repeat observations in 30 min" />
          </Field>
          <FormError error={error} />
        </>
      ) : null}
    </ActionDialog>
  );
}

/** Resolving by hand clears the alarm; the note saying why is required (the API refuses none). */
export function ResolveDialog({ alarm, onClose, onResolve }: { alarm: Alarm | null; onClose: () => void; onResolve: (id: string, note: string) => Promise<unknown> }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const close = () => {
    setNote('');
    setError(undefined);
    onClose();
  };
  const submit = async () => {
    if (!alarm) return;
    if (!note.trim()) return setError('Say why the alarm is resolved: the note is kept in the audit log.');
    setBusy(true);
    setError(undefined);
    try {
      await onResolve(alarm.id, note.trim());
      close();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <ActionDialog open={alarm !== null} title="Resolve alarm" onClose={close} actionLabel="Resolve" onAction={() => void submit()} busy={busy} variant="primary">
      {alarm ? (
        <>
          <p className="ack-title">
            <SeverityBadge severity={alarm.severity} /> {alarm.title}
          </p>
          <p className="muted">Resolving clears the alarm and stops any escalation. If the condition is still present it is raised again as a new alarm.</p>
          <Field id="resolve-note" label="Note (required: what resolved it)">
            <textarea id="resolve-note" rows={3} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} placeholder="e.g. Sensor re-attached, readings normal again" />
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
  empty = 'No alarms',
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
  const [acking, setAcking] = useState<Alarm | null>(null);
  const [resolving, setResolving] = useState<Alarm | null>(null);
  if (!alarms.length) return <EmptyState title={empty} icon="✓" />;
  return (
    <>
      <ul className="alarm-list" aria-label="Alarms">
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
                  {titleCase(a.category)} · {titleCase(a.type)}
                </span>
                <span title={formatDateTime(a.raisedAt)}>Raised {formatAgo(a.raisedAt, now)}</span>
              </div>
              {a.acknowledgedAt ? (
                <div className="alarm-ack">
                  Acknowledged by {handleName(a.acknowledgedBy ?? '')} at {formatTime(a.acknowledgedAt)}
                  {a.note ? <q>{a.note}</q> : null}
                </div>
              ) : null}
              {a.clearedAt ? (
                <div className="alarm-ack">
                  {a.resolutionNote ? `Resolved by ${handleName(a.clearedBy ?? '')}` : 'Cleared'} at {formatTime(a.clearedAt)}
                  {a.resolutionNote ? <q>{a.resolutionNote}</q> : null}
                </div>
              ) : null}
            </div>
            <div className="alarm-side">
              <AlarmStateBadge state={a.state} />
              {canAck && a.state === 'active-unacknowledged' ? (
                <Button variant="primary" onClick={() => setAcking(a)} aria-label={`Acknowledge: ${a.title}`}>
                  Acknowledge…
                </Button>
              ) : null}
              {canAck && onResolve && a.state !== 'cleared' ? (
                <Button onClick={() => setResolving(a)} aria-label={`Resolve: ${a.title}`}>
                  Resolve…
                </Button>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      <AckDialog alarm={acking} onClose={() => setAcking(null)} onAck={onAck} />
      {onResolve ? <ResolveDialog alarm={resolving} onClose={() => setResolving(null)} onResolve={onResolve} /> : null}
    </>
  );
}
