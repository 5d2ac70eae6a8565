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

const FILTERS: { value: InboxFilter; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'unacknowledged', label: 'Unacknowledged' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'All' },
];

export function AlarmInbox() {
  const me = useMe();
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
      return <Link to={`/lighting/lamps/${encodeURIComponent(lampId)}`}>{typeof a.detail.name === 'string' ? a.detail.name : `Lamp ${lampId}`}</Link>;
    }
    if (kind === 'cabinet') return typeof a.detail.name === 'string' ? a.detail.name : `Cabinet ${id}`;
    if (kind === 'device') return `Device ${id}`;
    if (kind === 'patient') return 'Patient record';
    return id;
  };

  return (
    <div className="page">
      <PageHeader title="Alarm inbox" subtitle="Live. Unacknowledged and escalated alarms come first." />
      <div className="stats">
        <Stat label="Unacknowledged" value={counts.unacknowledged} tone={counts.unacknowledged ? 'warn' : 'ok'} />
        <Stat label="Critical, unacknowledged" value={counts.critical} tone={counts.critical ? 'bad' : 'ok'} />
        <Stat label="Escalated" value={escalated} tone={escalated ? 'bad' : 'ok'} />
      </div>
      <Card title="Alarms" actions={<Segmented label="Show" value={filter} options={FILTERS} onChange={(v) => setSearch({ show: v === 'open' ? undefined : v })} />}>
        <ErrorNote error={error} onRetry={reload} />
        {loading && !alarms ? (
          <Loading />
        ) : (
          <AlarmList alarms={shown} canAck={can('alarms:ack')} onAck={acknowledge} onResolve={resolve} describeSource={describe} empty={filter === 'open' ? 'No open alarms' : 'No alarms here'} />
        )}
      </Card>
    </div>
  );
}
