// One patient: live NEWS2 and vitals, charts over a chosen period, alarms with
// acknowledgement, devices with battery and online state, consent, messages to the home hub with
// their delivery, the FHIR export, and (demo patients only) scenario injection. Each panel lives in
// ./patient/; this page holds the live state they share.
import { useState } from 'react';
import { AlarmList } from '../../components/AlarmList.tsx';
import { OpenAlarms } from '../../components/OpenAlarms.tsx';
import { News2Badge } from '../../components/badges.tsx';
import { Card, EmptyState, ErrorNote, KeyValues, Loading, PageHeader } from '../../components/ui.tsx';
import { ApiError } from '../../lib/api.ts';
import type { Alarm } from '../../lib/types.ts';
import { filterAlarms } from '../../lib/alarms.ts';
import { formatDate, formatTime, handleName } from '../../lib/format.ts';
import { applyPresence, HC, type News2Item, type PatientRecord } from '../../lib/healthcare.ts';
import { bandInfo, type News2Band } from '../../lib/news2.ts';
import { appendWindow } from '../../lib/series.ts';
import { useAlarms } from '../../hooks/alarms.ts';
import { useNow } from '../../hooks/now.ts';
import { useOnReconnect, useRealtimeEvent } from '../../hooks/realtime.tsx';
import { useResource } from '../../hooks/resource.ts';
import { Link } from '../../hooks/router.tsx';
import { useMe, useSession } from '../../hooks/session.tsx';
import { Consent } from './patient/Consent.tsx';
import { Devices } from './patient/Devices.tsx';
import { ErasePatient } from './patient/Erase.tsx';
import { PatientSettings } from './patient/Settings.tsx';
import { FhirDownload } from './patient/FhirDownload.tsx';
import { Messages } from './patient/Messages.tsx';
import { Scenario } from './patient/Scenario.tsx';
import { TrendCharts } from './patient/TrendCharts.tsx';
import { VitalTiles } from './patient/VitalTiles.tsx';
import { RANGE_MS, useVitals, type VitalSeries } from './patient/vitals.ts';
import { known, useT, type T } from '../../i18n/index.tsx';

const deviceSourceIn = (t: T) => (a: Alarm) =>
  a.source.startsWith('device:') ? t('patient.deviceSource', { kind: known(t, `deviceKind.${String(a.detail.kind)}`, t('patient.device')), id: handleName(a.source) }) : null;

/** The current NEWS2 with its band's clinical response, when it was scored, and the settings it
 *  was scored under. */
function News2Panel({ summary, settings }: { summary: PatientRecord['summary']; settings: PatientRecord['patient']['settings'] }) {
  const { t } = useT();
  const info = bandInfo(summary.latestNews2?.band);
  return (
    <section className={`news2-panel band-${summary.latestNews2?.band ?? 'none'}`} aria-label={t('patient.currentNews2')} data-testid="news2-panel">
      <News2Badge news2={summary.latestNews2} size="lg" />
      <div className="news2-panel-text">
        <div className="news2-panel-title">{info ? t('patient.risk', { band: t(`news2Band.${info.band}`) }) : t('patient.noScore')}</div>
        <div>{info ? t(`news2Response.${info.band}`) : t('patient.noScoreBody')}</div>
        <div className="muted small">
          {summary.latestNews2 ? t(summary.latestNews2.partial ? 'patient.scoredPartial' : 'patient.scored', { time: formatTime(summary.latestNews2.at) }) : ''}
          {` · ${settings.scale === 2 ? t('patient.scale2Target') : t('patient.scale', { scale: settings.scale })} · ${t('patient.every', { minutes: settings.monitoringMinutes })}`}
        </div>
      </div>
    </section>
  );
}

