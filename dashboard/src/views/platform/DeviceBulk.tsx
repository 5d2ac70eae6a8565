// Bulk actions on the devices selected in the list: rotate their secrets (the new ones shown once,
// in the result) or revoke them. Both cannot be undone, so the count is typed to confirm; each
// device is done in turn and the result names any that failed, with the server's reason.
import { useState } from 'react';
import { ConfirmAction } from '../../components/ConfirmAction.tsx';
import { Button, CopyButton, Note } from '../../components/ui.tsx';
import { bulkPhrase } from '../../lib/device-list.ts';
import type { DeviceWithSecret } from '../../lib/types.ts';
import { useApi } from '../../hooks/session.tsx';

type Action = 'rotate' | 'revoke';
interface Outcome {
  done: { id: string; secret?: string }[];
  failed: { id: string; reason: string }[];
}

export function BulkActions({ selected, onClear, onDone }: { selected: string[]; onClear: () => void; onDone: () => void }) {
  const api = useApi();
  const [action, setAction] = useState<Action | null>(null);
  const [ran, setRan] = useState(false);
  const n = selected.length;
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
    <div className="bulk-bar" role="region" aria-label="Selected devices">
      <span className="strong">{bulkPhrase(n)} selected</span>
      <Button onClick={() => setAction('rotate')} disabled={!n}>
        Rotate secrets…
      </Button>
      <Button variant="danger" onClick={() => setAction('revoke')} disabled={!n}>
        Revoke…
      </Button>
      <Button variant="ghost" onClick={onClear}>
        Clear selection
      </Button>
      <ConfirmAction
        open={action !== null}
        title={action === 'rotate' ? `Rotate the secrets of ${bulkPhrase(n)}?` : `Revoke ${bulkPhrase(n)}?`}
        consequences={
          <>
            <p>
              {action === 'rotate'
                ? 'Each device gets a new secret, shown once in the result. Their current secrets stop working at once: the devices are disconnected until they are given the new ones.'
                : 'Each device is disconnected and refused from now on. Their stored readings stay.'}
            </p>
            <p className="mono small break">{selected.join(', ')}</p>
          </>
        }
        typed={bulkPhrase(n)}
        actionLabel={action === 'rotate' ? 'Rotate secrets' : 'Revoke devices'}
        onConfirm={run}
        result={(o) => (
          <>
            <Note tone={o.failed.length ? 'warning' : 'success'}>
              {action === 'rotate' ? 'Rotated' : 'Revoked'}: {o.done.length}
              {o.failed.length ? `; failed: ${o.failed.length}` : ''}.
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
                <Note tone="warning">Copy the new secrets now: they cannot be shown again.</Note>
                <table className="table table-compact" data-testid="bulk-secrets">
                  <thead>
                    <tr>
                      <th scope="col">Device</th>
                      <th scope="col">New secret</th>
                    </tr>
                  </thead>
                  <tbody>
                    {o.done.map((d) => (
                      <tr key={d.id}>
                        <td className="mono">{d.id}</td>
                        <td>
                          <code className="small break">{d.secret}</code> <CopyButton text={d.secret ?? ''} label="Copy" />
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
