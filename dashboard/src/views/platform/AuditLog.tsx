// The audit log of the caller's chain (the tenant's for an auditor, the platform's own for the
// platform operator): filters, newest first, the details of each entry, and 'Verify chain',
// which re-checks every hash link and signed checkpoint on the server and shows the verdict.
// Actions filter by readable group (or one action), the actor filter matches a name without its
// "user:" prefix, targets are named where the viewer may see names, and what the filters show
// exports as CSV or JSON (lib/audit.ts).
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import { DataTable } from '../../components/DataTable.tsx';
import { Field } from '../../components/forms.tsx';
import { Button, Card, ErrorNote, Loading, PageHeader, Pill } from '../../components/ui.tsx';
import { queryString } from '../../lib/api.ts';
import { ACTION_GROUPS, auditCsv, auditJson, filterEntries, groupOf, OTHER_GROUP, targetName } from '../../lib/audit.ts';
import { formatDateTime } from '../../lib/format.ts';
import type { AuditEntry, VerifyResult } from '../../lib/types.ts';
import { useAction } from '../../hooks/resource.ts';
import { setSearch, useLocation } from '../../hooks/router.tsx';
import { useApi, useMe } from '../../hooks/session.tsx';
import { useTargetNames } from '../../hooks/target-names.ts';
import { known, useT } from '../../i18n/index.tsx';

const PERIODS = [
  { value: '1h', label: 'audit.lastHour', ms: 3_600_000 },
  { value: '24h', label: 'audit.last24h', ms: 86_400_000 },
  { value: '7d', label: 'audit.last7d', ms: 7 * 86_400_000 },
  { value: 'all', label: 'audit.everything', ms: 0 },
] as const;
const MAX_ENTRIES = 5000;
const PAGE = 100;

function Verdict({ result }: { result: VerifyResult }) {
  const { t } = useT();
  if (result.ok) {
    return (
      <div className="verdict verdict-ok" role="status" data-testid="verify-result">
        <div className="verdict-icon" aria-hidden="true">
          ✓
        </div>
        <div>
          <div className="verdict-title">{t('audit.verifiedTitle')}</div>
          <div>{t('audit.verified', { entries: result.entries, count: result.checkpoints })}</div>
          <div className="mono small muted">{t('audit.head', { seq: String(result.headSeq), hash: result.headHash.slice(0, 16) })}</div>
        </div>
      </div>
    );
  }
  return (
    <div className="verdict verdict-bad" role="alert" data-testid="verify-result">
      <div className="verdict-icon" aria-hidden="true">
        !
      </div>
      <div>
        <div className="verdict-title">{t('audit.brokenTitle', { seq: String(result.firstBrokenSeq) })}</div>
        {/* The server's own words. */}
        <div>
          {result.reason}: {result.detail}
        </div>
        <div className="small muted">{t('audit.brokenBefore', { count: result.entriesChecked })}</div>
      </div>
    </div>
  );
}

