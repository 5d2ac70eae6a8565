// The patient's consent with its history; recording consent or its withdrawal.
import { useState } from 'react';
import { ActionDialog, Field, FormError } from '../../../components/forms.tsx';
import { Button, Card, ErrorNote, Loading, Pill } from '../../../components/ui.tsx';
import { formatDate, formatDateTime, handleName } from '../../../lib/format.ts';
import { HC, type ConsentAnswer } from '../../../lib/healthcare.ts';
import { useAction, useResource } from '../../../hooks/resource.ts';
import { useApi, useSession } from '../../../hooks/session.tsx';

export function Consent({ id }: { id: string }) {
  const api = useApi();
  const { can } = useSession();
  const res = useResource<ConsentAnswer>(`${HC}/patients/${encodeURIComponent(id)}/consent`);
  const [changing, setChanging] = useState(false);
  const [note, setNote] = useState('');
  const next = res.data?.status === 'given' ? 'withdrawn' : 'given';
  const record = useAction(async () => {
    const a = await api.post<ConsentAnswer>(`${HC}/patients/${encodeURIComponent(id)}/consent`, { status: next, note: note.trim() });
    res.mutate(() => a);
    setChanging(false);
    setNote('');
  });
  const status = res.data?.status;
  return (
    <Card
      title="Consent"
      actions={
        can('consent:manage') && res.data ? (
          <Button onClick={() => setChanging(true)} variant={next === 'withdrawn' ? 'ghost' : 'primary'}>
            {next === 'withdrawn' ? 'Record withdrawal…' : 'Record consent…'}
          </Button>
        ) : null
      }
    >
      <ErrorNote error={res.error} onRetry={res.reload} />
      {res.data ? (
        <>
          <p className="consent-status">
            {status === 'given' ? <Pill tone="ok">Consent given</Pill> : status === 'withdrawn' ? <Pill tone="bad">Consent withdrawn</Pill> : <Pill tone="warn">Not recorded</Pill>}
            {res.data.current ? (
              <span className="muted">
                {' '}
                since {formatDate(res.data.current.at)} · recorded by {handleName(res.data.current.recordedBy)}
              </span>
            ) : null}
          </p>
          {status !== 'given' ? <p className="muted">Without consent, readings from this patient's devices are refused and not stored.</p> : null}
          {res.data.history.length > 1 ? (
            <details>
              <summary>History ({res.data.history.length})</summary>
              <ul className="plain">
                {[...res.data.history].reverse().map((h, i) => (
                  <li key={i}>
                    {formatDateTime(h.at)} — {h.status} {h.note ? `(${h.note})` : ''}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </>
      ) : (
        <Loading />
      )}
      <ActionDialog
        open={changing}
        title={next === 'withdrawn' ? 'Record withdrawal of consent' : 'Record consent'}
        onClose={() => setChanging(false)}
        actionLabel={next === 'withdrawn' ? 'Record withdrawal' : 'Record consent'}
        onAction={() => void record.run()}
        busy={record.busy}
        variant={next === 'withdrawn' ? 'danger' : 'primary'}
      >
        <p>{next === 'withdrawn' ? 'From now on, readings from this patient’s devices will be refused.' : 'Readings from this patient’s devices will be accepted and stored.'}</p>
        <Field id="consent-note" label="Note">
          <textarea id="consent-note" rows={2} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} placeholder="How and when the patient told you" />
        </Field>
        <FormError error={record.error} />
      </ActionDialog>
    </Card>
  );
}
