// Tenants, for the platform operator: who is hosted, where their data resides, what they run,
// their quotas; create a tenant (with its first administrator) and suspend or reactivate one.
// The operator sees tenant metadata only, never tenant data (DESIGN.md promise 1).
import { useState } from 'react';
import { Button, Card, Dialog, ErrorNote, Loading, PageHeader, Pill } from '../../components/ui.tsx';
import { formatDate, formatNumber } from '../../lib/format.ts';
import type { Tenant } from '../../lib/types.ts';
import { useAction, useResource } from '../../hooks/resource.ts';
import { useApi } from '../../hooks/session.tsx';

const REGIONS = ['eu-west', 'eu-central', 'eu-south', 'eu-north'] as const;
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
    const t = await api.post<Tenant>('/tenants', {
      id: id.trim(),
      name: name.trim(),
      region,
      pilots,
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
    <Dialog
      open={open}
      title="New tenant"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" busy={create.busy} disabled={!id || !name || (Boolean(adminUser) && adminPassword.length < 12)} onClick={() => void create.run()}>
            Create tenant
          </Button>
        </>
      }
    >
      <div className="form-grid">
        <div className="field">
          <label htmlFor="t-id">Tenant id</label>
          <input id="t-id" value={id} onChange={(e) => setId(e.target.value.toLowerCase())} placeholder="e.g. north-care" pattern="[a-z][a-z0-9-]{1,39}" />
          <div className="field-hint">Lowercase letters, digits and dashes. Permanent.</div>
        </div>
        <div className="field">
          <label htmlFor="t-name">Name</label>
          <input id="t-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Organisation name" />
        </div>
        <div className="field">
          <label htmlFor="t-region">Data residency</label>
          <select id="t-region" value={region} onChange={(e) => setRegion(e.target.value as (typeof REGIONS)[number])}>
            {REGIONS.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </div>
        <fieldset className="field">
          <legend>Services</legend>
          {PILOTS.map((p) => (
            <label className="check" key={p.id}>
              <input type="checkbox" checked={pilots.includes(p.id)} onChange={(e) => setPilots((prev) => (e.target.checked ? [...prev, p.id] : prev.filter((x) => x !== p.id)))} />
              {p.label}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="t-admin">First administrator (optional)</label>
          <input id="t-admin" value={adminUser} onChange={(e) => setAdminUser(e.target.value)} autoComplete="off" placeholder="username" />
        </div>
        <div className="field">
          <label htmlFor="t-admin-pw">Their initial password</label>
          <input id="t-admin-pw" type="password" value={adminPassword} onChange={(e) => setAdminPassword(e.target.value)} autoComplete="new-password" disabled={!adminUser} />
          <div className="field-hint">At least 12 characters. Hand it over out of band.</div>
        </div>
      </div>
      {create.error ? (
        <p className="form-error" role="alert">
          {create.error}
        </p>
      ) : null}
    </Dialog>
  );
}

export function Tenants() {
  const api = useApi();
  const res = useResource<{ items: Tenant[] }>('/tenants');
  const [creating, setCreating] = useState(false);
  const toggle = useAction(async (t: Tenant) => {
    const next = await api.patch<Tenant>(`/tenants/${encodeURIComponent(t.id)}`, { status: t.status === 'active' ? 'suspended' : 'active' });
    res.mutate((prev) => (prev ? { items: prev.items.map((x) => (x.id === t.id ? { ...x, ...next } : x)) } : prev));
  });
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
      <ErrorNote error={res.error ?? toggle.error} onRetry={res.reload} />
      <Card>
        {res.data ? (
          <table className="table" data-testid="tenants-table">
            <thead>
              <tr>
                <th scope="col">Tenant</th>
                <th scope="col">Services</th>
                <th scope="col">Region</th>
                <th scope="col" className="num">
                  Devices
                </th>
                <th scope="col">Quotas</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
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
                    <Button variant={t.status === 'active' ? 'ghost' : 'secondary'} onClick={() => void toggle.run(t)} aria-label={`${t.status === 'active' ? 'Suspend' : 'Reactivate'} ${t.name}`}>
                      {t.status === 'active' ? 'Suspend' : 'Reactivate'}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <Loading />
        )}
      </Card>
      <CreateTenant open={creating} onClose={() => setCreating(false)} onCreated={(t) => res.mutate((prev) => ({ items: [...(prev?.items ?? []), { ...t, devices: 0 }] }))} />
    </div>
  );
}
