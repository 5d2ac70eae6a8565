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
import { useT, type MessageKey } from '../../i18n/index.tsx';

const SCOPE_LABEL: Record<string, MessageKey> = {
  tenant: 'keys.scopeTenant',
  index: 'keys.scopeIndex',
};

export function Keys() {
  const api = useApi();
  const { t } = useT();
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
        title={t('keys.title')}
        subtitle={t('keys.subtitle')}
        actions={
          <Button variant="primary" onClick={() => setConfirm(true)}>
            {t('keys.rotate')}
          </Button>
        }
      />
      <ErrorNote error={res.error} onRetry={res.reload} />
      {done ? <Note tone="success">{t('keys.rotated', { version: done })}</Note> : null}
      <div className="stats">
        <Stat label={t('keys.version')} value={current ? `v${current.version}` : '—'} />
        <Stat label={t('keys.lastRotation')} value={current ? formatAgo(current.createdAt, now) : '—'} hint={current ? formatDateTime(current.createdAt) : undefined} />
        <Stat label={t('keys.perPatient')} value={res.data?.subjectKeys.count ?? '—'} hint={t('keys.perPatientHint')} />
      </div>
      <BackupStatus />
      {res.data ? (
        scopes.map((scope) => (
          <Card key={scope} title={SCOPE_LABEL[scope] ? t(SCOPE_LABEL[scope]!) : scope}>
            <DataTable columns={[t('keys.colVersion'), t('keys.colCreated'), t('keys.colWrappedBy'), t('keys.colUse')]}>
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
                        <Pill tone="ok">{scope === 'index' ? t('keys.currentIndex') : t('keys.currentTenant')}</Pill>
                      ) : (
                        <Pill tone="muted">{scope === 'index' ? t('keys.earlierIndex') : t('keys.earlierTenant')}</Pill>
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
      <ActionDialog
        open={confirm}
        title={t('keys.confirmTitle')}
        onClose={() => setConfirm(false)}
        actionLabel={t('keys.confirmAction')}
        onAction={() => void rotate.run()}
        busy={rotate.busy}
        variant="primary"
      >
        <p>{t('keys.confirmBody')}</p>
        <FormError error={rotate.error} />
      </ActionDialog>
    </div>
  );
}
