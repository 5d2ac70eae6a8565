// Tenants, for the platform operator: who is hosted, where their data resides, what they run,
// their quotas; create a tenant (with its first administrator) and suspend or reactivate one.
// The operator sees tenant metadata only, never tenant data (docs/architecture.md promise 1).
import { useState } from 'react';
import { tenantInputSchema } from '../../../../platform/tenancy/tenant-schema.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { Field, FormDialog } from '../../components/forms.tsx';
import { Button, Card, ErrorNote, Loading, PageHeader, Pill } from '../../components/ui.tsx';
import { BackupStatus } from '../../components/BackupStatus.tsx';
import { ConfirmAction } from '../../components/ConfirmAction.tsx';
import { NodeStatus } from '../../components/NodeStatus.tsx';
import { formatDate, formatNumber } from '../../lib/format.ts';
import type { Tenant } from '../../lib/types.ts';
import { checkBody } from '../../lib/validate.ts';
import { useAction, useResource } from '../../hooks/resource.ts';
import { useApi } from '../../hooks/session.tsx';

/** Data residency regions the registry accepts (platform/tenancy/tenants.ts). */
const REGIONS = tenantInputSchema.shape.region.unwrap().options;
const PILOTS = [
  { id: 'healthcare', label: 'Home healthcare' },
  { id: 'lighting', label: 'Street lighting' },
];

