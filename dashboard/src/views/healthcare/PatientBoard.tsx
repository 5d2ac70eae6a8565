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
import { applyNews2, applyPresence, applyTrends, applyVitals, boardFilter, HC, numericPoints, sortDevices, TREND_KEYS, trendScale, type PatientSummary, type Trends } from '../../lib/healthcare.ts';
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
import { known, useT } from '../../i18n/index.tsx';

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
  const { t } = useT();
  const sc = trendScale(k, scale);
  const dir = trendOf(points.slice(-6), k === 'temperature' ? 0.4 : k === 'spo2' ? 1.5 : 3);
  return (
    <div className="vital">
      <div className="vital-head">
        <span className="vital-name">{t(`vitalShort.${k}`)}</span>
        <span className="vital-value">
          {value === undefined ? '—' : formatNumber(value, meta.decimals)}
          <span className="vital-unit">{value === undefined ? '' : meta.unit}</span>
          {dir !== 'steady' ? (
            <span className="vital-trend" aria-label={t(`trend.${dir}`)}>
              {ARROW[dir]}
            </span>
          ) : null}
        </span>
      </div>
      <Sparkline points={points} range={sc.range} normal={sc.normal} width={104} height={26} from={now - TREND_WINDOW} to={now} label={t('board.sparkline', { vital: t(`vital.${k}`) })} />
    </div>
  );
}

function PatientCard({ p, trends, unacked, now }: { p: PatientSummary; trends: Trends | undefined; unacked: number; now: number }) {
  const { t } = useT();
  const band = p.latestNews2?.band ?? 'none';
  const offline = p.devices.filter((d) => !d.online);
  const hub = p.devices.find((d) => d.kind === 'home-hub');
  const stale = p.lastVitals.at !== null && now - p.lastVitals.at > 2 * 60 * 60_000;
  return (
    <li className={`pcard band-${band}`} data-testid="patient-card" data-patient-id={p.id}>
      <Link to={`/care/patients/${encodeURIComponent(p.id)}`} className="pcard-link" aria-label={t('board.open', { name: p.displayName })}>
        <div className="pcard-head">
          <News2Badge news2={p.latestNews2} />
          <div className="pcard-who">
            <div className="pcard-name">{p.displayName}</div>
            <div className="pcard-sub">
              {t('board.age', { age: p.age })} · {p.sex === 'female' ? t('board.female') : p.sex === 'male' ? t('board.male') : p.sex}
              {p.conditions.length ? ` · ${p.conditions.map((c) => known(t, `condition.${c}`, c)).join(', ')}` : ''}
              {p.scale === 2 ? ` · ${t('board.scale2')}` : ''}
            </div>
          </div>
          {unacked > 0 ? (
            <span className="pcard-alarm" title={t('board.unackedTitle', { count: unacked })}>
              <span aria-hidden="true">!</span> {t('board.unacked', { count: unacked })}
            </span>
          ) : p.activeAlarms > 0 ? (
            <Pill tone="warn">{t('board.openCount', { count: p.activeAlarms })}</Pill>
          ) : null}
        </div>
        <div className="pcard-vitals">
          {TREND_KEYS.map((k) => (
            <VitalCell key={k} k={k} value={p.lastVitals[k]} points={trends?.[k] ?? []} now={now} scale={p.scale} />
          ))}
        </div>
        <div className="pcard-foot">
          <span className={stale ? 'warn-text' : ''} title={p.lastVitals.at ? formatDateTime(p.lastVitals.at) : undefined}>
            {p.lastVitals.at ? t('board.lastReading', { ago: formatAgo(p.lastVitals.at, now) }) : t('board.noReadings')}
          </span>
          {p.lastVitals.systolic !== undefined ? (
            <span>{t('board.bp', { systolic: formatNumber(p.lastVitals.systolic), diastolic: formatNumber(p.lastVitals.diastolic) })}</span>
          ) : null}
          {p.consent !== 'given' ? <Pill tone="bad">{p.consent === 'none' ? t('board.consentNone') : t('board.consentWithdrawn')}</Pill> : null}
          <span className="pcard-devices">
            {offline.length ? (
              <span className="dot-label is-offline" title={offline.map((d) => known(t, `deviceKind.${d.kind}`, d.kind)).join(', ')}>
                <span className="dot" aria-hidden="true" />
                {t('board.devicesOffline', { count: offline.length })}
              </span>
            ) : (
              <span className="dot-label is-online">
                <span className="dot" aria-hidden="true" />
                {t('board.devicesOnline')}
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
  const { t } = useT();
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
        title={t('board.title')}
        subtitle={t('board.subtitle')}
        actions={can('consent:manage') ? <EnrolPatient onEnrolled={board.reload} /> : null}
      />
      <div className="stats">
        <Stat label={t('board.patients')} value={all.length} />
        <Stat label={t('board.highNews2')} value={high} tone={high ? 'bad' : 'ok'} hint={t('board.emergencyResponse')} />
        <Stat label={t('board.medium')} value={medium} tone={medium ? 'warn' : 'ok'} hint={t('board.urgentReview')} />
        <Stat label={t('board.unacknowledged')} value={unacked} tone={unacked ? 'warn' : 'ok'} />
      </div>
      <div className="toolbar">
        <Field id="board-search" label={t('board.find')} inline>
          <input id="board-search" type="search" value={q} placeholder={t('board.findPlaceholder')} onChange={(e) => setSearch({ q: e.target.value })} />
        </Field>
        <label className="check">
          <input type="checkbox" checked={attention} onChange={(e) => setSearch({ show: e.target.checked ? 'attention' : undefined })} />
          {t('board.attentionOnly')}
        </label>
        <div className="legend" aria-label={t('board.bands')}>
          <span className="legend-item band-low">{t('board.bandLow')}</span>
          <span className="legend-item band-low-medium">{t('board.bandLowMedium')}</span>
          <span className="legend-item band-medium">{t('board.bandMedium')}</span>
          <span className="legend-item band-high">{t('board.bandHigh')}</span>
        </div>
      </div>
      <ErrorNote error={board.error} onRetry={reload} />
      {board.loading && !board.data ? (
        <Loading label={t('board.loading')} />
      ) : items.length ? (
        <ul className="board" aria-label={t('board.list')} onPointerEnter={hold} onPointerLeave={release} onFocus={hold} onBlur={(e) => (e.currentTarget.contains(e.relatedTarget as Node | null) ? undefined : release())}>
          {items.map((p) => (
            <PatientCard key={p.id} p={p} trends={trends[p.id]} unacked={openBy.get(p.id)?.unacked ?? 0} now={now} />
          ))}
        </ul>
      ) : all.length ? (
        <EmptyState title={t('board.noMatch')} />
      ) : (
        <EmptyState title={t('board.noneTitle')}>
          <p>{t('board.noneBody')}</p>
        </EmptyState>
      )}
    </div>
  );
}
