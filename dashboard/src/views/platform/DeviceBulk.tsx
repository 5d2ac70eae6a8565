// Bulk actions on the devices selected in the list: rotate their secrets (the new ones shown once,
// in the result) or revoke them. Both cannot be undone, so the count is typed to confirm; each
// device is done in turn and the result names any that failed, with the server's reason.
import { useState } from 'react';
import { ConfirmAction } from '../../components/ConfirmAction.tsx';
import { Button, CopyButton, Note } from '../../components/ui.tsx';
import type { DeviceWithSecret } from '../../lib/types.ts';
import { useApi } from '../../hooks/session.tsx';
import { useT } from '../../i18n/index.tsx';

type Action = 'rotate' | 'revoke';
interface Outcome {
  done: { id: string; secret?: string }[];
  failed: { id: string; reason: string }[];
}

export function BulkActions({ selected, onClear, onDone }: { selected: string[]; onClear: () => void; onDone: () => void }) {
  const api = useApi();
  const { t } = useT();
  const [action, setAction] = useState<Action | null>(null);
  const [ran, setRan] = useState(false);
  const n = selected.length;
  // Also the text typed to confirm, so it is in the user's language.
  const devices = t('deviceBulk.phrase', { count: n });
  if (!n && !action) return null;

  const run = async (): Promise<Outcome> => {
    const out: Outcome = { done: [], failed: [] };
    for (const id of selected) {
      try {
        if (action === 'rotate') out.done.push({ id, secret: (await api.post<DeviceWithSecret>(`/devices/${encodeURIComponent(id)}/rotate`)).secret });
        else {
          await api.post(`/devices/${encodeURIComponent(id)}/revoke`);
          out.done.push({ id });
        }
      } catch (err) {
        out.failed.push({ id, reason: err instanceof Error ? err.message : String(err) });
      }
    }
    setRan(true);
    return out;
  };

  return (
    <div className="bulk-bar" role="region" aria-label={t('deviceBulk.region')}>
      <span className="strong">{t('deviceBulk.selected', { devices })}</span>
      <Button onClick={() => setAction('rotate')} disabled={!n}>
        {t('deviceBulk.rotate')}
      </Button>
      <Button variant="danger" onClick={() => setAction('revoke')} disabled={!n}>
        {t('deviceBulk.revoke')}
      </Button>
      <Button variant="ghost" onClick={onClear}>
        {t('deviceBulk.clear')}
      </Button>
      <ConfirmAction
        open={action !== null}
        title={t(action === 'rotate' ? 'deviceBulk.rotateTitle' : 'deviceBulk.revokeTitle', { devices })}
        consequences={
          <>
            <p>
              {action === 'rotate' ? t('deviceBulk.rotateBody') : t('deviceBulk.revokeBody')}
            </p>
            <p className="mono small break">{selected.join(', ')}</p>
          </>
        }
        typed={devices}
        actionLabel={action === 'rotate' ? t('deviceBulk.rotateAction') : t('deviceBulk.revokeAction')}
        onConfirm={run}
        result={(o) => (
          <>
            <Note tone={o.failed.length ? 'warning' : 'success'}>
              {o.failed.length
                ? t(action === 'rotate' ? 'deviceBulk.rotatedFailed' : 'deviceBulk.revokedFailed', { done: o.done.length, failed: o.failed.length })
                : t(action === 'rotate' ? 'deviceBulk.rotated' : 'deviceBulk.revoked', { done: o.done.length })}
            </Note>
            {o.failed.length ? (
              <ul className="plain">
                {o.failed.map((f) => (
                  <li key={f.id}>
                    <span className="mono">{f.id}</span>: {f.reason}
                  </li>
                ))}
              </ul>
            ) : null}
            {action === 'rotate' && o.done.length ? (
              <>
                <Note tone="warning">{t('deviceBulk.copyNow')}</Note>
                <table className="table table-compact" data-testid="bulk-secrets">
                  <thead>
                    <tr>
                      <th scope="col">{t('deviceBulk.device')}</th>
                      <th scope="col">{t('deviceBulk.newSecret')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {o.done.map((d) => (
                      <tr key={d.id}>
                        <td className="mono">{d.id}</td>
                        <td>
                          <code className="small break">{d.secret}</code> <CopyButton text={d.secret ?? ''} label={t('common.copy')} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            ) : null}
          </>
        )}
        onClose={() => {
          setAction(null);
          if (ran) {
            setRan(false);
            onDone();
          }
        }}
      />
    </div>
  );
}
