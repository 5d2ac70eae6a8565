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

const STATUS: Record<ScenarioResult['status'], { tone: 'ok' | 'bad' | 'muted'; label: string }> = {
  pass: { tone: 'ok', label: 'Pass' },
  fail: { tone: 'bad', label: 'Fail' },
  'not-run': { tone: 'muted', label: 'Not run' },
};

function HowTo() {
  return (
    <EmptyState title="No validation runs yet" icon="◇">
      <p>Run the scenarios from a terminal on the platform host:</p>
      <pre className="code code-inline">npm run validate</pre>
      <p>It starts a fresh platform on free ports, runs every scenario, prints the table and writes JSON and HTML reports to the reports folder, which this page lists.</p>
    </EmptyState>
  );
}

function measured(r: ScenarioResult): string {
  if (r.measured === null || r.measured === undefined) return r.status === 'not-run' ? '—' : 'error';
  return r.unit ? `${r.measured} ${r.unit}` : String(r.measured);
}

function ReportView({ id }: { id: string }) {
  const res = useResource<ValidationReport>(`/validation/runs/${encodeURIComponent(id)}`);
  if (res.error) return <ErrorNote error={res.error} onRetry={res.reload} />;
  const r = res.data;
  if (!r) return <Loading />;
  return (
    <DataTable columns={['Scenario', 'Indicator', 'Success criterion', 'Measured', 'Result']} testId="validation-results">
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
            {measured(s)}
            {s.status !== 'pass' && s.reason ? <div className="form-error small">{s.reason}</div> : null}
          </td>
          <td>
            <Pill tone={STATUS[s.status].tone}>{STATUS[s.status].label}</Pill>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function RunInProgress({ startedAt, startedBy, progress }: { startedAt: number; startedBy: string; progress: RunProgress | undefined }) {
  const pct = progress && progress.total ? Math.round((progress.done / progress.total) * 100) : 0;
  return (
    <Card title="Run in progress">
      <div data-testid="validation-progress">
        <p>
          Started {formatDayTime(startedAt)} by {handleName(startedBy)}.{' '}
          {progress ? `${progress.done} of ${progress.total} scenarios done: ${progress.pass} passed, ${progress.fail} failed${progress.notRun ? `, ${progress.notRun} not run` : ''}.` : 'Preparing the scenarios…'}
        </p>
        <progress max={progress?.total || 1} value={progress?.done ?? 0} aria-label={`Validation run: ${pct} % done`} className="run-progress" />
        {progress?.current ? (
          <p className="muted small">
            Now running: <span className="strong">{progress.current.title}</span> <span className="mono">({progress.current.id})</span>
          </p>
        ) : null}
      </div>
    </Card>
  );
}

export function Validation() {
  const api = useApi();
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
    const t = setInterval(() => {
      void api.get<RunState>('/validation/current').then((c) => {
        setCurrent(c);
        if (c.state !== 'running') reload();
      });
    }, 2000);
    return () => clearInterval(t);
  }, [api, current?.state, reload]);

  const mayRun = Boolean(res.data?.canRun) && can('validation:run');
  return (
    <div className="page">
      <PageHeader
        title="Validation runs"
        subtitle="Each scenario states the requirement it checks, its indicator and its success criterion, and records the measured value."
        actions={
          mayRun ? (
            <Button variant="primary" busy={start.busy || current?.state === 'running'} onClick={() => void start.run()}>
              {current?.state === 'running' ? 'Running fast scenarios…' : 'Run fast scenarios'}
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
            <Stat label="Scenarios" value={selected.summary.total} hint={`${selected.profile} profile · ${formatDuration(selected.durationMs)}`} />
            <Stat label="Passed" value={selected.summary.pass} tone="ok" />
            <Stat label="Failed" value={selected.summary.fail} tone={selected.summary.fail ? 'bad' : 'ok'} />
            <Stat label="Not run" value={selected.summary.notRun} tone={selected.summary.notRun ? 'warn' : undefined} />
          </div>
          <Card
            title={`Run of ${formatDayTime(Date.parse(selected.startedAt))}`}
            actions={
              <>
                {runs.length > 1 ? (
                  <Field id="run" label="Run" inline>
                    <select id="run" value={selected.id} onChange={(e) => setSearch({ run: e.target.value })}>
                      {runs.map((r) => (
                        <option key={r.id} value={r.id}>
                          {formatDayTime(Date.parse(r.startedAt))} — {r.summary.fail ? `${r.summary.fail} failed` : 'all passed'}
                        </option>
                      ))}
                    </select>
                  </Field>
                ) : null}
                {selected.html ? (
                  <a className="btn btn-secondary" href={`${API_BASE}/validation/runs/${encodeURIComponent(selected.id)}/html`} target="_blank" rel="noopener">
                    Open HTML report
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