function download(text: string, type: string, filename: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function outcomeTone(o: AuditEntry['outcome']) {
  return o === 'success' ? 'ok' : o === 'denied' ? 'bad' : 'warn';
}

// size: one page: its filters, paging and table share the query state; the rows and badges are components
export function AuditLog() {
  const api = useApi();
  const me = useMe();
  const { t } = useT();
  const { search } = useLocation();
  const period = PERIODS.find((p) => p.value === search.get('period')) ?? PERIODS[1];
  // `group:<id>` filters by readable group here; a single action is filtered by the server.
  const actionChoice = search.get('action') ?? '';
  const group = actionChoice.startsWith('group:') ? actionChoice.slice('group:'.length) : '';
  const action = group ? '' : actionChoice;
  const actor = search.get('actor') ?? '';
  const outcome = search.get('outcome') ?? '';
  const [entries, setEntries] = useState<AuditEntry[] | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [truncated, setTruncated] = useState(false);
  const [shown, setShown] = useState(PAGE);
  const [open, setOpen] = useState<number | null>(null);
  const [version, setVersion] = useState(0);
  const [result, setResult] = useState<VerifyResult | undefined>();

  useEffect(() => {
    const ctrl = new AbortController();
    setEntries(undefined);
    setError(undefined);
    setShown(PAGE);
    void (async () => {
      const out: AuditEntry[] = [];
      let from: number | null = 1;
      const since = period.ms ? Date.now() - period.ms : undefined;
      try {
        while (from !== null && out.length < MAX_ENTRIES) {
          const page: { items: AuditEntry[]; nextFromSeq: number | null } = await api.get(
            `/audit${queryString({ fromSeq: from, limit: 1000, since, action, outcome })}`,
            { signal: ctrl.signal },
          );
          out.push(...page.items);
          from = page.nextFromSeq;
        }
        setTruncated(from !== null);
        setEntries(out.reverse());
      } catch (err) {
        if (!ctrl.signal.aborted) setError(err instanceof Error ? err : new Error(String(err)));
      }
    })();
    return () => ctrl.abort();
  }, [api, period.ms, action, outcome, version]);
  const names = useTargetNames();
  const filtered = useMemo(() => (entries ? filterEntries(entries, { group, actor }) : undefined), [entries, group, actor]);
  const exportAs = (kind: 'csv' | 'json') => {
    if (!filtered) return;
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    const base = `audit-${me.tenant?.id ?? 'platform'}-${stamp}`;
    if (kind === 'csv') download(auditCsv(filtered, names, t), 'text/csv;charset=utf-8', `${base}.csv`);
    else download(auditJson(filtered, names, { chain: me.tenant?.id ?? '_platform', filters: { period: period.value, action: actionChoice, actor, outcome }, exportedAt: Date.now() }), 'application/json', `${base}.json`);
  };

  const verify = useAction(async () => {
    setResult(await api.post<VerifyResult>('/audit/verify'));
  });

  // Actions seen in any load so far: filtering by one action must not empty the list of the others.
  const seenActions = useRef(new Set<string>());
  const actions = useMemo(() => {
    for (const e of entries ?? []) seenActions.current.add(e.action);
    return [...seenActions.current].sort();
  }, [entries]);
  const [draftActor, setDraftActor] = useState(actor);

  return (
    <div className="page">
      <PageHeader
        title={t('audit.title')}
        subtitle={me.tenant ? t('audit.subtitleTenant', { tenant: me.tenant.name }) : t('audit.subtitlePlatform')}
        actions={
          <Button variant="primary" busy={verify.busy} onClick={() => void verify.run()}>
            {t('audit.verify')}
          </Button>
        }
      />
      {verify.error ? <ErrorNote error={verify.error} /> : null}
      {result ? <Verdict result={result} /> : null}
      <Card>
        <form className="filters" onSubmit={(e) => (e.preventDefault(), setSearch({ actor: draftActor.trim() }))} aria-label={t('audit.filters')}>
          <Field id="f-period" label={t('audit.period')}>
            <select id="f-period" value={period.value} onChange={(e) => setSearch({ period: e.target.value === '24h' ? undefined : e.target.value })}>
              {PERIODS.map((p) => (
                <option key={p.value} value={p.value}>
                  {t(p.label)}
                </option>
              ))}
            </select>
          </Field>
          <Field id="f-action" label={t('audit.action')}>
            <select id="f-action" value={actionChoice} onChange={(e) => setSearch({ action: e.target.value })}>
              <option value="">{t('audit.anyAction')}</option>
              {[...ACTION_GROUPS, OTHER_GROUP].map((g) => {
                const mine = [...new Set([...actions, ...(action ? [action] : [])])].filter((a) => groupOf(a).id === g.id);
                const label = t(`auditGroup.${g.id}`);
                return (
                  <optgroup key={g.id} label={label}>
                    <option value={`group:${g.id}`}>{t('audit.allOf', { group: label.toLowerCase() })}</option>
                    {mine.map((a) => (
                      <option key={a} value={a}>
                        {a}
                      </option>
                    ))}
                  </optgroup>
                );
              })}
            </select>
          </Field>
          <Field id="f-outcome" label={t('audit.outcome')}>
            <select id="f-outcome" value={outcome} onChange={(e) => setSearch({ outcome: e.target.value })}>
              <option value="">{t('audit.anyOutcome')}</option>
              <option value="success">{t('audit.success')}</option>
              <option value="failure">{t('audit.failure')}</option>
              <option value="denied">{t('audit.denied')}</option>
            </select>
          </Field>
          <Field id="f-actor" label={t('audit.actor')}>
            <input id="f-actor" value={draftActor} onChange={(e) => setDraftActor(e.target.value)} placeholder={t('audit.actorPlaceholder')} onBlur={() => setSearch({ actor: draftActor.trim() })} />
          </Field>
          <div className="filters-end">
            <Button type="submit">{t('audit.apply')}</Button>
            <Button variant="ghost" onClick={() => setVersion((v) => v + 1)}>
              {t('audit.refresh')}
            </Button>
            <Button disabled={!filtered?.length} onClick={() => exportAs('csv')}>
              {t('audit.exportCsv')}
            </Button>
            <Button disabled={!filtered?.length} onClick={() => exportAs('json')}>
              {t('audit.exportJson')}
            </Button>
          </div>
        </form>
        <ErrorNote error={error} onRetry={() => setVersion((v) => v + 1)} />
        {!entries && !error ? (
          <Loading label={t('audit.reading')} />
        ) : filtered ? (
          <>
            <p className="muted small" role="status">
              {t('audit.count', { count: filtered.length })}
              {truncated ? t('audit.truncated', { max: MAX_ENTRIES }) : ''}
              {t('audit.newestFirst')}
            </p>
            <DataTable
              columns={[
                { label: '#', className: 'num' },
                t('audit.colTime'),
                t('audit.colActor'),
                t('audit.colAction'),
                t('audit.colTarget'),
                t('audit.colOutcome'),
                { label: <span className="visually-hidden">{t('audit.colDetails')}</span> },
              ]}
              className="table-audit"
              testId="audit-table"
            >
              {filtered.slice(0, shown).map((e) => (
                <Fragment key={e.seq}>
                  <tr>
                    <td className="num mono">{e.seq}</td>
                    <td className="nowrap">{formatDateTime(e.ts)}</td>
                    <td className="mono small">{e.actor}</td>
                    <td className="mono small">{e.action}</td>
                    <td className="small break">
                      <Target target={e.target} name={targetName(e.target, names)} />
                    </td>
                    <td>
                      <Pill tone={outcomeTone(e.outcome)}>{known(t, `outcome.${e.outcome}`, e.outcome)}</Pill>
                    </td>
                    <td>
                      <button type="button" className="link-btn" aria-expanded={open === e.seq} onClick={() => setOpen(open === e.seq ? null : e.seq)}>
                        {open === e.seq ? t('audit.hide') : t('audit.details')}
                      </button>
                    </td>
                  </tr>
                  {open === e.seq ? (
                    <tr className="detail-row">
                      <td colSpan={7}>
                        <pre className="code">{pretty(e.details)}</pre>
                        <div className="mono small muted">{t('audit.hashes', { hash: e.hash, previous: e.prevHash })}</div>
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </DataTable>
            {filtered.length > shown ? (
              <div className="more">
                <Button onClick={() => setShown((s) => s + PAGE * 2)}>{t('audit.more', { count: filtered.length - shown })}</Button>
              </div>
            ) : null}
          </>
        ) : null}
      </Card>
    </div>
  );
}

function Target({ target, name }: { target: string; name: string | null }) {
  if (!name) return <span className="mono break">{target}</span>;
  return (
    <>
      <span className="strong" data-testid="audit-target-name">
        {name}
      </span>
      <br />
      <span className="mono muted break">{target}</span>
    </>
  );
}

function pretty(details: string): string {
  try {
    return JSON.stringify(JSON.parse(details), null, 2);
  } catch {
    return details;
  }
}
