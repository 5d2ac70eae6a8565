// Validation runs for evaluators (platform/api/routes/validation.ts): the reports `npm run validate`
// writes, each scenario with the requirement it checks, its indicator, its success criterion and
// the measured value; the HTML report; and, where the platform allows it, starting a fast run.
// When the platform does not serve runs at all, the page says how to produce a report.
import { useEffect, useState } from 'react';
import type { RunProgress, RunState, ValidationRunSummary } from '../../../../platform/contract.ts';
import type { ScenarioResult, ValidationReport } from '../../../../validation/report-types.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { Field } from '../../components/forms.tsx';
import { Button, Card, EmptyState, ErrorNote, Loading, Note, PageHeader, Pill, Stat } from '../../components/ui.tsx';
import { API_BASE, ApiError } from '../../lib/api.ts';
import { formatDayTime, formatDuration, handleName } from '../../lib/format.ts';
import { useAction, useResource } from '../../hooks/resource.ts';
import { setSearch, useLocation } from '../../hooks/router.tsx';
import { useApi, useSession } from '../../hooks/session.tsx';
import { useT, type MessageKey, type T } from '../../i18n/index.tsx';

const STATUS: Record<ScenarioResult['status'], { tone: 'ok' | 'bad' | 'muted'; label: MessageKey }> = {
  pass: { tone: 'ok', label: 'validation.pass' },
  fail: { tone: 'bad', label: 'validation.fail' },
  'not-run': { tone: 'muted', label: 'validation.notRun' },
};

function HowTo() {
  const { t } = useT();
  return (
    <EmptyState title={t('validation.noneTitle')} icon="◇">
      <p>{t('validation.noneBody1')}</p>
      <pre className="code code-inline">npm run validate</pre>
      <p>{t('validation.noneBody2')}</p>
    </EmptyState>
  );
}

function measured(t: T, r: ScenarioResult): string {
  if (r.measured === null || r.measured === undefined) return r.status === 'not-run' ? '—' : t('validation.error');
  return r.unit ? `${r.measured} ${r.unit}` : String(r.measured);
}

