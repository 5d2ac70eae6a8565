// The installation at a glance: an SVG map drawn from the lamps' layout positions (no map tiles),
// lamps coloured and marked by state, cabinets, the faults to look at, and today's sun times.
// Everything on it follows the realtime link.
import { useMemo } from 'react';
import { InstallationMap, LampSwatch, MapLegend } from '../../components/lighting.tsx';
import { Card, EmptyState, ErrorNote, Loading, PageHeader, Stat } from '../../components/ui.tsx';
import { ApiError } from '../../lib/api.ts';
import { formatNumber, formatTime, titleCase } from '../../lib/format.ts';
import { LT, lampState, summarizeLamps, type Group, type Installation } from '../../lib/lighting.ts';
import { useCabinets, useLamps } from '../../hooks/lighting.ts';
import { useResource } from '../../hooks/resource.ts';
import { Link } from '../../hooks/router.tsx';
import { useSession } from '../../hooks/session.tsx';

export function LightingMap() {
  const { can } = useSession();
  const inst = useResource<Installation>(`${LT}/installation`);
  const groups = useResource<{ items: Group[] }>(`${LT}/groups`);
  const lamps = useLamps();
  const cabinets = useCabinets();
  const all = lamps.data?.items ?? [];
  const summary = useMemo(() => summarizeLamps(all), [all]);
  const faults = all.filter((l) => lampState(l) === 'fault');
  const badCabinets = (cabinets.data?.items ?? []).filter((c) => c.alarms.length || !c.mainsPresent || c.doorOpen);

  if (inst.error instanceof ApiError && inst.error.status === 404) {
    return (
      <div className="page">
        <PageHeader title="Installation map" />
        <Card>
          <EmptyState title="No lighting installation yet">
            <p>Once the installation’s lamps and cabinets are registered, they appear here.</p>
          </EmptyState>
        </Card>
      </div>
    );
  }
  const i = inst.data;
  const tz = i?.timeZone;
  return (
    <div className="page">
      <PageHeader
        title={i ? `${i.name} — installation map` : 'Installation map'}
        subtitle={
          i ? (
            <>
              {i.counts.lamps} lamps in {i.counts.groups} groups on {i.counts.cabinets} cabinets · local time {formatTime(i.now, { timeZone: tz })} ({tz})
              {i.sun.sunset ? ` · sunset ${formatTime(i.sun.sunset, { timeZone: tz })}` : ''}
              {i.sun.sunrise ? ` · sunrise ${formatTime(i.sun.sunrise, { timeZone: tz })}` : ''}
            </>
          ) : undefined
        }
        actions={can('commands:send') ? <Link to="/lighting/control">Switch groups and lamps →</Link> : null}
      />
      <div className="stats">
        <Stat label="Lit" value={summary.byState.on + summary.byState.dimmed} hint={`${summary.byState.dimmed} dimmed`} />
        <Stat label="Off" value={summary.byState.off} />
        <Stat label="Faults" value={summary.byState.fault} tone={summary.byState.fault ? 'bad' : 'ok'} />
        <Stat label="No contact" value={summary.byState.offline + summary.byState.unknown} tone={summary.byState.offline ? 'warn' : undefined} />
        <Stat label="Power now" value={`${formatNumber(summary.powerW / 1000, 2)} kW`} hint="Sum of lamp reports" />
      </div>
      <ErrorNote error={inst.error ?? lamps.error ?? cabinets.error} onRetry={() => (inst.reload(), lamps.reload(), cabinets.reload())} />
      <div className="map-layout">
        <Card className="map-card">
          {i && lamps.data && cabinets.data && groups.data ? (
            <InstallationMap installation={i} lamps={all} cabinets={cabinets.data.items} groups={groups.data.items} />
          ) : (
            <Loading label="Loading the installation…" />
          )}
          <MapLegend counts={summary.byState} />
        </Card>
        <div className="stack">
          <Card title={`Faults (${faults.length + badCabinets.length})`}>
            {faults.length || badCabinets.length ? (
              <ul className="fault-list">
                {badCabinets.map((c) => (
                  <li key={c.id}>
                    <span className="fault-what">{c.name}</span>
                    <span className="fault-why">{c.alarms.map((a) => titleCase(a.type)).join(', ') || (!c.mainsPresent ? 'Mains lost' : 'Door open')}</span>
                  </li>
                ))}
                {faults.slice(0, 12).map((l) => (
                  <li key={l.id}>
                    <LampSwatch state="fault" />
                    <Link to={`/lighting/lamps/${encodeURIComponent(l.id)}`} className="fault-what">
                      {l.name ?? l.id}
                    </Link>
                    <span className="fault-why">{l.activeAlarm ? titleCase(l.activeAlarm.type) : titleCase(l.status)}</span>
                  </li>
                ))}
                {faults.length > 12 ? <li className="muted">and {faults.length - 12} more — see the alarm inbox</li> : null}
              </ul>
            ) : (
              <p className="muted">No lamp or cabinet faults.</p>
            )}
          </Card>
          <Card title="Cabinets">
            <table className="table table-compact">
              <thead>
                <tr>
                  <th scope="col">Cabinet</th>
                  <th scope="col" className="num">
                    Power
                  </th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {(cabinets.data?.items ?? []).map((c) => (
                  <tr key={c.id}>
                    <td>
                      {c.name} <span className="muted small">· {c.lamps} lamps</span>
                    </td>
                    <td className="num">{typeof c.activePower === 'number' ? `${formatNumber(c.activePower / 1000, 2)} kW` : '—'}</td>
                    <td>
                      {c.alarms.length || !c.mainsPresent ? (
                        <span className="pill pill-bad">Alarm</span>
                      ) : c.online ? (
                        <span className="pill pill-ok">OK</span>
                      ) : (
                        <span className="pill pill-muted">No contact</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        </div>
      </div>
    </div>
  );
}
