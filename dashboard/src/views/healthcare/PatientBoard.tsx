// The ward board: every monitored patient with the live NEWS2 score and band, last vitals with
// trend sparklines, alarms, consent and device state; the most urgent first. Loads the summaries
// and the last hours of vitals once, then follows the realtime link. Searchable by name or by
// identifier (looked up on the FHIR API, which audits it: the summaries carry no identifier), and
// the cards hold still while the pointer or focus is on them.
import { useEffect, useMemo, useState } from 'react';
import { BatteryBadge, News2Badge } from '../../components/badges.tsx';
import { Sparkline } from '../../components/Sparkline.tsx';
import { Field } from '../../components/forms.tsx';
import { EmptyState, ErrorNote, Loading, PageHeader, Pill, Stat } from '../../components/ui.tsx';
import { queryString } from '../../lib/api.ts';
import { formatAgo, formatDateTime, formatNumber, VITALS } from '../../lib/format.ts';
import { applyNews2, applyPresence, applyTrends, applyVitals, boardFilter, CONDITION_LABEL, DEVICE_LABEL, HC, numericPoints, sortDevices, TREND_KEYS, trendScale, type PatientSummary, type Trends } from '../../lib/healthcare.ts';
import { byUrgency } from '../../lib/news2.ts';
import { bucketMean, trendOf } from '../../lib/series.ts';
import { useAlarms } from '../../hooks/alarms.ts';
import { useNow } from '../../hooks/now.ts';
import { useOnReconnect, useRealtimeEvent } from '../../hooks/realtime.tsx';
import { useResource } from '../../hooks/resource.ts';
import { Link, setSearch, useLocation } from '../../hooks/router.tsx';
import { useApi, useSession } from '../../hooks/session.tsx';
import { heldOrder, looksLikeIdentifier } from '../../lib/stable-order.ts';
import { EnrolPatient } from './Enrol.tsx';

const TREND_WINDOW = 6 * 60 * 60_000;
const ARROW = { rising: '↑', falling: '↓', steady: '' } as const;

/** The last hours of each patient's vitals for the sparklines (a few requests at a time). */
function useTrends(ids: string[]) {
  const api = useApi();
  const [trends, setTrends] = useState<Record<string, Trends>>({});
  const key = ids.join(',');
  useEffect(() => {
    if (!key) return;
    const ctrl = new AbortController();
    const from = Date.now() - TREND_WINDOW;
    const queue = key.split(',');
    const worker = async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        try {
          const r = await api.get<{ series: Record<string, [number, unknown][]> }>(`${HC}/patients/${encodeURIComponent(id)}/vitals${queryString({ from })}`, { signal: ctrl.signal });
          const t: Trends = {};
          for (const k of TREND_KEYS) t[k] = bucketMean(numericPoints(r.series[k]), 5 * 60_000);
          setTrends((prev) => ({ ...prev, [id]: mergeLive(prev[id], t) }));
        } catch {
          if (ctrl.signal.aborted) return;
        }
      }
    };
    void Promise.all([worker(), worker(), worker()]);
    return () => ctrl.abort();
  }, [api, key]);
  return [trends, setTrends] as const;
}

/** Live points that arrived while the history was loading are kept after it. */
function mergeLive(live: Trends | undefined, loaded: Trends): Trends {
  const out: Trends = {};
  for (const k of TREND_KEYS) {
    const last = loaded[k]?.at(-1)?.[0] ?? 0;
    const extra = (live?.[k] ?? []).filter((p) => p[0] > last);
    out[k] = [...(loaded[k] ?? []), ...extra];
  }
  return out;
}

/** The patient id an identifier names, via the FHIR Patient search; undefined while not asked. */
function useIdentifierMatch(q: string, allowed: boolean): string | null | undefined {
  const [found, setFound] = useState<{ q: string; id: string | null } | undefined>();
  const ask = allowed && looksLikeIdentifier(q) ? q.trim() : null;
  useEffect(() => {
    if (!ask) return;
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      fetch(`/fhir/R4/Patient${queryString({ identifier: ask })}`, { credentials: 'same-origin', headers: { accept: 'application/fhir+json' }, signal: ctrl.signal })
        .then((r) => (r.ok ? (r.json() as Promise<{ entry?: { resource: { id: string } }[] }>) : { entry: [] }))
        .then((b) => setFound({ q: ask, id: b.entry?.[0]?.resource.id ?? null }))
        .catch(() => undefined);
    }, 250);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [ask]);
  return ask && found?.q === ask ? found.id : undefined;
}

