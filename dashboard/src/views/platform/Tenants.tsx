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
import { known, useT } from '../../i18n/index.tsx';

/** Data residency regions the registry accepts (platform/tenancy/tenants.ts). */
const REGIONS = tenantInputSchema.shape.region.unwrap().options;
const PILOTS = ['healthcare', 'lighting'] as const;

function CreateTenant({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (t: Tenant) => void }) {
  const api = useApi();
  const { t } = useT();
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
    checkBody(tenantInputSchema, tenant, t);
    const created = await api.post<Tenant>('/tenants', {
      ...tenant,
      ...(adminUser ? { admin: { username: adminUser.trim(), password: adminPassword } } : {}),
    });
    onCreated(created);
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
      title={t('tenants.newTitle')}
      onClose={onClose}
      actionLabel={t('tenants.create')}
      onAction={() => void create.run()}
      busy={create.busy}
      disabled={!id || !name || (Boolean(adminUser) && adminPassword.length < 12)}
      error={create.error}
    >
      <Field id="t-id" label={t('tenants.id')} hint={t('tenants.idHint')}>
        <input id="t-id" value={id} onChange={(e) => setId(e.target.value.toLowerCase())} placeholder={t('tenants.idPlaceholder')} pattern="[a-z][a-z0-9-]{1,39}" />
      </Field>
      <Field id="t-name" label={t('tenants.name')}>
        <input id="t-name" value={name} onChange={(e) => setName(e.target.value)} placeholder={t('tenants.namePlaceholder')} />
      </Field>
      <Field id="t-region" label={t('tenants.region')}>
        <select id="t-region" value={region} onChange={(e) => setRegion(e.target.value as (typeof REGIONS)[number])}>
          {REGIONS.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </Field>
      <fieldset className="field">
        <legend>{t('tenants.services')}</legend>
        {PILOTS.map((p) => (
          <label className="check" key={p}>
            <input type="checkbox" checked={pilots.includes(p)} onChange={(e) => setPilots((prev) => (e.target.checked ? [...prev, p] : prev.filter((x) => x !== p)))} />
            {t(`tenants.${p}`)}
          </label>
        ))}
      </fieldset>
      <Field id="t-admin" label={t('tenants.admin')}>
        <input id="t-admin" value={adminUser} onChange={(e) => setAdminUser(e.target.value)} autoComplete="off" placeholder={t('tenants.adminPlaceholder')} />
      </Field>
      <Field id="t-admin-pw" label={t('tenants.adminPassword')} hint={t('tenants.adminPasswordHint')}>
        <input id="t-admin-pw" type="password" value={adminPassword} onChange={(e) => setAdminPassword(e.target.value)} autoComplete="new-password" disabled={!adminUser} />
      </Field>
    </FormDialog>
  );
}

export function Tenants() {
  const api = useApi();
  const { t } = useT();
  const res = useResource<{ items: Tenant[] }>('/tenants');
  const [creating, setCreating] = useState(false);
  const [toggling, setToggling] = useState<Tenant | null>(null);
  const toggle = async (tenant: Tenant) => {
    const next = await api.patch<Tenant>(`/tenants/${encodeURIComponent(tenant.id)}`, { status: tenant.status === 'active' ? 'suspended' : 'active' });
    res.mutate((prev) => (prev ? { items: prev.items.map((x) => (x.id === tenant.id ? { ...x, ...next } : x)) } : prev));
    return next;
  };
  const suspending = toggling?.status === 'active';
  return (
    <div className="page">
      <PageHeader
        title={t('tenants.title')}
        subtitle={t('tenants.subtitle')}
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            {t('tenants.new')}
          </Button>
        }
      />
      <ErrorNote error={res.error} onRetry={res.reload} />
      <BackupStatus />
      <NodeStatus />
      <Card>
        {res.data ? (
          <DataTable
            columns={[t('tenants.colTenant'), t('tenants.colServices'), t('tenants.colRegion'), { label: t('tenants.colDevices'), className: 'num' }, t('tenants.colQuotas'), t('tenants.colStatus')]}
            actions
            className="table-tenants"
            testId="tenants-table"
          >
            {res.data.items.map((tenant) => (
              <tr key={tenant.id}>
                <td>
                  <div className="strong">{tenant.name}</div>
                  <div className="mono muted small">
                    {tenant.id}
                    {tenant.createdAt ? t('tenants.since', { date: formatDate(tenant.createdAt) }) : ''}
                  </div>
                </td>
                <td>{tenant.pilots.length ? tenant.pilots.map((p) => <Pill key={p}>{known(t, `tenants.${p}`, p)}</Pill>) : <span className="muted">{t('tenants.none')}</span>}</td>
                <td className="nowrap">{tenant.region}</td>
                <td className="num">{formatNumber(tenant.devices ?? 0)}</td>
                <td className="small muted">
                  {tenant.quotas ? t('tenants.quotas', { devices: tenant.quotas.maxDevices, users: tenant.quotas.maxUsers, rate: tenant.quotas.ingestPerSecond }) : '—'}
                </td>
                <td>{tenant.status === 'active' ? <Pill tone="ok">{t('tenants.active')}</Pill> : <Pill tone="bad">{t('tenants.suspended')}</Pill>}</td>
                <td className="actions">
                  <Button
                    variant={tenant.status === 'active' ? 'ghost' : 'secondary'}
                    onClick={() => setToggling(tenant)}
                    aria-label={t(tenant.status === 'active' ? 'tenants.suspendLabel' : 'tenants.reactivateLabel', { name: tenant.name })}
                  >
                    {tenant.status === 'active' ? t('tenants.suspend') : t('tenants.reactivate')}
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
        title={t(suspending ? 'tenants.suspendTitle' : 'tenants.reactivateTitle', { name: toggling?.name ?? '' })}
        consequences={suspending ? <p>{t('tenants.suspendBody')}</p> : <p>{t('tenants.reactivateBody')}</p>}
        typed={suspending ? toggling?.id : undefined}
        actionLabel={suspending ? t('tenants.suspendAction') : t('tenants.reactivateAction')}
        variant={suspending ? 'danger' : 'primary'}
        onConfirm={() => toggle(toggling!)}
        result={(next) => t('tenants.result', { name: next.name ?? toggling?.name ?? '', status: known(t, `tenantStatus.${next.status}`, next.status) })}
        onClose={() => setToggling(null)}
      />
      <CreateTenant open={creating} onClose={() => setCreating(false)} onCreated={(created) => res.mutate((prev) => ({ items: [...(prev?.items ?? []), { ...created, devices: 0 }] }))} />
    </div>
  );
}
