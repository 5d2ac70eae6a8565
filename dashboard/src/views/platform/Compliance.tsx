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
import { formatDayTime } from '../../lib/format.ts';
import { useT, type MessageKey } from '../../i18n/index.tsx';

const STATUS: Record<RowStatus, { tone: 'ok' | 'bad' | 'warn'; label: MessageKey }> = {
  covered: { tone: 'ok', label: 'compliance.covered' },
  failing: { tone: 'bad', label: 'compliance.failing' },
  gap: { tone: 'warn', label: 'compliance.gap' },
};
const RESULT: Record<Result, { tone: 'ok' | 'bad' | 'muted'; label: MessageKey }> = {
  pass: { tone: 'ok', label: 'compliance.pass' },
  fail: { tone: 'bad', label: 'compliance.fail' },
  'not-run': { tone: 'muted', label: 'compliance.notRun' },
};
type Filter = 'all' | RowStatus;

function Evidence({ row, validationRun }: { row: ComplianceRow; validationRun: string | null }) {
  const { t } = useT();
  if (!row.tests.length && !row.scenarios.length) return <span className="muted small">{t('compliance.noEvidence')}</span>;
  return (
    <div className="small">
      {row.tests.map((test) => (
        <div key={`${test.file}|${test.title}`}>
          <span className="mono">{test.file}</span> {test.title} <Pill tone={RESULT[test.result].tone}>{t(RESULT[test.result].label)}</Pill>
        </div>
      ))}
      {row.scenarios.map((s) => (
        <div key={s.id}>
          {t('compliance.scenario')}{' '}
          {validationRun ? <Link to={`/validation?run=${encodeURIComponent(validationRun)}`} className="mono">{s.id}</Link> : <span className="mono">{s.id}</span>}{' '}
          <Pill tone={RESULT[s.result].tone}>{t(RESULT[s.result].label)}</Pill>
        </div>
      ))}
    </div>
  );
}

export function Compliance() {
  const { can } = useSession();
  const { t } = useT();
  const res = useResource<ComplianceReport>('/compliance');
  const [filter, setFilter] = useState<Filter>('all');
  const missing = res.error instanceof ApiError && res.error.status === 404;
  const report = res.data;
  const rows = report ? report.rows.filter((r) => filter === 'all' || r.status === filter) : [];
  const total = report ? Object.values(report.summary).reduce((a, s) => ({ covered: a.covered + s.covered, failing: a.failing + s.failing, gap: a.gap + s.gap }), { covered: 0, failing: 0, gap: 0 }) : null;
  return (
    <div className="page">
      <PageHeader
        title={t('compliance.title')}
        subtitle={t('compliance.subtitle')}
        actions={
          report ? (
            <a className="btn btn-secondary" href={`${API_BASE}/compliance/html`} target="_blank" rel="noopener">
              {t('compliance.html')}
            </a>
          ) : null
        }
      />
      {!missing ? <ErrorNote error={res.error} onRetry={res.reload} /> : null}
      {res.loading && !report ? (
        <Loading />
      ) : missing || !report || !total ? (
        <Card>
          <EmptyState title={t('compliance.noneTitle')} icon="◇">
            <p>{t('compliance.noneBody')}</p>
            <pre className="code code-inline">npm run compliance</pre>
          </EmptyState>
        </Card>
      ) : (
        <>
          <div className="stats">
            <Stat label={t('compliance.covered')} value={total.covered} tone="ok" />
            <Stat label={t('compliance.failing')} value={total.failing} tone={total.failing ? 'bad' : 'ok'} />
            <Stat label={t('compliance.gaps')} value={total.gap} tone={total.gap ? 'warn' : 'ok'} />
          </div>
          <Card
            title={t('compliance.generated', {
              at: Number.isFinite(Date.parse(report.generatedAt)) ? formatDayTime(Date.parse(report.generatedAt), { timeZone: 'UTC' }) : report.generatedAt,
            })}
            actions={
              <Segmented<Filter>
                label={t('compliance.show')}
                value={filter}
                onChange={setFilter}
                options={[
                  { value: 'all', label: t('compliance.all') },
                  { value: 'gap', label: t('compliance.gaps') },
                  { value: 'failing', label: t('compliance.failing') },
                ]}
              />
            }
          >
            <p className="muted small">
              {t('compliance.sources', { results: report.sources.testResults ?? t('compliance.noneRecorded') })}
              {report.sources.validationReport ? (
                <Link to={`/validation?run=${encodeURIComponent(report.sources.validationReport)}`}>{report.sources.validationReport}</Link>
              ) : (
                t('compliance.none')
              )}
              {can('audit:verify') ? (
                <>
                  {' '}· <Link to="/audit">{t('compliance.verify')}</Link>
                </>
              ) : null}
            </p>
            <DataTable columns={[t('compliance.colRequirement'), t('compliance.colControls'), t('compliance.colEvidence'), t('compliance.colStatus')]} testId="compliance-rows">
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <div className="strong mono">{r.id}</div>
                    <div className="muted small">{r.title}</div>
                  </td>
                  <td className="small">
                    {r.controls.length ? r.controls.map((c) => <div key={c.path} className="mono">{c.path}</div>) : <span className="muted">{t('compliance.noneNamed')}</span>}
                  </td>
                  <td>
                    <Evidence row={r} validationRun={report.sources.validationReport} />
                  </td>
                  <td>
                    <Pill tone={STATUS[r.status].tone}>{t(STATUS[r.status].label)}</Pill>
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