function VitalCell({ k, value, points, now, scale }: { k: (typeof TREND_KEYS)[number]; value: number | undefined; points: readonly (readonly [number, number])[]; now: number; scale: 1 | 2 }) {
  const meta = VITALS[k]!;
  const sc = trendScale(k, scale);
  const dir = trendOf(points.slice(-6), k === 'temperature' ? 0.4 : k === 'spo2' ? 1.5 : 3);
  return (
    <div className="vital">
      <div className="vital-head">
        <span className="vital-name">{meta.short}</span>
        <span className="vital-value">
          {value === undefined ? '—' : formatNumber(value, meta.decimals)}
          <span className="vital-unit">{value === undefined ? '' : meta.unit}</span>
          {dir !== 'steady' ? (
            <span className="vital-trend" aria-label={dir}>
              {ARROW[dir]}
            </span>
          ) : null}
        </span>
      </div>
      <Sparkline points={points} range={sc.range} normal={sc.normal} width={104} height={26} from={now - TREND_WINDOW} to={now} label={`${meta.label}, last 6 hours; shaded band: scores 0 on NEWS2`} />
    </div>
  );
}

function PatientCard({ p, trends, unacked, now }: { p: PatientSummary; trends: Trends | undefined; unacked: number; now: number }) {
  const band = p.latestNews2?.band ?? 'none';
  const offline = p.devices.filter((d) => !d.online);
  const hub = p.devices.find((d) => d.kind === 'home-hub');
  const stale = p.lastVitals.at !== null && now - p.lastVitals.at > 2 * 60 * 60_000;
  return (
    <li className={`pcard band-${band}`} data-testid="patient-card" data-patient-id={p.id}>
      <Link to={`/care/patients/${encodeURIComponent(p.id)}`} className="pcard-link" aria-label={`${p.displayName}: open patient record`}>
        <div className="pcard-head">
          <News2Badge news2={p.latestNews2} />
          <div className="pcard-who">
            <div className="pcard-name">{p.displayName}</div>
            <div className="pcard-sub">
              {p.age} y · {p.sex === 'female' ? 'F' : p.sex === 'male' ? 'M' : p.sex}
              {p.conditions.length ? ` · ${p.conditions.map((c) => CONDITION_LABEL[c] ?? c).join(', ')}` : ''}
              {p.scale === 2 ? ' · SpO₂ scale 2' : ''}
            </div>
          </div>
          {unacked > 0 ? (
            <span className="pcard-alarm" title={`${unacked} unacknowledged alarm${unacked > 1 ? 's' : ''}`}>
              <span aria-hidden="true">!</span> {unacked} alarm{unacked > 1 ? 's' : ''}
            </span>
          ) : p.activeAlarms > 0 ? (
            <Pill tone="warn">{p.activeAlarms} open</Pill>
          ) : null}
        </div>
        <div className="pcard-vitals">
          {TREND_KEYS.map((k) => (
            <VitalCell key={k} k={k} value={p.lastVitals[k]} points={trends?.[k] ?? []} now={now} scale={p.scale} />
          ))}
        </div>
        <div className="pcard-foot">
          <span className={stale ? 'warn-text' : ''} title={p.lastVitals.at ? formatDateTime(p.lastVitals.at) : undefined}>
            {p.lastVitals.at ? `Last reading ${formatAgo(p.lastVitals.at, now)}` : 'No readings yet'}
          </span>
          {p.lastVitals.systolic !== undefined ? (
            <span>
              BP {formatNumber(p.lastVitals.systolic)}/{formatNumber(p.lastVitals.diastolic)}
            </span>
          ) : null}
          {p.consent !== 'given' ? <Pill tone="bad">Consent {p.consent === 'none' ? 'not recorded' : 'withdrawn'}</Pill> : null}
          <span className="pcard-devices">
            {offline.length ? (
              <span className="dot-label is-offline" title={offline.map((d) => DEVICE_LABEL[d.kind] ?? d.kind).join(', ')}>
                <span className="dot" aria-hidden="true" />
                {offline.length} device{offline.length > 1 ? 's' : ''} offline
              </span>
            ) : (
              <span className="dot-label is-online">
                <span className="dot" aria-hidden="true" />
                Devices online
              </span>
            )}
            {hub ? <BatteryBadge level={hub.battery} /> : null}
          </span>
        </div>
      </Link>
    </li>
  );
}

