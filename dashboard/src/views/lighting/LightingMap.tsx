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
import { known, useT } from '../../i18n/index.tsx';
import { alarmCodeText } from '../../lib/alarms.ts';

export function LightingMap() {
  const { can } = useSession();
  const { t } = useT();
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
        <PageHeader title={t('lightingMap.title')} />
        <Card>
          <EmptyState title={t('lightingMap.noneTitle')}>
            <p>{t('lightingMap.noneBody')}</p>
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
        title={i ? t('lightingMap.titleNamed', { name: i.name }) : t('lightingMap.title')}
        subtitle={
          i ? (
            <>
              {t('lightingMap.counts', { lamps: t('lightingMap.countLamps', { count: i.counts.lamps }), groups: t('lightingMap.countGroups', { count: i.counts.groups }), cabinets: t('lightingMap.countCabinets', { count: i.counts.cabinets }), time: formatTime(i.now, { timeZone: tz }), zone: tz ?? '' })}
              {i.sun.sunset ? t('lightingMap.sunset', { time: formatTime(i.sun.sunset, { timeZone: tz }) }) : ''}
              {i.sun.sunrise ? t('lightingMap.sunrise', { time: formatTime(i.sun.sunrise, { timeZone: tz }) }) : ''}
            </>
          ) : undefined
        }
        actions={can('commands:send') ? <Link to="/lighting/control">{t('lightingMap.control')}</Link> : null}
      />
      <div className="stats">
        <Stat label={t('lightingMap.lit')} value={summary.byState.on + summary.byState.dimmed} hint={t('lightingMap.dimmed', { count: summary.byState.dimmed })} />
        <Stat label={t('lightingMap.off')} value={summary.byState.off} />
        <Stat label={t('lightingMap.faults')} value={summary.byState.fault} tone={summary.byState.fault ? 'bad' : 'ok'} />
        <Stat label={t('lightingMap.noContact')} value={summary.byState.offline + summary.byState.unknown} tone={summary.byState.offline ? 'warn' : undefined} />
        <Stat label={t('lightingMap.power')} value={t('lightingMap.kw', { value: formatNumber(summary.powerW / 1000, 2) })} hint={t('lightingMap.powerHint')} />
      </div>
      <ErrorNote error={inst.error ?? lamps.error ?? cabinets.error} onRetry={() => (inst.reload(), lamps.reload(), cabinets.reload())} />
      <div className="map-layout">
        <Card className="map-card">
          {i && lamps.data && cabinets.data && groups.data ? (
            <InstallationMap installation={i} lamps={all} cabinets={cabinets.data.items} groups={groups.data.items} />
          ) : (
            <Loading label={t('lightingMap.loading')} />
          )}
          <MapLegend counts={summary.byState} />
        </Card>
        <div className="stack">
          <Card title={t('lightingMap.faultsCount', { count: faults.length + badCabinets.length })}>
            {faults.length || badCabinets.length ? (
              <ul className="fault-list">
                {badCabinets.map((c) => (
                  <li key={c.id}>
                    <span className="fault-what">{c.name}</span>
                    <span className="fault-why">{c.alarms.map((a) => alarmCodeText(t, a.type)).join(', ') || (!c.mainsPresent ? t('lightingMap.mainsLost') : t('lightingMap.doorOpen'))}</span>
                  </li>
                ))}
                {faults.slice(0, 12).map((l) => (
                  <li key={l.id}>
                    <LampSwatch state="fault" />
                    <Link to={`/lighting/lamps/${encodeURIComponent(l.id)}`} className="fault-what">
                      {l.name ?? l.id}
                    </Link>
                    <span className="fault-why">{l.activeAlarm ? alarmCodeText(t, l.activeAlarm.type) : known(t, `lampStatus.${l.status}`, titleCase(l.status))}</span>
                  </li>
                ))}
                {faults.length > 12 ? <li className="muted">{t('lightingMap.more', { count: faults.length - 12 })}</li> : null}
              </ul>
            ) : (
              <p className="muted">{t('lightingMap.noFaults')}</p>
            )}
          </Card>
          <Card title={t('lightingMap.cabinets')}>
            <table className="table table-compact">
              <thead>
                <tr>
                  <th scope="col">{t('lightingMap.cabinet')}</th>
                  <th scope="col" className="num">
                    {t('lightingMap.cabinetPower')}
                  </th>
                  <th scope="col">{t('lightingMap.state')}</th>
                </tr>
              </thead>
              <tbody>
                {(cabinets.data?.items ?? []).map((c) => (
                  <tr key={c.id}>
                    <td>
                      {c.name} <span className="muted small">{t('lightingMap.lamps', { count: c.lamps })}</span>
                    </td>
                    <td className="num">{typeof c.activePower === 'number' ? t('lightingMap.kw', { value: formatNumber(c.activePower / 1000, 2) }) : '—'}</td>
                    <td>
                      {c.alarms.length || !c.mainsPresent ? (
                        <span className="pill pill-bad">{t('lightingMap.alarm')}</span>
                      ) : c.online ? (
                        <span className="pill pill-ok">{t('lightingMap.ok')}</span>
                      ) : (
                        <span className="pill pill-muted">{t('lightingMap.noContact')}</span>
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
