// The patient's consent with its history; recording consent or its withdrawal.
import { useState } from 'react';
import { ActionDialog, Field, FormError } from '../../../components/forms.tsx';
import { Button, Card, ErrorNote, Loading, Pill } from '../../../components/ui.tsx';
import { formatDate, formatDateTime, handleName } from '../../../lib/format.ts';
import { HC, type ConsentAnswer } from '../../../lib/healthcare.ts';
import { useAction, useResource } from '../../../hooks/resource.ts';
import { useApi, useSession } from '../../../hooks/session.tsx';
import { known, useT } from '../../../i18n/index.tsx';

export function Consent({ id }: { id: string }) {
  const api = useApi();
  const { t } = useT();
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
      title={t('consent.title')}
      actions={
        can('consent:manage') && res.data ? (
          <Button onClick={() => setChanging(true)} variant={next === 'withdrawn' ? 'ghost' : 'primary'}>
            {next === 'withdrawn' ? t('consent.recordWithdrawal') : t('consent.recordConsent')}
          </Button>
        ) : null
      }
    >
      <ErrorNote error={res.error} onRetry={res.reload} />
      {res.data ? (
        <>
          <p className="consent-status">
            {status === 'given' ? (
              <Pill tone="ok">{t('consent.given')}</Pill>
            ) : status === 'withdrawn' ? (
              <Pill tone="bad">{t('consent.withdrawn')}</Pill>
            ) : (
              <Pill tone="warn">{t('consent.notRecorded')}</Pill>
            )}
            {res.data.current ? (
              <span className="muted">
                {' '}
                {t('consent.since', { date: formatDate(res.data.current.at), who: handleName(res.data.current.recordedBy) })}
              </span>
            ) : null}
          </p>
          {status !== 'given' ? <p className="muted">{t('consent.refused')}</p> : null}
          {res.data.history.length > 1 ? (
            <details>
              <summary>{t('consent.history', { count: res.data.history.length })}</summary>
              <ul className="plain">
                {[...res.data.history].reverse().map((h, i) => (
                  <li key={i}>
                    {formatDateTime(h.at)} — {known(t, `consentStatus.${h.status}`, h.status)} {h.note ? `(${h.note})` : ''}
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
        title={next === 'withdrawn' ? t('consent.withdrawalTitle') : t('consent.consentTitle')}
        onClose={() => setChanging(false)}
        actionLabel={next === 'withdrawn' ? t('consent.withdrawalAction') : t('consent.consentAction')}
        onAction={() => void record.run()}
        busy={record.busy}
        variant={next === 'withdrawn' ? 'danger' : 'primary'}
      >
        <p>{next === 'withdrawn' ? t('consent.withdrawalBody') : t('consent.consentBody')}</p>
        <Field id="consent-note" label={t('consent.note')}>
          <textarea id="consent-note" rows={2} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('consent.notePlaceholder')} />
        </Field>
        <FormError error={record.error} />
      </ActionDialog>
    </Card>
  );
}