function CreateTenant({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (t: Tenant) => void }) {
  const api = useApi();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [region, setRegion] = useState<(typeof REGIONS)[number]>('eu-west');
  const [pilots, setPilots] = useState<string[]>([]);
  const [adminUser, setAdminUser] = useState('');
  const [adminPassword, setAdminPassword] = useState('');
  const create = useAction(async () => {
    const tenant = { id: id.trim(), name: name.trim(), region, pilots };
    // The registry's own schema; the first administrator's username and password rules live beside
    // password hashing (platform/identity/users.ts), so the API checks those.
    checkBody(tenantInputSchema, tenant);
    const t = await api.post<Tenant>('/tenants', {
      ...tenant,
      ...(adminUser ? { admin: { username: adminUser.trim(), password: adminPassword } } : {}),
    });
    onCreated(t);
    setId('');
    setName('');
    setPilots([]);
    setAdminUser('');
    setAdminPassword('');
    onClose();
  });
  return (
    <FormDialog
      open={open}
      title="New tenant"
      onClose={onClose}
      actionLabel="Create tenant"
      onAction={() => void create.run()}
      busy={create.busy}
      disabled={!id || !name || (Boolean(adminUser) && adminPassword.length < 12)}
      error={create.error}
    >
      <Field id="t-id" label="Tenant id" hint="Lowercase letters, digits and dashes. Permanent.">
        <input id="t-id" value={id} onChange={(e) => setId(e.target.value.toLowerCase())} placeholder="e.g. north-care" pattern="[a-z][a-z0-9-]{1,39}" />
      </Field>
      <Field id="t-name" label="Name">
        <input id="t-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Organisation name" />
      </Field>
      <Field id="t-region" label="Data residency">
        <select id="t-region" value={region} onChange={(e) => setRegion(e.target.value as (typeof REGIONS)[number])}>
          {REGIONS.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </Field>
      <fieldset className="field">
        <legend>Services</legend>
        {PILOTS.map((p) => (
          <label className="check" key={p.id}>
            <input type="checkbox" checked={pilots.includes(p.id)} onChange={(e) => setPilots((prev) => (e.target.checked ? [...prev, p.id] : prev.filter((x) => x !== p.id)))} />
            {p.label}
          </label>
        ))}
      </fieldset>
      <Field id="t-admin" label="First administrator (optional)">
        <input id="t-admin" value={adminUser} onChange={(e) => setAdminUser(e.target.value)} autoComplete="off" placeholder="username" />
      </Field>
      <Field id="t-admin-pw" label="Their initial password" hint="At least 12 characters. Hand it over out of band.">
        <input id="t-admin-pw" type="password" value={adminPassword} onChange={(e) => setAdminPassword(e.target.value)} autoComplete="new-password" disabled={!adminUser} />
      </Field>
    </FormDialog>
  );
}

export function Tenants() {
  const api = useApi();
  const res = useResource<{ items: Tenant[] }>('/tenants');
  const [creating, setCreating] = useState(false);
  const [toggling, setToggling] = useState<Tenant | null>(null);
  const toggle = async (t: Tenant) => {
    const next = await api.patch<Tenant>(`/tenants/${encodeURIComponent(t.id)}`, { status: t.status === 'active' ? 'suspended' : 'active' });
    res.mutate((prev) => (prev ? { items: prev.items.map((x) => (x.id === t.id ? { ...x, ...next } : x)) } : prev));
    return next;
  };
  const suspending = toggling?.status === 'active';
  return (
    <div className="page">
      <PageHeader
        title="Tenants"
        subtitle="Organisations hosted on this platform. You manage their accounts and quotas; their data stays theirs."
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            New tenant…
          </Button>
        }
      />
      <ErrorNote error={res.error} onRetry={res.reload} />
      <BackupStatus />
      <NodeStatus />
      <Card>
        {res.data ? (
          <DataTable columns={['Tenant', 'Services', 'Region', { label: 'Devices', className: 'num' }, 'Quotas', 'Status']} actions testId="tenants-table">
            {res.data.items.map((t) => (
              <tr key={t.id}>
                <td>
                  <div className="strong">{t.name}</div>
                  <div className="mono muted small">
                    {t.id}
                    {t.createdAt ? ` · since ${formatDate(t.createdAt)}` : ''}
                  </div>
                </td>
                <td>{t.pilots.length ? t.pilots.map((p) => <Pill key={p}>{PILOTS.find((x) => x.id === p)?.label ?? p}</Pill>) : <span className="muted">none</span>}</td>
                <td className="nowrap">{t.region}</td>
                <td className="num">{formatNumber(t.devices ?? 0)}</td>
                <td className="small muted">
                  {t.quotas ? `${formatNumber(t.quotas.maxDevices)} devices · ${formatNumber(t.quotas.maxUsers)} users · ${formatNumber(t.quotas.ingestPerSecond)}/s` : '—'}
                </td>
                <td>{t.status === 'active' ? <Pill tone="ok">Active</Pill> : <Pill tone="bad">Suspended</Pill>}</td>
                <td className="actions">
                  <Button variant={t.status === 'active' ? 'ghost' : 'secondary'} onClick={() => setToggling(t)} aria-label={`${t.status === 'active' ? 'Suspend' : 'Reactivate'} ${t.name}`}>
                    {t.status === 'active' ? 'Suspend' : 'Reactivate'}
                  </Button>
                </td>
              </tr>
            ))}
          </DataTable>
        ) : (
          <Loading />
        )}
      </Card>
      {/* Suspension cuts off every user and device of an organisation at once: the id is typed. */}
      <ConfirmAction
        open={toggling !== null}
        title={suspending ? `Suspend ${toggling?.name ?? ''}?` : `Reactivate ${toggling?.name ?? ''}?`}
        consequences={
          suspending ? (
            <p>Every user of this tenant is signed out and refused, and its devices are disconnected and refused, until the tenant is reactivated. Its data is kept.</p>
          ) : (
            <p>Its users may sign in and its devices may connect again.</p>
          )
        }
        typed={suspending ? toggling?.id : undefined}
        actionLabel={suspending ? 'Suspend tenant' : 'Reactivate tenant'}
        variant={suspending ? 'danger' : 'primary'}
        onConfirm={() => toggle(toggling!)}
        result={(t) => `${t.name ?? toggling?.name} is now ${t.status}.`}
        onClose={() => setToggling(null)}
      />
      <CreateTenant open={creating} onClose={() => setCreating(false)} onCreated={(t) => res.mutate((prev) => ({ items: [...(prev?.items ?? []), { ...t, devices: 0 }] }))} />
    </div>
  );
}