export function PatientDetail({ id }: { id: string }) {
  const me = useMe();
  const { t } = useT();
  const deviceSource = deviceSourceIn(t);
  const { can } = useSession();
  const now = useNow();
  const rec = useResource<PatientRecord>(`${HC}/patients/${encodeURIComponent(id)}`);
  const { mutate } = rec;
  const alarms = useAlarms({ path: `${HC}/patients/${encodeURIComponent(id)}/alarms`, subject: id });
  const [live, setLive] = useState<{ vitals: VitalSeries; news2: News2Item[]; raw: Record<string, [number, unknown][]> }>({ vitals: {}, news2: [], raw: {} });
  const day = useVitals(id, '24h');

  useRealtimeEvent('hc.vitals', (events) => {
    const mine = events.filter((e) => e.patientId === id);
    if (!mine.length) return;
    setLive((prev) => {
      const vitals = { ...prev.vitals };
      const raw = { ...prev.raw };
      for (const e of mine) {
        for (const [k, v] of Object.entries(e.values)) {
          if (e.implausible?.includes(k)) continue;
          if (typeof v === 'number') vitals[k] = appendWindow(vitals[k] ?? [], [[e.ts, v]], RANGE_MS['24h'], Date.now(), 20_000);
          raw[k] = [...(raw[k] ?? []).slice(-20), [e.ts, v]];
        }
      }
      return { ...prev, vitals, raw };
    });
    mutate((prev) => {
      if (!prev) return prev;
      const last = { ...prev.summary.lastVitals };
      for (const e of mine) {
        for (const [k, v] of Object.entries(e.values)) if (typeof v === 'number' && !e.implausible?.includes(k)) (last as Record<string, number | null>)[k] = v;
        if (last.at === null || e.ts > last.at) last.at = e.ts;
      }
      return { ...prev, summary: { ...prev.summary, lastVitals: last, devices: prev.summary.devices.map((d) => (mine.some((e) => e.deviceId === d.id) ? { ...d, online: true } : d)) } };
    });
  });
  useRealtimeEvent('hc.news2', (e) => {
    if (e.patientId !== id) return;
    const item: News2Item = { id: `live-${e.at}`, at: e.at, total: e.total, band: e.band as News2Band, partial: e.partial, missing: e.missing ?? [], scale: e.scale ?? 1, scores: e.scores ?? {} };
    setLive((prev) => ({ ...prev, news2: [...prev.news2.filter((n) => n.at !== e.at), item].slice(-500) }));
    mutate((prev) => (prev && (!prev.summary.latestNews2 || prev.summary.latestNews2.at <= e.at) ? { ...prev, summary: { ...prev.summary, latestNews2: { total: e.total, band: item.band, partial: e.partial, at: e.at } } } : prev));
  });
  useRealtimeEvent('presence', (e) => mutate((prev) => (prev ? { ...prev, summary: applyPresence([prev.summary], e)[0]! } : prev)));
  useOnReconnect(rec.reload);

  if (rec.error instanceof ApiError && rec.error.status === 404) {
    return (
      <div className="refusal" data-testid="refusal">
        <EmptyState title={t('patient.notFoundTitle')} icon="⊘">
          <p>{t('patient.notFoundBody', { organisation: me.tenant?.name ?? t('patient.yourOrganisation') })}</p>
          <Link to="/care/patients">{t('patient.back')}</Link>
        </EmptyState>
      </div>
    );
  }
  if (!rec.data) {
    return (
      <div className="page">
        <ErrorNote error={rec.error} onRetry={rec.reload} />
        {!rec.error ? <Loading label={t('patient.loading')} /> : null}
      </div>
    );
  }

  const { patient: p, summary } = rec.data;
  // Open alarms sit at the top of the page (OpenAlarms); this card keeps the resolved ones.
  const past = filterAlarms(alarms.alarms ?? [], 'resolved').slice(0, 12);

  return (
    <div className="page">
      <nav className="crumbs" aria-label={t('patient.breadcrumb')}>
        <Link to="/care/patients">{t('patient.board')}</Link> <span aria-hidden="true">›</span> <span aria-current="page">{summary.displayName}</span>
      </nav>
      <PageHeader
        title={summary.displayName}
        subtitle={
          <>
            {t('patient.subtitle', { age: summary.age, sex: known(t, `sex.${p.sex}`, p.sex), born: Number.isFinite(Date.parse(p.birthDate)) ? formatDate(Date.parse(p.birthDate), { timeZone: 'UTC' }) : p.birthDate })}
            <span className="mono">{p.identifier}</span>
            {p.conditions.length ? ` · ${p.conditions.map((c) => known(t, `condition.${c}`, c)).join(', ')}` : ''}
          </>
        }
        actions={
          <>
            {can('export:fhir') ? <FhirDownload id={id} identifier={p.identifier} /> : null}
            {can('consent:manage') ? <ErasePatient id={id} identifier={p.identifier} name={summary.displayName} /> : null}
          </>
        }
      />
      <OpenAlarms alarms={alarms.alarms} onAck={alarms.acknowledge} onResolve={alarms.resolve} describeSource={deviceSource} />
      <News2Panel summary={summary} settings={p.settings} />
      <VitalTiles summary={summary} raw={live.raw} day={day.data?.series} now={now} />
      <Card title={t('patient.trends')}>
        <TrendCharts id={id} live={live} day={day} />
      </Card>
      <div className="grid-2">
        <div className="stack">
          <Card title={t('patient.pastAlarms')}>
            <ErrorNote error={alarms.error} onRetry={alarms.reload} />
            {alarms.alarms ? (
              <AlarmList
                alarms={past}
                canAck={can('alarms:ack')}
                onAck={alarms.acknowledge}
                describeSource={deviceSource}
                empty={t('patient.noPastAlarms')}
              />
            ) : (
              <Loading />
            )}
          </Card>
          <Messages id={id} hubDeviceId={p.hubDeviceId} />
        </div>
        <div className="stack">
          <Devices id={id} hubDeviceId={p.hubDeviceId} summary={summary} now={now} onChanged={rec.reload} />
          <Consent id={id} />
          <PatientSettings id={id} settings={p.settings} onSaved={(settings) => mutate((prev) => (prev ? { ...prev, patient: { ...prev.patient, settings } } : prev))} />
          <Card title={t('patient.careTeamCard')}>
            <KeyValues
              items={[
                [t('patient.careTeam'), p.careTeam.length ? p.careTeam.join(', ') : '—'],
                [t('patient.enrolled'), formatDate(p.createdAt)],
                [
                  t('patient.escalation'),
                  p.settings.escalateAfterMinutes ? t('patient.escalatesAfter', { minutes: p.settings.escalateAfterMinutes }) : t('patient.escalatesDefault'),
                ],
              ]}
            />
          </Card>
          {p.demo && can('commands:send') ? <Scenario id={id} hubDeviceId={p.hubDeviceId} /> : null}
        </div>
      </div>
    </div>
  );
}
