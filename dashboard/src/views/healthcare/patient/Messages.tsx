// Messages and reminders to the patient's home hub, with their live delivery status.
import { useState } from 'react';
import { ActionDialog, Field, FormError } from '../../../components/forms.tsx';
import { Button, Card, ErrorNote, Loading, Pill, Segmented } from '../../../components/ui.tsx';
import { formatAgo, formatDateTime, handleName } from '../../../lib/format.ts';
import { HC, type Message } from '../../../lib/healthcare.ts';
import type { CommandStatus } from '../../../lib/types.ts';
import { useCommandStatuses } from '../../../hooks/commands.ts';
import { useNow } from '../../../hooks/now.ts';
import { useAction, useResource } from '../../../hooks/resource.ts';
import { useApi, useSession } from '../../../hooks/session.tsx';
import { useT } from '../../../i18n/index.tsx';

function SendMessage({ id, onSent }: { id: string; onSent: (m: Message) => void }) {
  const api = useApi();
  const { t } = useT();
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<'message' | 'reminder'>('message');
  const [text, setText] = useState('');
  const send = useAction(async () => {
    const m = await api.post<Message>(`${HC}/patients/${encodeURIComponent(id)}/messages`, { kind, text: text.trim() });
    onSent(m);
    setText('');
    setOpen(false);
  });
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t('messages.send')}</Button>
      <ActionDialog
        open={open}
        title={t('messages.dialogTitle')}
        onClose={() => setOpen(false)}
        actionLabel={t('messages.sendAction')}
        onAction={() => void send.run()}
        busy={send.busy}
        disabled={!text.trim()}
        variant="primary"
      >
        <Segmented
          label={t('messages.kind')}
          value={kind}
          options={[
            { value: 'message', label: t('messages.message') },
            { value: 'reminder', label: t('messages.reminder') },
          ]}
          onChange={setKind}
        />
        <Field id="msg-text" label={t('messages.text')} hint={t('messages.left', { count: 500 - text.length })}>
          <textarea id="msg-text" rows={3} maxLength={500} value={text} onChange={(e) => setText(e.target.value)} placeholder={t('messages.placeholder')} />
        </Field>
        <FormError error={send.error} />
      </ActionDialog>
    </>
  );
}

function deliveryTone(s: CommandStatus): 'ok' | 'warn' | 'bad' | 'info' | 'neutral' {
  if (s === 'done' || s === 'accepted' || s === 'delivered') return 'ok';
  if (s === 'failed' || s === 'expired') return 'bad';
  if (s === 'queued') return 'warn';
  return 'info';
}

export function Messages({ id, hubDeviceId }: { id: string; hubDeviceId: string }) {
  const { can } = useSession();
  const { t } = useT();
  const now = useNow();
  const res = useResource<{ items: Message[] }>(`${HC}/patients/${encodeURIComponent(id)}/messages`);
  const { mutate } = res;
  const statusOf = useCommandStatuses((c) => c.deviceId === hubDeviceId && c.name === 'message');
  const items = [...(res.data?.items ?? [])]
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, 8)
    .map((m) => ({ ...m, status: statusOf(m.id, m.status) }));
  return (
    <Card title={t('messages.title')} actions={can('commands:send') ? <SendMessage id={id} onSent={(m) => mutate((prev) => ({ items: [m, ...(prev?.items ?? []).filter((x) => x.id !== m.id)] }))} /> : null}>
      <ErrorNote error={res.error} onRetry={res.reload} />
      {items.length ? (
        <ul className="messages">
          {items.map((m) => (
            <li key={m.id} data-testid="message" data-status={m.status}>
              <div className="message-text">
                {m.kind === 'reminder' ? <Pill tone="info">{t('messages.reminder')}</Pill> : null} {m.text}
              </div>
              <div className="message-meta">
                <span title={formatDateTime(m.createdAt)}>
                  {handleName(m.createdBy)} · {formatAgo(m.createdAt, now)}
                </span>
                <Pill tone={deliveryTone(m.status)}>{t(`delivery.${m.status}`)}</Pill>
              </div>
            </li>
          ))}
        </ul>
      ) : res.loading ? (
        <Loading />
      ) : (
        <p className="muted">{t('messages.none')}</p>
      )}
    </Card>
  );
}
