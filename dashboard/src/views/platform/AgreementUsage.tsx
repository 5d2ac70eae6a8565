// What was shared under one agreement, from this tenant's own audit chain: requests allowed and
// refused, rows that left, per category, and the latest requests with why a refusal happened.
import type { AgreementUsage as Usage } from '../../../../platform/policy/agreement-usage.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorNote, Loading, Pill } from '../../components/ui.tsx';
import { formatDateTime, formatNumber } from '../../lib/format.ts';
import { useResource } from '../../hooks/resource.ts';

export function AgreementUsage({ id }: { id: string }) {
  const res = useResource<Usage>(`/agreements/${encodeURIComponent(id)}/usage`);
  const u = res.data;
  if (res.error) return <ErrorNote error={res.error} onRetry={res.reload} />;
  if (!u) return <Loading />;
  if (u.requests === 0) return <p className="small muted" data-testid="agreement-usage">No request has been made under this agreement.</p>;
  return (
    <div data-testid="agreement-usage">
      <p className="small">
        {formatNumber(u.requests, 0)} requests: {formatNumber(u.allowed, 0)} allowed ({formatNumber(u.rows, 0)} rows shared), {formatNumber(u.refused, 0)} refused · last{' '}
        {u.lastAt ? formatDateTime(u.lastAt) : '—'}
      </p>
      <DataTable columns={['When', 'Category', 'Operation', 'Purpose', 'Outcome', 'Rows']}>
        {u.recent.map((a, i) => (
          <tr key={`${a.at}-${i}`}>
            <td>{formatDateTime(a.at)}</td>
            <td className="mono">{a.category}</td>
            <td>{a.operation}</td>
            <td>{a.purpose}</td>
            <td>{a.outcome === 'success' ? <Pill tone="ok">allowed</Pill> : <Pill tone="warn">refused: {a.reason ?? a.outcome}</Pill>}</td>
            <td className="num">{a.rows ?? '—'}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
