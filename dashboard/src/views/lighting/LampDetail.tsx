// One lamp: live state, model and position, its schedule, alarms, its readings over a period
// (level and power), switching with live delivery status against the level in force, the lamp's
// command history from the server, and demo fault injection. The progress bar follows the lamp's
// newest command whoever sent it (this page, the group control, a schedule), read from that history.
import { useMemo, useState, type ReactNode } from 'react';
import { CommandProgress, LampSwatch, LevelControl } from '../../components/lighting.tsx';
import { CommandHistory } from '../../components/CommandHistory.tsx';
import { Field } from '../../components/forms.tsx';
import { Button, Card, EmptyState, ErrorNote, KeyValues, Loading, Note, PageHeader, Pill } from '../../components/ui.tsx';
import { SeverityBadge } from '../../components/badges.tsx';
import { OpenAlarms } from '../../components/OpenAlarms.tsx';
import { lampOf } from '../../lib/alarms.ts';
import { useAlarms } from '../../hooks/alarms.ts';
import { ApiError, queryString } from '../../lib/api.ts';
import { formatAgo, formatDayTime, formatNumber, titleCase } from '../../lib/format.ts';
import { applyLampEvents, askedLevel, inForceOf, lampState, LT, progressOf, type Group, type LampDetail as Detail } from '../../lib/lighting.ts';
import { actorLabel, lampCommandLabel, statusTone, type LampHistoryEntry } from '../../lib/command-history.ts';
import type { Severity } from '../../lib/types.ts';
import { useSwitching, type TrackedCommand } from '../../hooks/lighting.ts';
import { useCommandHistory } from '../../hooks/command-history.ts';
import { useNow } from '../../hooks/now.ts';
import { useOnReconnect, useRealtimeEvent } from '../../hooks/realtime.tsx';
import { useAction, useResource } from '../../hooks/resource.ts';
import { LampReadings, type LampReading as Reading } from './LampReadings.tsx';
import { Link } from '../../hooks/router.tsx';
import { useApi, useMe, useSession } from '../../hooks/session.tsx';
import { known, richText, useT } from '../../i18n/index.tsx';

const FAULTS = ['lamp-failure', 'driver-fault', 'day-burner', 'comms-loss', 'restore'] as const;

type History = ReturnType<typeof useLampHistory>;

/** The lamp's commands from the server, live: the last one survives navigation and reload. */
function useLampHistory(id: string) {
  return useCommandHistory<LampHistoryEntry>(`${LT}/commands`, { lampId: id }, (e) => e.commandId, (c) => c.deviceId === id);
}

/** The command the progress bar follows: one this page sent that the history does not list yet,
 *  else the newest switch command in the history (from any page or a schedule), live. */
function followed(own: TrackedCommand | undefined, h: History): TrackedCommand | undefined {
  if (own && !h.items.some((e) => e.batchId === own.batchId)) return own;
  const e = h.items.find((x) => x.name === 'switch');
  if (!e) return own;
  const status = h.statusOf(e);
  return { batchId: e.batchId ?? e.commandId, payload: e.payload, restored: own?.batchId !== e.batchId, level: askedLevel(e.payload), startedAt: e.createdAt, statuses: { [e.commandId]: status }, progress: progressOf([status]) };
}

function LampHistory({ h }: { h: History }) {
  const { t } = useT();
  return (
    <>
      <ErrorNote error={h.error} onRetry={h.reload} />
      <CommandHistory
        loaded={h.loaded}
        rows={h.items.map((e) => {
          const status = h.statusOf(e);
          return { key: e.commandId, at: e.createdAt, label: lampCommandLabel(e, t), by: actorLabel(e.createdBy, t), status: t(`lampCommandStatus.${status}`), tone: statusTone(status) };
        })}
        onMore={h.more ? () => void h.more!() : undefined}
        busy={h.busy}
        empty={t('lampDetail.historyEmpty')}
      />
    </>
  );
}

