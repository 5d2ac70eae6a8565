// The last scheduled backup and its verification (GET /api/v1/backups/last): shown to the
// platform operator (Tenants) and the tenant-admin (Keys). The server narrows what a tenant-admin
// sees; this card only renders what it gets.
import { useNow } from '../hooks/now.ts';
import { useResource } from '../hooks/resource.ts';
import { ApiError } from '../lib/api.ts';
import { formatAgo, formatDateTime } from '../lib/format.ts';
import { Card, ErrorNote, Pill, Stat } from './ui.tsx';
import { useT } from '../i18n/index.tsx';

interface LastBackup {
  id: string | null;
  startedAt: number;
  ok: boolean;
  k: number;
  n: number;
  verification: { ok: boolean; at: number } | null;
  includesTenant?: boolean;
  error?: string | null;
}

export function BackupStatus() {
  const now = useNow();
  const { t } = useT();
  const res = useResource<LastBackup>('/backups/last');
  const off = res.error instanceof ApiError && res.error.status === 404;
  const b = res.data;
  return (
    <Card title={t('backups.title')}>
      {off ? (
        <p className="muted">{t('backups.off')}</p>
      ) : (
        <ErrorNote error={res.error} onRetry={res.reload} />
      )}
      {b ? (
        <div className="stats" data-testid="backup-status">
          <Stat label={t('backups.last')} value={formatAgo(b.startedAt, now)} hint={formatDateTime(b.startedAt)} tone={b.ok ? 'ok' : 'bad'} />
          <Stat
            label={t('backups.verification')}
            value={b.verification?.ok ? <Pill tone="ok">{t('backups.verified')}</Pill> : <Pill tone="bad">{b.verification ? t('backups.failed') : t('backups.notVerified')}</Pill>}
            hint={b.verification ? t('backups.readBack', { ago: formatAgo(b.verification.at, now) }) : (b.error ?? undefined)}
          />
          <Stat label={t('backups.targets')} value={t('backups.kOfN', { k: b.k, n: b.n })} hint={t('backups.kOfNHint')} />
          {b.includesTenant !== undefined ? (
            <Stat label={t('backups.yourData')} value={b.includesTenant ? t('backups.included') : t('backups.notIncluded')} tone={b.includesTenant ? 'ok' : 'warn'} />
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}
