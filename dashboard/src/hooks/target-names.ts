// Names for audit targets, loaded only from what the viewer may read anyway: tenants for the
// platform operator, users for a tenant administrator, patients and lamps for care and lighting
// roles, alarm titles for alarm readers. A viewer without such access (an auditor) sees ids.
import { useMemo } from 'react';
import type { TargetNames } from '../lib/audit.ts';
import type { Alarm } from '../lib/types.ts';
import { useResource } from './resource.ts';
import { useMe, useSession } from './session.tsx';

type Items<T> = { items: T[] };

export function useTargetNames(): TargetNames {
  const me = useMe();
  const { can } = useSession();
  const runs = (pilot: string) => can('data:read') && (me.tenant?.pilots?.includes(pilot) ?? true);
  const tenants = useResource<Items<{ id: string; name: string }>>(can('tenants:manage') ? '/tenants' : null);
  const users = useResource<Items<{ id: string; username: string; displayName?: string }>>(can('users:manage') ? '/users' : null);
  const patients = useResource<Items<{ id: string; displayName: string }>>(runs('healthcare') ? '/pilots/healthcare/patients' : null);
  const lamps = useResource<Items<{ id: string; name?: string }>>(runs('lighting') ? '/pilots/lighting/lamps' : null);
  const alarms = useResource<Items<Alarm>>(can('alarms:read') ? '/alarms?limit=1000' : null);
  return useMemo(() => {
    const names = new Map<string, string>();
    for (const t of tenants.data?.items ?? []) names.set(`tenant:${t.id}`, t.name);
    for (const u of users.data?.items ?? []) names.set(`user:${u.id}`, u.displayName ? `${u.displayName} (${u.username})` : u.username);
    for (const p of patients.data?.items ?? []) {
      names.set(`patient:${p.id}`, p.displayName);
      names.set(`subject:${p.id}`, p.displayName);
    }
    for (const l of lamps.data?.items ?? []) if (l.name) names.set(`device:${l.id}`, l.name);
    for (const a of alarms.data?.items ?? []) names.set(`alarm:${a.id}`, a.title);
    return names;
  }, [tenants.data, users.data, patients.data, lamps.data, alarms.data]);
}
