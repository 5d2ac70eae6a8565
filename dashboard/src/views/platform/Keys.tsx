// Keys of the tenant: versions of the tenant data key and the index key (never key material),
// when each was created, how many patients have their own key, and rotation.
import { useState } from 'react';
import { BackupStatus } from '../../components/BackupStatus.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ActionDialog, FormError } from '../../components/forms.tsx';
import { Button, Card, ErrorNote, Loading, Note, PageHeader, Pill, Stat } from '../../components/ui.tsx';
import { formatAgo, formatDateTime } from '../../lib/format.ts';
import type { KeyInfo } from '../../lib/types.ts';
import { useNow } from '../../hooks/now.ts';
import { useAction, useResource } from '../../hooks/resource.ts';
import { useApi } from '../../hooks/session.tsx';

const SCOPE_LABEL: Record<string, string> = {
  tenant: 'Tenant data key',
  index: 'Blind-index key',
};

export function Keys() {
  const api = useApi();
  const now = useNow();
  const res = useResource<{ items: KeyInfo[]; subjectKeys: { count: number } }>('/keys');
  const [confirm, setConfirm] = useState(false);
  const [done, setDone] = useState<number | undefined>();
  const rotate = useAction(async () => {
    const r = await api.post<{ scope: string; version: number }>('/keys/rotate');
    setDone(r.version);
    setConfirm(false);
    res.reload();
  });
  const items = res.data?.items ?? [];
  const current = items.find((k) => k.scope === 'tenant' && k.current);
  const scopes = [...new Set(items.map((k) => k.scope))];
  return (
    <div className="page">
      <PageHeader
        title="Keys"
        subtitle="Envelope encryption: your data keys are wrapped by the platform master key. Key material is never shown."
        actions={
          <Button variant="primary" onClick={() => setConfirm(true)}>
            Rotate tenant key…
          </Button>
        }
      />
      <ErrorNote error={res.error} onRetry={res.reload} />
      {done ? <Note tone="success">Tenant key rotated: new writes now use version {done}. Existing data stays readable.</Note> : null}
      <div className="stats">
        <Stat label="Tenant key version" value={current ? `v${current.version}` : '—'} />
        <Stat label="Last rotation" value={current ? formatAgo(current.createdAt, now) : '—'} hint={current ? formatDateTime(current.createdAt) : undefined} />
        <Stat label="Per-patient keys" value={res.data?.subjectKeys.count ?? '—'} hint="Erasing a patient destroys their key" />
      </div>
      <BackupStatus />
      {res.data ? (
        scopes.map((scope) => (
          <Card key={scope} title={SCOPE_LABEL[scope] ?? scope}>
            <DataTable columns={['Version', 'Created', 'Wrapped by', 'Use']}>
              {items
                .filter((k) => k.scope === scope)
                .sort((a, b) => b.version - a.version)
                .map((k) => (
                  <tr key={k.version}>
                    <td className="mono">v{k.version}</td>
                    <td>{formatDateTime(k.createdAt)}</td>
                    <td className="mono small">{k.wrappedBy ?? '—'}</td>
                    <td>
                      {k.current ? (
                        <Pill tone="ok">{scope === 'index' ? 'Current — computes look-ups' : 'Current — encrypts new data'}</Pill>
                      ) : (
                        <Pill tone="muted">{scope === 'index' ? 'Earlier version' : 'Decrypts older data'}</Pill>
                      )}
                    </td>
                  </tr>
                ))}
            </DataTable>
          </Card>
        ))
      ) : (
        <Loading />
      )}
      <ActionDialog open={confirm} title="Rotate the tenant data key?" onClose={() => setConfirm(false)} actionLabel="Rotate now" onAction={() => void rotate.run()} busy={rotate.busy} variant="primary">
        <p>A new key version is created and used for every new write. Older versions stay to read existing data; nothing is re-encrypted. The rotation is recorded in the audit log.</p>
        <FormError error={rotate.error} />
      </ActionDialog>
    </div>
  );
}