function ReportView({ id }: { id: string }) {
  const res = useResource<ValidationReport>(`/validation/runs/${encodeURIComponent(id)}`);
  const { t } = useT();
  if (res.error) return <ErrorNote error={res.error} onRetry={res.reload} />;
  const r = res.data;
  if (!r) return <Loading />;
  return (
    <DataTable
      columns={[t('validation.colScenario'), t('validation.colIndicator'), t('validation.colCriterion'), t('validation.colMeasured'), t('validation.colResult')]}
      testId="validation-results"
    >
      {r.results.map((s) => (
        <tr key={s.id}>
          <td>
            <div className="strong">{s.title}</div>
            <div className="muted small">
              <span className="mono">{s.id}</span> · {s.requirement}
            </div>
          </td>
          <td className="small">{s.indicator}</td>
          <td className="small">{s.criterion}</td>
          <td className="mono small">
            {measured(t, s)}
            {s.status !== 'pass' && s.reason ? <div className="form-error small">{s.reason}</div> : null}
          </td>
          <td>
            <Pill tone={STATUS[s.status].tone}>{t(STATUS[s.status].label)}</Pill>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function RunInProgress({ startedAt, startedBy, progress }: { startedAt: number; startedBy: string; progress: RunProgress | undefined }) {
  const { t } = useT();
  const pct = progress && progress.total ? Math.round((progress.done / progress.total) * 100) : 0;
  return (
    <Card title={t('validation.inProgress')}>
      <div data-testid="validation-progress">
        <p>
          {t('validation.started', { at: formatDayTime(startedAt), who: handleName(startedBy) })}{' '}
          {progress
            ? t(progress.notRun ? 'validation.progressNotRun' : 'validation.progress', { done: progress.done, total: progress.total, pass: progress.pass, fail: progress.fail, notRun: progress.notRun })
            : t('validation.preparing')}
        </p>
        <progress max={progress?.total || 1} value={progress?.done ?? 0} aria-label={t('validation.progressLabel', { pct })} className="run-progress" />
        {progress?.current ? (
          <p className="muted small">
            {t('validation.nowRunning')}
            <span className="strong">{progress.current.title}</span> <span className="mono">({progress.current.id})</span>
          </p>
        ) : null}
      </div>
    </Card>
  );
}

export function Validation() {
  const api = useApi();
  const { t } = useT();
  const { can } = useSession();
  const { search } = useLocation();
  const res = useResource<{ items: ValidationRunSummary[]; canRun: boolean }>('/validation/runs');
  const [current, setCurrent] = useState<RunState | null>(null);
  const missing = res.error instanceof ApiError && (res.error.status === 404 || res.error.status === 501);
  const runs = res.data?.items ?? [];
  const selected = runs.find((r) => r.id === search.get('run')) ?? runs[0];

  const { reload } = res;
  // A run may already be going (started by someone else, or before a reload): ask once on opening.
  useEffect(() => {
    void api.get<RunState>('/validation/current').then(setCurrent, () => undefined);
  }, [api]);
  const start = useAction(async () => {
    setCurrent(await api.post<RunState>('/validation/runs', { profile: 'fast' }));
  });
  // While a run is in progress, ask how it is going every few seconds.
  useEffect(() => {
    if (current?.state !== 'running') return;
    const timer = setInterval(() => {
      void api.get<RunState>('/validation/current').then((c) => {
        setCurrent(c);
        if (c.state !== 'running') reload();
      });
    }, 2000);
    return () => clearInterval(timer);
  }, [api, current?.state, reload]);

  const mayRun = Boolean(res.data?.canRun) && can('validation:run');
  return (
    <div className="page">
      <PageHeader
        title={t('validation.title')}
        subtitle={t('validation.subtitle')}
        actions={
          mayRun ? (
            <Button variant="primary" busy={start.busy || current?.state === 'running'} onClick={() => void start.run()}>
              {current?.state === 'running' ? t('validation.running') : t('validation.run')}
            </Button>
          ) : null
        }
      />
      {start.error ? <ErrorNote error={start.error} /> : null}
      {current?.state === 'failed' ? <Note tone="error">{current.error}</Note> : null}
      {!missing ? <ErrorNote error={res.error} onRetry={res.reload} /> : null}
      {current?.state === 'running' ? <RunInProgress startedAt={current.startedAt} startedBy={current.startedBy} progress={current.progress} /> : null}
      {res.loading && !res.data ? (
        <Loading />
      ) : current?.state === 'running' && !runs.length ? null : missing || !runs.length ? (
        <Card>
          <HowTo />
        </Card>
      ) : selected ? (
        <>
          <div className="stats">
            <Stat label={t('validation.scenarios')} value={selected.summary.total} hint={t('validation.profile', { profile: selected.profile, duration: formatDuration(selected.durationMs) })} />
            <Stat label={t('validation.passed')} value={selected.summary.pass} tone="ok" />
            <Stat label={t('validation.failed')} value={selected.summary.fail} tone={selected.summary.fail ? 'bad' : 'ok'} />
            <Stat label={t('validation.notRun')} value={selected.summary.notRun} tone={selected.summary.notRun ? 'warn' : undefined} />
          </div>
          <Card
            title={t('validation.runOf', { at: formatDayTime(Date.parse(selected.startedAt)) })}
            actions={
              <>
                {runs.length > 1 ? (
                  <Field id="run" label={t('validation.runLabel')} inline>
                    <select id="run" value={selected.id} onChange={(e) => setSearch({ run: e.target.value })}>
                      {runs.map((r) => (
                        <option key={r.id} value={r.id}>
                          {r.summary.fail
                            ? t('validation.runFailed', { at: formatDayTime(Date.parse(r.startedAt)), count: r.summary.fail })
                            : t('validation.allPassed', { at: formatDayTime(Date.parse(r.startedAt)) })}
                        </option>
                      ))}
                    </select>
                  </Field>
                ) : null}
                {selected.html ? (
                  <a className="btn btn-secondary" href={`${API_BASE}/validation/runs/${encodeURIComponent(selected.id)}/html`} target="_blank" rel="noopener">
                    {t('validation.html')}
                  </a>
                ) : null}
              </>
            }
          >
            <ReportView key={selected.id} id={selected.id} />
          </Card>
        </>
      ) : null}
    </div>
  );
}