function Faults({ id }: { id: string }) {
  const { t } = useT();
  const api = useApi();
  const [scenario, setScenario] = useState<(typeof FAULTS)[number]>('lamp-failure');
  const [sent, setSent] = useState<(typeof FAULTS)[number] | undefined>();
  const run = useAction(async () => {
    await api.post(`${LT}/demo/simulate`, { deviceId: id, scenario });
    setSent(scenario);
  });
  return (
    <Card title={t('lampDetail.faultTitle')} className="card-demo">
      <p className="muted small">{t('lampDetail.faultIntro')}</p>
      <div className="inline-form">
        <Field id="fault" label={t('lampDetail.fault')} inline>
          <select id="fault" value={scenario} onChange={(e) => setScenario(e.target.value as (typeof FAULTS)[number])}>
            {FAULTS.map((f) => (
              <option key={f} value={f}>
                {t(`lampDetail.faults.${f}`)}
              </option>
            ))}
          </select>
        </Field>
        <Button busy={run.busy} onClick={() => void run.run()}>
          {t('lampDetail.inject')}
        </Button>
      </div>
      {run.error ? <Note tone="error">{run.error}</Note> : sent ? <Note tone="success">{t('lampDetail.faultSent', { fault: t(`lampDetail.faults.${sent}`) })}</Note> : null}
    </Card>
  );
}

