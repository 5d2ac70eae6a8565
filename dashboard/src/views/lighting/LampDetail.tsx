// One lamp: live state, model and position, its schedule, alarms, its readings over a period
// (level and power), switching with live delivery status against the level in force, the lamp's
// command history from the server, and demo fault injection.
import { useMemo, useState } from 'react';
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
import { applyLampEvents, inForceOf, LAMP_STATE_LABEL, lampState, LT, type Group, type LampDetail as Detail } from '../../lib/lighting.ts';
import { actorLabel, lampCommandLabel, STATUS_LABEL, statusTone, type LampHistoryEntry } from '../../lib/command-history.ts';
import type { Severity } from '../../lib/types.ts';
import { useSwitching } from '../../hooks/lighting.ts';
import { useCommandHistory } from '../../hooks/command-history.ts';
import { useNow } from '../../hooks/now.ts';
import { useOnReconnect, useRealtimeEvent } from '../../hooks/realtime.tsx';
import { useAction, useResource } from '../../hooks/resource.ts';
import { LampReadings, type LampReading as Reading } from './LampReadings.tsx';
import { Link } from '../../hooks/router.tsx';
import { useApi, useMe, useSession } from '../../hooks/session.tsx';

const FAULTS = [
  { value: 'lamp-failure', label: 'Lamp failure (no light)' },
  { value: 'driver-fault', label: 'Driver fault' },
  { value: 'day-burner', label: 'Day burner' },
  { value: 'comms-loss', label: 'Communication loss' },
  { value: 'restore', label: 'Restore normal operation' },
];

/** The lamp's commands from the server, live: the last one survives navigation and reload. */
function LampHistory({ id }: { id: string }) {
  const h = useCommandHistory<LampHistoryEntry>(`${LT}/commands`, { lampId: id }, (e) => e.commandId, (c) => c.deviceId === id);
  return (
    <>
      <ErrorNote error={h.error} onRetry={h.reload} />
      <CommandHistory
        loaded={h.loaded}
        rows={h.items.map((e) => {
          const status = h.statusOf(e);
          return { key: e.commandId, at: e.createdAt, label: lampCommandLabel(e), by: actorLabel(e.createdBy), status: STATUS_LABEL[status], tone: statusTone(status) };
        })}
        onMore={h.more ? () => void h.more!() : undefined}
        busy={h.busy}
        empty="No command sent to this lamp yet."
      />
    </>
  );
}

