// The compliance map for auditors and evaluators (platform/api/routes/compliance.ts): each
// requirement with the controls implementing it, the tests and scenarios citing it and their
// latest results; gaps are shown, not hidden. Links lead into the validation report the results
// came from and to the audit verification.
import { useState } from 'react';
import type { ComplianceReport, ComplianceRow, Result, RowStatus } from '../../../../scripts/compliance/map.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { Card, EmptyState, ErrorNote, Loading, PageHeader, Pill, Segmented, Stat } from '../../components/ui.tsx';
import { API_BASE, ApiError } from '../../lib/api.ts';
import { useResource } from '../../hooks/resource.ts';
import { Link } from '../../hooks/router.tsx';
import { useSession } from '../../hooks/session.tsx';

const STATUS: Record<RowStatus, { tone: 'ok' | 'bad' | 'warn'; label: string }> = {
  covered: { tone: 'ok', label: 'Covered' },
  failing: { tone: 'bad', label: 'Failing' },
  gap: { tone: 'warn', label: 'Gap' },
};
const RESULT: Record<Result, { tone: 'ok' | 'bad' | 'muted'; label: string }> = {
  pass: { tone: 'ok', label: 'pass' },
  fail: { tone: 'bad', label: 'fail' },
  'not-run': { tone: 'muted', label: 'not run' },
};
type Filter = 'all' | RowStatus;

function Evidence({ row, validationRun }: { row: ComplianceRow; validationRun: string | null }) {
  if (!row.tests.length && !row.scenarios.length) return <span className="muted small">no test, no scenario</span>;
  return (
    <div className="small">
      {row.tests.map((t) => (
        <div key={`${t.file}|${t.title}`}>
          <span className="mono">{t.file}</span> {t.title} <Pill tone={RESULT[t.result].tone}>{RESULT[t.result].label}</Pill>
        </div>
      ))}
      {row.scenarios.map((s) => (
        <div key={s.id}>
          scenario{' '}
          {validationRun ? <Link to={`/validation?run=${encodeURIComponent(validationRun)}`} className="mono">{s.id}</Link> : <span className="mono">{s.id}</span>}{' '}
          <Pill tone={RESULT[s.result].tone}>{RESULT[s.result].label}</Pill>
        </div>
      ))}
    </div>
  );
}

export function Compliance() {
  const { can } = useSession();
  const res = useResource<ComplianceReport>('/compliance');
  const [filter, setFilter] = useState<Filter>('all');
  const missing = res.error instanceof ApiError && res.error.status === 404;
  const report = res.data;
  const rows = report ? report.rows.filter((r) => filter === 'all' || r.status === filter) : [];
  const total = report ? Object.values(report.summary).reduce((a, s) => ({ covered: a.covered + s.covered, failing: a.failing + s.failing, gap: a.gap + s.gap }), { covered: 0, failing: 0, gap: 0 }) : null;
  return (
    <div className="page">
      <PageHeader
        title="Compliance map"
        subtitle="EUCS, BSI C5, ETSI EN 303 645 and OWASP ASVS requirements → the controls implementing them → the tests and validation scenarios proving them, with their latest results."
        actions={
          report ? (
            <a className="btn btn-secondary" href={`${API_BASE}/compliance/html`} target="_blank" rel="noopener">
              Open HTML report
            </a>
          ) : null
        }
      />
      {!missing ? <ErrorNote error={res.error} onRetry={res.reload} /> : null}
      {res.loading && !report ? (
        <Loading />
      ) : missing || !report || !total ? (
        <Card>
          <EmptyState title="No compliance report yet" icon="◇">
            <p>Generate it on the platform host:</p>
            <pre className="code code-inline">npm run compliance</pre>
          </EmptyState>
        </Card>
      ) : (
        <>
          <div className="stats">
            <Stat label="Covered" value={total.covered} tone="ok" />
            <Stat label="Failing" value={total.failing} tone={total.failing ? 'bad' : 'ok'} />
            <Stat label="Gaps" value={total.gap} tone={total.gap ? 'warn' : 'ok'} />
          </div>
          <Card
            title={`Generated ${report.generatedAt.replace('T', ' ').slice(0, 16)} UTC`}
            actions={
              <Segmented<Filter>
                label="Show"
                value={filter}
                onChange={setFilter}
                options={[
                  { value: 'all', label: 'All' },
                  { value: 'gap', label: 'Gaps' },
                  { value: 'failing', label: 'Failing' },
                ]}
              />
            }
          >
            <p className="muted small">
              Test results: {report.sources.testResults ?? 'none recorded'} · validation report:{' '}
              {report.sources.validationReport ? <Link to={`/validation?run=${encodeURIComponent(report.sources.validationReport)}`}>{report.sources.validationReport}</Link> : 'none'}
              {can('audit:verify') ? (
                <>
                  {' '}· <Link to="/audit">verify the audit chain</Link>
                </>
              ) : null}
            </p>
            <DataTable columns={['Requirement', 'Controls', 'Evidence and latest result', 'Status']} testId="compliance-rows">
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <div className="strong mono">{r.id}</div>
                    <div className="muted small">{r.title}</div>
                  </td>
                  <td className="small">
                    {r.controls.length ? r.controls.map((c) => <div key={c.path} className="mono">{c.path}</div>) : <span className="muted">none named</span>}
                  </td>
                  <td>
                    <Evidence row={r} validationRun={report.sources.validationReport} />
                  </td>
                  <td>
                    <Pill tone={STATUS[r.status].tone}>{STATUS[r.status].label}</Pill>
                  </td>
                </tr>
              ))}
            </DataTable>
          </Card>
        </>
      )}
    </div>
  );
}
