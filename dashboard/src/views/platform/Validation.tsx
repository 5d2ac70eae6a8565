// Validation runs for evaluators: the platform's promises checked by scenarios with measured
// indicators. Shows runs when the platform lists them, and otherwise how to produce one.
import { Card, EmptyState, ErrorNote, Loading, PageHeader, Pill } from '../../components/ui.tsx';
import { ApiError } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useResource } from '../../hooks/resource.ts';

interface ScenarioResult {
  id?: string;
  name?: string;
  requirement?: string;
  indicator?: string;
  criterion?: string;
  measured?: string | number;
  unit?: string;
  passed?: boolean;
  ok?: boolean;
}

interface ValidationRun {
  id: string;
  startedAt?: number;
  finishedAt?: number;
  passed?: number;
  failed?: number;
  ok?: boolean;
  scenarios?: ScenarioResult[];
  reportUrl?: string;
}

function HowTo() {
  return (
    <EmptyState title="No validation runs yet" icon="◇">
      <p>Run the scenarios from a terminal on the platform host:</p>
      <pre className="code">npm run validate</pre>
      <p>It starts a fresh platform on free ports, runs every scenario, prints the table and writes JSON and HTML reports to the reports folder.</p>
    </EmptyState>
  );
}

export function Validation() {
  const res = useResource<{ items: ValidationRun[] }>('/validation/runs');
  const missing = res.error instanceof ApiError && (res.error.status === 404 || res.error.status === 501);
  const runs = res.data?.items ?? [];
  return (
    <div className="page">
      <PageHeader title="Validation runs" subtitle="Each scenario states the requirement it checks, its indicator and its success criterion, and records the measured value." />
      {!missing ? <ErrorNote error={res.error} onRetry={res.reload} /> : null}
      {res.loading && !res.data ? (
        <Loading />
      ) : missing || !runs.length ? (
        <Card>
          <HowTo />
        </Card>
      ) : (
        runs.map((run) => {
          const ok = run.ok ?? (run.failed === 0);
          return (
            <Card
              key={run.id}
              title={`Run ${run.startedAt ? formatDateTime(run.startedAt) : run.id}`}
              actions={ok ? <Pill tone="ok">All criteria met</Pill> : <Pill tone="bad">{run.failed ?? '?'} failed</Pill>}
            >
              {run.scenarios?.length ? (
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Scenario</th>
                      <th scope="col">Indicator</th>
                      <th scope="col">Criterion</th>
                      <th scope="col">Measured</th>
                      <th scope="col">Result</th>
                    </tr>
                  </thead>
                  <tbody>
                    {run.scenarios.map((s, i) => {
                      const pass = s.passed ?? s.ok;
                      return (
                        <tr key={s.id ?? i}>
                          <td>
                            <div className="strong">{s.name ?? s.id}</div>
                            {s.requirement ? <div className="muted small">{s.requirement}</div> : null}
                          </td>
                          <td>{s.indicator ?? '—'}</td>
                          <td>{s.criterion ?? '—'}</td>
                          <td className="mono">
                            {s.measured ?? '—'} {s.unit ?? ''}
                          </td>
                          <td>{pass ? <Pill tone="ok">Pass</Pill> : <Pill tone="bad">Fail</Pill>}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              ) : (
                <p className="muted">No scenario details in this run.</p>
              )}
            </Card>
          );
        })
      )}
    </div>
  );
}