export function LampDetail({ id }: { id: string }) {
  const { t } = useT();
  const me = useMe();
  const { can } = useSession();
  const now = useNow();
  const res = useResource<Detail>(`${LT}/lamps/${encodeURIComponent(id)}`);
  const groups = useResource<{ items: Group[] }>(`${LT}/groups`);
  const { tracked, errors, send } = useSwitching();
  const history = useLampHistory(id);
  const [live, setLive] = useState<Reading[]>([]);
  const active = useAlarms({ path: `/alarms${queryString({ state: 'active', limit: 500 })}`, enabled: can('alarms:read') });
  const mine = useMemo(() => active.alarms?.filter((a) => lampOf(a) === id), [active.alarms, id]);
  const { mutate } = res;
  useRealtimeEvent('lt.lamp', (events) => {
    const mine = events.filter((e) => e.id === id);
    if (!mine.length) return;
    mutate((prev) => (prev ? { ...prev, ...applyLampEvents([prev], mine)[0]! } : prev));
    setLive((prev) => [...prev, ...mine.filter((e) => e.ts !== null).map((e) => ({ ts: e.ts!, dimLevel: e.dimLevel ?? undefined, activePower: e.activePower ?? undefined }) as Reading)].slice(-500));
  });
  useOnReconnect(res.reload);

  if (res.error instanceof ApiError && res.error.status === 404) {
    return (
      <div className="refusal" data-testid="refusal">
        <EmptyState title={t('lampDetail.notFound')} icon="⊘">
          <p>{t('lampDetail.notFoundBody', { org: me.tenant?.name ?? t('lampDetail.yourOrg') })}</p>
          <Link to="/lighting/map">{t('lampDetail.backToMap')}</Link>
        </EmptyState>
      </div>
    );
  }
  const l = res.data;
  if (!l) {
    return (
      <div className="page">
        <ErrorNote error={res.error} onRetry={res.reload} />
        {!res.error ? <Loading label={t('lampDetail.loading')} /> : null}
      </div>
    );
  }
  const s = lampState(l);
  const group = groups.data?.items.find((g) => g.id === l.groupId);
  const key = `lamp:${l.id}`;
  const following = followed(tracked[key], history);
  const inbox: ReactNode = <Link to="/alarms">{t('lampDetail.inboxLink')}</Link>;
  return (
    <div className="page">
      <nav className="crumbs" aria-label={t('lampDetail.breadcrumb')}>
        <Link to="/lighting/map">{t('lampDetail.map')}</Link> <span aria-hidden="true">›</span> <span aria-current="page">{l.name ?? l.id}</span>
      </nav>
      <PageHeader title={l.name ?? l.id} subtitle={<span className="mono">{l.id}</span>} />
      <OpenAlarms alarms={mine} onAck={active.acknowledge} onResolve={active.resolve} describeSource={() => null} />
      <section className={`lamp-panel lamp-panel-${s}`} aria-label={t('lampDetail.currentState')} data-testid="lamp-state">
        <LampSwatch state={s} level={l.dimLevel ?? 100} />
        <div>
          <div className="lamp-panel-title">
            {s === 'on' || s === 'dimmed' ? t('lampDetail.stateAt', { state: t(`lampState.${s}`), level: l.dimLevel ?? 100 }) : t(`lampState.${s}`)}
          </div>
          <div className="muted small">
            {typeof l.activePower === 'number' ? t('lampDetail.watts', { watts: formatNumber(l.activePower, 1) }) : ''}
            {l.ts ? t('lampDetail.reported', { ago: formatAgo(l.ts, now) }) : t('lampDetail.noReport')} · {l.online ? t('lampDetail.connected') : t('lampDetail.notConnected')}
            {l.override ? (l.override.until ? t('lampDetail.heldUntil', { level: l.override.level, time: formatDayTime(l.override.until) }) : t('lampDetail.heldAt', { level: l.override.level })) : ''}
          </div>
        </div>
      </section>
      <div className="grid-2">
        <div className="stack">
          <Card title={t('lampDetail.readings')}>
            <LampReadings id={l.id} live={live} />
          </Card>
          <Card title={t('lampDetail.alarms')}>
            {l.alarms.length ? (
              <ul className="plain alarm-mini">
                {l.alarms.map((a) => (
                  <li key={a.id}>
                    <SeverityBadge severity={a.severity as Severity} /> <span className="strong">{a.title}</span> <span className="muted small">{t('lampDetail.since', { time: formatDayTime(a.raisedAt) })}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t('lampDetail.noAlarm')}</p>
            )}
            <p className="small">{richText(t, 'lampDetail.toInbox', { link: inbox })}</p>
          </Card>
        </div>
        <div className="stack">
          {can('commands:send') ? (
            <Card title={t('lampDetail.switchTitle')}>
              <LevelControl
                name={l.name ?? l.id}
                inForce={inForceOf(l)}
                pending={following?.progress.state === 'pending' ? following.level : undefined}
                onSend={(action, level) => void send({ lampId: l.id }, action, level, undefined).then(res.reload)}
              />
              <CommandProgress tracked={following} error={errors[key]} />
            </Card>
          ) : null}
          <Card title={t('lampDetail.history')}>
            <LampHistory h={history} />
          </Card>
          <Card title={t('lampDetail.details')}>
            <KeyValues
              items={[
                [t('lampDetail.group'), group ? group.name : l.groupId],
                [t('lampDetail.cabinet'), `${l.cabinetId}${l.feederId ? ` · ${l.feederId}` : ''}`],
                [t('lampDetail.luminaire'), l.model ? `${t('lampDetail.luminaireText', { name: l.model.name, lumens: l.model.luminousFlux })}${l.model.colorTemperature ? t('lampDetail.colorTemperature', { kelvin: l.model.colorTemperature }) : ''}` : l.modelId],
                [t('lampDetail.schedule'), l.schedule ? <Link to={`/lighting/schedules?id=${encodeURIComponent(l.schedule.id)}`}>{l.schedule.name}</Link> : t('lampDetail.noSchedule')],
                [t('lampDetail.burningHours'), formatNumber(l.burningHours)],
                [t('lampDetail.status'), l.status === 'ok' ? <Pill tone="ok">{t('lampDetail.ok')}</Pill> : <Pill tone="bad">{known(t, `lampStatus.${l.status}`, titleCase(l.status))}</Pill>],
                [t('lampDetail.position'), `${l.latitude.toFixed(5)}, ${l.longitude.toFixed(5)}`],
              ]}
            />
          </Card>
          {can('commands:send') ? <Faults id={l.id} /> : null}
        </div>
      </div>
    </div>
  );
}
