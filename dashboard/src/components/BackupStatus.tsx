// The last scheduled backup and its verification (GET /api/v1/backups/last): shown to the
// platform operator (Tenants) and the tenant-admin (Keys). The server narrows what a tenant-admin
// sees; this card only renders what it gets.
import { useNow } from '../hooks/now.ts';
import { useResource } from '../hooks/resource.ts';
import { ApiError } from '../lib/api.ts';
import { formatAgo, formatDateTime } from '../lib/format.ts';
import { Card, ErrorNote, Pill, Stat } from './ui.tsx';

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
  const res = useResource<LastBackup>('/backups/last');
  const off = res.error instanceof ApiError && res.error.status === 404;
  const b = res.data;
  return (
    <Card title="Backups">
      {off ? (
        <p className="muted">No scheduled backup has run yet (or scheduling is off: BACKUP_INTERVAL_MINUTES).</p>
      ) : (
        <ErrorNote error={res.error} onRetry={res.reload} />
      )}
      {b ? (
        <div className="stats" data-testid="backup-status">
          <Stat label="Last backup" value={formatAgo(b.startedAt, now)} hint={formatDateTime(b.startedAt)} tone={b.ok ? 'ok' : 'bad'} />
          <Stat
            label="Verification"
            value={b.verification?.ok ? <Pill tone="ok">verified</Pill> : <Pill tone="bad">{b.verification ? 'failed' : 'not verified'}</Pill>}
            hint={b.verification ? `read back from the targets ${formatAgo(b.verification.at, now)}` : (b.error ?? undefined)}
          />
          <Stat label="Targets" value={`${b.k} of ${b.n}`} hint="any k of the n targets restore it" />
          {b.includesTenant !== undefined ? <Stat label="Your data" value={b.includesTenant ? 'included' : 'not included'} tone={b.includesTenant ? 'ok' : 'warn'} /> : null}
        </div>
      ) : null}
    </Card>
  );
}