export function PatientBoard() {
  const now = useNow();
  const { can } = useSession();
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const attention = search.get('show') === 'attention';
  const board = useResource<{ items: PatientSummary[] }>(`${HC}/patients`);
  const { mutate, reload } = board;
  const { alarms } = useAlarms();
  const ids = useMemo(() => (board.data?.items ?? []).map((p) => p.id).sort(), [board.data?.items]);
  const [trends, setTrends] = useTrends(ids);
  const byIdentifier = useIdentifierMatch(q, can('export:fhir'));
  const [held, setHeld] = useState<string[] | null>(null);

  useRealtimeEvent('hc.vitals', (events) => {
    mutate((prev) => (prev ? { items: applyVitals(prev.items, events) } : prev));
    setTrends((prev) => applyTrends(prev, events, TREND_WINDOW, Date.now()));
  });
  useRealtimeEvent('hc.news2', (e) => mutate((prev) => (prev ? { items: applyNews2(prev.items, e) } : prev)));
  useRealtimeEvent('presence', (e) => mutate((prev) => (prev ? { items: applyPresence(prev.items, e) } : prev)));
  useOnReconnect(reload);

  // Alarm counts follow the live alarm list (the summaries' counts are as of loading).
  const openBy = useMemo(() => {
    const open = new Map<string, { open: number; unacked: number }>();
    for (const a of alarms ?? []) {
      if (!a.subject || a.state === 'cleared') continue;
      const c = open.get(a.subject) ?? { open: 0, unacked: 0 };
      c.open++;
      if (a.state === 'active-unacknowledged') c.unacked++;
      open.set(a.subject, c);
    }
    return open;
  }, [alarms]);

  const items = useMemo(() => {
    const withAlarms = (board.data?.items ?? []).map((p) => (alarms ? { ...p, activeAlarms: openBy.get(p.id)?.open ?? 0 } : p));
    const matching = byIdentifier !== undefined ? boardFilter(withAlarms, '', attention).filter((p) => p.id === byIdentifier) : boardFilter(withAlarms, q, attention);
    const sorted = matching.sort((a, b) =>
      byUrgency({ news2: a.latestNews2, activeAlarms: a.activeAlarms, name: a.displayName }, { news2: b.latestNews2, activeAlarms: b.activeAlarms, name: b.displayName }),
    );
    return heldOrder(sorted, (p) => p.id, held);
  }, [board.data?.items, alarms, openBy, q, attention, byIdentifier, held]);
  const hold = () => setHeld((h) => h ?? items.map((p) => p.id));
  const release = () => setHeld(null);

  const all = board.data?.items ?? [];
  const high = all.filter((p) => p.latestNews2?.band === 'high').length;
  const medium = all.filter((p) => p.latestNews2?.band === 'medium' || p.latestNews2?.band === 'low-medium').length;
  const unacked = [...openBy.values()].reduce((s, c) => s + c.unacked, 0);

  return (
    <div className="page">
      <PageHeader
        title="Patient board"
        subtitle="Home-monitored patients, most urgent first. Scores and vitals update live."
        actions={can('consent:manage') ? <EnrolPatient onEnrolled={board.reload} /> : null}
      />
      <div className="stats">
        <Stat label="Patients" value={all.length} />
        <Stat label="High NEWS2" value={high} tone={high ? 'bad' : 'ok'} hint="Emergency response" />
        <Stat label="Medium or single 3" value={medium} tone={medium ? 'warn' : 'ok'} hint="Urgent review" />
        <Stat label="Unacknowledged alarms" value={unacked} tone={unacked ? 'warn' : 'ok'} />
      </div>
      <div className="toolbar">
        <Field id="board-search" label="Find patient" inline>
          <input id="board-search" type="search" value={q} placeholder="Name or identifier (SYN-…)" onChange={(e) => setSearch({ q: e.target.value })} />
        </Field>
        <label className="check">
          <input type="checkbox" checked={attention} onChange={(e) => setSearch({ show: e.target.checked ? 'attention' : undefined })} />
          Needs attention only
        </label>
        <div className="legend" aria-label="NEWS2 bands">
          <span className="legend-item band-low">0–4 Low</span>
          <span className="legend-item band-low-medium">3 in one parameter</span>
          <span className="legend-item band-medium">5–6 Medium</span>
          <span className="legend-item band-high">7+ High</span>
        </div>
      </div>
      <ErrorNote error={board.error} onRetry={reload} />
      {board.loading && !board.data ? (
        <Loading label="Loading patients…" />
      ) : items.length ? (
        <ul className="board" aria-label="Patients" onPointerEnter={hold} onPointerLeave={release} onFocus={hold} onBlur={(e) => (e.currentTarget.contains(e.relatedTarget as Node | null) ? undefined : release())}>
          {items.map((p) => (
            <PatientCard key={p.id} p={p} trends={trends[p.id]} unacked={openBy.get(p.id)?.unacked ?? 0} now={now} />
          ))}
        </ul>
      ) : all.length ? (
        <EmptyState title="No patient matches these filters" />
      ) : (
        <EmptyState title="No patients are enrolled yet">
          <p>Patients appear here once they are enrolled with their home hub and devices.</p>
        </EmptyState>
      )}
    </div>
  );
}