function Faults({ id }: { id: string }) {
  const api = useApi();
  const [scenario, setScenario] = useState('lamp-failure');
  const [sent, setSent] = useState<string | undefined>();
  const run = useAction(async () => {
    await api.post(`${LT}/demo/simulate`, { deviceId: id, scenario });
    setSent(FAULTS.find((f) => f.value === scenario)?.label);
  });
  return (
    <Card title="Demo fault injection" className="card-demo">
      <p className="muted small">Ask the device simulator to act out a fault on this lamp.</p>
      <div className="inline-form">
        <Field id="fault" label="Fault" inline>
          <select id="fault" value={scenario} onChange={(e) => setScenario(e.target.value)}>
            {FAULTS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </Field>
        <Button busy={run.busy} onClick={() => void run.run()}>
          Inject
        </Button>
      </div>
      {run.error ? <Note tone="error">{run.error}</Note> : sent ? <Note tone="success">Sent “{sent}” to the simulator.</Note> : null}
    </Card>
  );
}

export function LampDetail({ id }: { id: string }) {
  const me = useMe();
  const { can } = useSession();
  const now = useNow();
  const res = useResource<Detail>(`${LT}/lamps/${encodeURIComponent(id)}`);
  const groups = useResource<{ items: Group[] }>(`${LT}/groups`);
  const { tracked, errors, send } = useSwitching();
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
        <EmptyState title="Lamp not found" icon="⊘">
          <p>There is no lamp with this reference in {me.tenant?.name ?? 'your organisation'}’s installation.</p>
          <Link to="/lighting/map">Back to the map</Link>
        </EmptyState>
      </div>
    );
  }
  const l = res.data;
  if (!l) {
    return (
      <div className="page">
        <ErrorNote error={res.error} onRetry={res.reload} />
        {!res.error ? <Loading label="Loading lamp…" /> : null}
      </div>
    );
  }
  const s = lampState(l);
  const group = groups.data?.items.find((g) => g.id === l.groupId);
  const key = `lamp:${l.id}`;
  return (
    <div className="page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/lighting/map">Installation map</Link> <span aria-hidden="true">›</span> <span aria-current="page">{l.name ?? l.id}</span>
      </nav>
      <PageHeader title={l.name ?? l.id} subtitle={<span className="mono">{l.id}</span>} />
      <OpenAlarms alarms={mine} onAck={active.acknowledge} onResolve={active.resolve} describeSource={() => null} />
      <section className={`lamp-panel lamp-panel-${s}`} aria-label="Current state" data-testid="lamp-state">
        <LampSwatch state={s} level={l.dimLevel ?? 100} />
        <div>
          <div className="lamp-panel-title">
            {LAMP_STATE_LABEL[s]}
            {s === 'on' || s === 'dimmed' ? ` at ${l.dimLevel} %` : ''}
          </div>
          <div className="muted small">
            {typeof l.activePower === 'number' ? `${formatNumber(l.activePower, 1)} W · ` : ''}
            {l.ts ? `reported ${formatAgo(l.ts, now)}` : 'no report yet'} · {l.online ? 'connected' : 'not connected'}
            {l.override ? ` · held at ${l.override.level} %${l.override.until ? ` until ${formatDayTime(l.override.until)}` : ''}` : ''}
          </div>
        </div>
      </section>
      <div className="grid-2">
        <div className="stack">
          <Card title="Readings">
            <LampReadings id={l.id} live={live} />
          </Card>
          <Card title="Alarms">
            {l.alarms.length ? (
              <ul className="plain alarm-mini">
                {l.alarms.map((a) => (
                  <li key={a.id}>
                    <SeverityBadge severity={a.severity as Severity} /> <span className="strong">{a.title}</span> <span className="muted small">since {formatDayTime(a.raisedAt)}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">No active alarm.</p>
            )}
            <p className="small">
              <Link to="/alarms">Open the alarm inbox</Link> to acknowledge.
            </p>
          </Card>
        </div>
        <div className="stack">
          {can('commands:send') ? (
            <Card title="Switch this lamp">
              <LevelControl
                name={l.name ?? l.id}
                inForce={inForceOf(l)}
                pending={tracked[key]?.progress.state === 'pending' ? tracked[key].level : undefined}
                onSend={(action, level) => void send({ lampId: l.id }, action, level, undefined).then(res.reload)}
              />
              <CommandProgress tracked={tracked[key]} error={errors[key]} />
            </Card>
          ) : null}
          <Card title="Command history">
            <LampHistory id={l.id} />
          </Card>
          <Card title="Details">
            <KeyValues
              items={[
                ['Group', group ? group.name : l.groupId],
                ['Cabinet / feeder', `${l.cabinetId}${l.feederId ? ` · ${l.feederId}` : ''}`],
                ['Luminaire', l.model ? `${l.model.name} · ${formatNumber(l.model.luminousFlux)} lm${l.model.colorTemperature ? ` · ${l.model.colorTemperature} K` : ''}` : l.modelId],
                ['Schedule', l.schedule ? <Link to={`/lighting/schedules?id=${encodeURIComponent(l.schedule.id)}`}>{l.schedule.name}</Link> : 'none'],
                ['Burning hours', formatNumber(l.burningHours)],
                ['Status', l.status === 'ok' ? <Pill tone="ok">OK</Pill> : <Pill tone="bad">{titleCase(l.status)}</Pill>],
                ['Position', `${l.latitude.toFixed(5)}, ${l.longitude.toFixed(5)}`],
              ]}
            />
          </Card>
          {can('commands:send') ? <Faults id={l.id} /> : null}
        </div>
      </div>
    </div>
  );
}
