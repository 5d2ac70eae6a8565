// What was shared under one agreement, from this tenant's own audit chain: requests allowed and
// refused, rows that left, per category, and the latest requests with why a refusal happened.
import type { AgreementUsage as Usage } from '../../../../platform/policy/agreement-usage.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorNote, Loading, Pill } from '../../components/ui.tsx';
import { formatDateTime, formatNumber } from '../../lib/format.ts';
import { useResource } from '../../hooks/resource.ts';
import { known, useT } from '../../i18n/index.tsx';

export function AgreementUsage({ id }: { id: string }) {
  const { t } = useT();
  const res = useResource<Usage>(`/agreements/${encodeURIComponent(id)}/usage`);
  const u = res.data;
  if (res.error) return <ErrorNote error={res.error} onRetry={res.reload} />;
  if (!u) return <Loading />;
  if (u.requests === 0) return <p className="small muted" data-testid="agreement-usage">{t('agreementUsage.none')}</p>;
  return (
    <div data-testid="agreement-usage">
      <p className="small">
        {t('agreementUsage.summary', { requests: formatNumber(u.requests, 0), allowed: formatNumber(u.allowed, 0), rows: formatNumber(u.rows, 0), refused: formatNumber(u.refused, 0), last: u.lastAt ? formatDateTime(u.lastAt) : '—' })}
      </p>
      <DataTable columns={[t('agreementUsage.colWhen'), t('agreementUsage.colCategory'), t('agreementUsage.colOperation'), t('agreementUsage.colPurpose'), t('agreementUsage.colOutcome'), t('agreementUsage.colRows')]}>
        {u.recent.map((a, i) => (
          <tr key={`${a.at}-${i}`}>
            <td>{formatDateTime(a.at)}</td>
            <td className="mono">{a.category}</td>
            <td>{known(t, `agreementForm.${a.operation}`, a.operation)}</td>
            <td>{known(t, `purpose.${a.purpose}`, a.purpose)}</td>
            <td>{a.outcome === 'success' ? <Pill tone="ok">{t('agreementUsage.allowed')}</Pill> : <Pill tone="warn">{t('agreementUsage.refused', { reason: a.reason ?? a.outcome })}</Pill>}</td>
            <td className="num">{a.rows ?? '—'}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
