// The alarm inbox of the tenant: live, unacknowledged and escalated first, acknowledgement with a
// note. Patients are named for clinicians (the alarm itself carries only the patient's id).
import { useMemo, type ReactNode } from 'react';
import { AlarmList } from '../components/AlarmList.tsx';
import { Card, ErrorNote, Loading, PageHeader, Segmented, Stat } from '../components/ui.tsx';
import { countOpen, filterAlarms, type InboxFilter } from '../lib/alarms.ts';
import { handleName } from '../lib/format.ts';
import type { Alarm } from '../lib/types.ts';
import { useAlarms } from '../hooks/alarms.ts';
import { useResource } from '../hooks/resource.ts';
import { Link, setSearch, useLocation } from '../hooks/router.tsx';
import { useMe, useSession } from '../hooks/session.tsx';
import { useT, type MessageKey } from '../i18n/index.tsx';

const FILTERS: { value: InboxFilter; label: MessageKey }[] = [
  { value: 'open', label: 'inbox.filterOpen' },
  { value: 'unacknowledged', label: 'inbox.filterUnacknowledged' },
  { value: 'acknowledged', label: 'inbox.filterAcknowledged' },
  { value: 'resolved', label: 'inbox.filterResolved' },
  { value: 'all', label: 'inbox.filterAll' },
];

export function AlarmInbox() {
  const me = useMe();
  const { t } = useT();
  const { can } = useSession();
  const { search } = useLocation();
  const filter = (FILTERS.find((f) => f.value === search.get('show'))?.value ?? 'open') as InboxFilter;
  const { alarms, error, loading, reload, acknowledge, resolve } = useAlarms();
  const runsCare = can('data:read') && (me.tenant?.pilots?.includes('healthcare') ?? true);
  const runsLighting = can('data:read') && (me.tenant?.pilots?.includes('lighting') ?? true);
  const patients = useResource<{ items: { id: string; displayName: string }[] }>(runsCare ? '/pilots/healthcare/patients' : null);
  const names = useMemo(() => new Map((patients.data?.items ?? []).map((p) => [p.id, p.displayName])), [patients.data]);

  const shown = useMemo(() => filterAlarms(alarms ?? [], filter), [alarms, filter]);
  const counts = countOpen(alarms ?? []);
  const escalated = (alarms ?? []).filter((a) => a.escalatedAt && a.state === 'active-unacknowledged').length;

  const describe = (a: Alarm): ReactNode => {
    if (a.subject && names.has(a.subject)) {
      return <Link to={`/care/patients/${encodeURIComponent(a.subject)}`}>{names.get(a.subject)}</Link>;
    }
    const [kind, id] = [a.source.slice(0, a.source.indexOf(':')), handleName(a.source)];
    if (runsLighting && (kind === 'lamp' || a.detail.lampId)) {
      const lampId = typeof a.detail.lampId === 'string' ? a.detail.lampId : id;
      // The lamp's name as the map shows it (the pilot puts it in the alarm's detail).
      return <Link to={`/lighting/lamps/${encodeURIComponent(lampId)}`}>{typeof a.detail.name === 'string' ? a.detail.name : t('inbox.lamp', { id: lampId })}</Link>;
    }
    if (kind === 'cabinet') return typeof a.detail.name === 'string' ? a.detail.name : t('inbox.cabinet', { id });
    if (kind === 'device') return t('inbox.device', { id });
    if (kind === 'patient') return t('inbox.patientRecord');
    return id;
  };

  return (
    <div className="page">
      <PageHeader title={t('inbox.title')} subtitle={t('inbox.subtitle')} />
      <div className="stats">
        <Stat label={t('inbox.unacknowledged')} value={counts.unacknowledged} tone={counts.unacknowledged ? 'warn' : 'ok'} />
        <Stat label={t('inbox.criticalUnacknowledged')} value={counts.critical} tone={counts.critical ? 'bad' : 'ok'} />
        <Stat label={t('inbox.escalated')} value={escalated} tone={escalated ? 'bad' : 'ok'} />
      </div>
      <Card
        title={t('inbox.alarms')}
        actions={
          <Segmented label={t('inbox.show')} value={filter} options={FILTERS.map((f) => ({ value: f.value, label: t(f.label) }))} onChange={(v) => setSearch({ show: v === 'open' ? undefined : v })} />
        }
      >
        <ErrorNote error={error} onRetry={reload} />
        {loading && !alarms ? (
          <Loading />
        ) : (
          <AlarmList alarms={shown} canAck={can('alarms:ack')} onAck={acknowledge} onResolve={resolve} describeSource={describe} empty={filter === 'open' ? t('inbox.noneOpen') : t('inbox.noneHere')} />
        )}
      </Card>
    </div>
  );
}
