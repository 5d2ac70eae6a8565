// Devices of the tenant, for its administrator: the registry (kind, label, state, online and last
// seen) with search, filters and paging done by the server, registering a device — its secret is
// shown once, with a copy button, and never again — rotating a secret or revoking a device, one by
// one or for the devices selected (each after a confirmation that asks for the id or the count).
import { useMemo, useState } from 'react';
import { DataTable } from '../../components/DataTable.tsx';
import { ConfirmAction } from '../../components/ConfirmAction.tsx';
import { ActionDialog, Field, FormDialog } from '../../components/forms.tsx';
import { BulkActions } from './DeviceBulk.tsx';
import { OnlineBadge } from '../../components/badges.tsx';
import { Button, Card, CopyButton, Dialog, ErrorNote, KeyValues, Loading, Note, PageHeader, Pill } from '../../components/ui.tsx';
import { queryString } from '../../lib/api.ts';
import { formatAgo, formatDate } from '../../lib/format.ts';
import { offsetFrom, PAGE_SIZE, pageInfo, toggleAll } from '../../lib/device-list.ts';
import { useNow } from '../../hooks/now.ts';
import { DEVICE_KINDS } from '../../lib/healthcare.ts';
import type { Device, DeviceWithSecret } from '../../lib/types.ts';
import { useAction, useResource } from '../../hooks/resource.ts';
import { checkBody } from '../../lib/validate.ts';
import { deviceCreateSchema } from '../../../../platform/identity/schemas.ts';
import { setSearch, useLocation } from '../../hooks/router.tsx';
import { useApi } from '../../hooks/session.tsx';
import { known, richText, useT, type T } from '../../i18n/index.tsx';
import { BulkUpload } from './BulkUpload.tsx';

const KINDS = [...DEVICE_KINDS, 'lamp', 'cabinet'];
const kindLabel = (t: T, kind: string) => (kind === 'lamp' || kind === 'cabinet' ? t(`devices.${kind}`) : known(t, `deviceKind.${kind}`, kind));

type ListedDevice = Device & { online: boolean; lastSeen: number | null };

function SecretOnce({ issued, onClose }: { issued: DeviceWithSecret | null; onClose: () => void }) {
  const { t } = useT();
  return (
    <Dialog
      open={issued !== null}
      title={t('devices.secretTitle')}
      onClose={onClose}
      footer={
        <Button variant="primary" onClick={onClose}>
          {t('devices.secretStored')}
        </Button>
      }
    >
      {issued ? (
        <>
          <Note tone="warning">{t('devices.secretCopyNow')}</Note>
          <Note>{t('devices.secretConnect')}</Note>
          <div className="secret">
            <code data-testid="device-secret">{issued.secret}</code>
            <CopyButton text={issued.secret} label={t('devices.copySecret')} />
          </div>
          <KeyValues
            items={[
              [t('devices.device'), <span className="mono">{issued.device.id}</span>],
              [t('devices.mqttUsername'), <span className="mono" data-testid="device-mqtt-username">{issued.mqtt.username}</span>],
              [t('devices.mqttClientId'), <span className="mono" data-testid="device-mqtt-client-id">{issued.mqtt.clientId}</span>],
              [t('devices.telemetryTopic'), <span className="mono break">{issued.mqtt.telemetryTopic}</span>],
              [t('devices.commandsTopic'), <span className="mono break">{issued.mqtt.commandsTopic}</span>],
            ]}
          />
        </>
      ) : null}
    </Dialog>
  );
}

function Register({ open, kinds, onClose, onIssued }: { open: boolean; kinds: string[]; onClose: () => void; onIssued: (d: DeviceWithSecret) => void }) {
  const api = useApi();
  const { t } = useT();
  const [id, setId] = useState('');
  const [kind, setKind] = useState('');
  const [label, setLabel] = useState('');
  const create = useAction(async () => {
    const input = { id: id.trim(), kind: kind.trim(), ...(label.trim() ? { label: label.trim() } : {}) };
    checkBody(deviceCreateSchema, input, t);
    const r = await api.post<DeviceWithSecret>('/devices', input);
    setId('');
    setLabel('');
    onIssued(r);
  });
  return (
    <FormDialog
      open={open}
      title={t('devices.registerTitle')}
      onClose={onClose}
      actionLabel={t('devices.registerAction')}
      onAction={() => void create.run()}
      busy={create.busy}
      disabled={!id.trim() || !kind.trim()}
      error={create.error}
    >
      <Field id="d-id" label={t('devices.id')} hint={t('devices.idHint')}>
        <input id="d-id" value={id} onChange={(e) => setId(e.target.value)} autoComplete="off" placeholder={t('devices.idPlaceholder')} />
      </Field>
      <Field id="d-kind" label={t('devices.kind')}>
        <input id="d-kind" list="device-kinds" value={kind} onChange={(e) => setKind(e.target.value)} autoComplete="off" />
        <datalist id="device-kinds">
          {kinds.map((k) => (
            <option key={k} value={k}>
              {kindLabel(t, k)}
            </option>
          ))}
        </datalist>
      </Field>
      <Field id="d-label" label={t('devices.label')}>
        <input id="d-label" value={label} onChange={(e) => setLabel(e.target.value)} autoComplete="off" placeholder={t('devices.labelPlaceholder')} />
      </Field>
    </FormDialog>
  );
}

/** Search and filters, kept in the URL so a reload or a shared link shows the same list. */
function Filters({ present }: { present: string[] }) {
  const { search } = useLocation();
  const { t } = useT();
  const [q = '', kind = '', online = '', status = ''] = ['q', 'kind', 'online', 'status'].map((k) => search.get(k) ?? '');
  return (
    <div className="toolbar">
      <Field id="device-search" label={t('devices.find')} inline>
        <input id="device-search" type="search" value={q} placeholder={t('devices.findPlaceholder')} onChange={(e) => setSearch({ q: e.target.value, offset: undefined })} />
      </Field>
      <Field id="kind-filter" label={t('devices.kind')} inline>
        <select id="kind-filter" value={kind} onChange={(e) => setSearch({ kind: e.target.value, offset: undefined })}>
          <option value="">{t('devices.allKinds')}</option>
          {present.map((k) => (
            <option key={k} value={k}>
              {kindLabel(t, k)}
            </option>
          ))}
        </select>
      </Field>
      <Field id="online-filter" label={t('devices.connection')} inline>
        <select id="online-filter" value={online} onChange={(e) => setSearch({ online: e.target.value, offset: undefined })}>
          <option value="">{t('devices.any')}</option>
          <option value="true">{t('devices.online')}</option>
          <option value="false">{t('devices.offline')}</option>
        </select>
      </Field>
      <Field id="status-filter" label={t('devices.status')} inline>
        <select id="status-filter" value={status} onChange={(e) => setSearch({ status: e.target.value, offset: undefined })}>
          <option value="">{t('devices.any')}</option>
          <option value="active">{t('devices.active')}</option>
          <option value="revoked">{t('devices.revoked')}</option>
        </select>
      </Field>
    </div>
  );
}

function DeviceTable({
  items,
  selected,
  setSelected,
  now,
  onRotate,
  onRevoke,
}: {
  items: ListedDevice[];
  selected: Set<string>;
  setSelected: (fn: (s: Set<string>) => Set<string>) => void;
  now: number;
  onRotate: (d: Device) => void;
  onRevoke: (d: Device) => void;
}) {
  const { t } = useT();
  const shownIds = items.map((d) => d.id);
  const allShown = shownIds.length > 0 && shownIds.every((id) => selected.has(id));
  return (
    <div className="table-scroll">
      <DataTable
        columns={[
          {
            label: (
              <input type="checkbox" aria-label={t('devices.selectAll')} checked={allShown} onChange={(e) => setSelected((s) => toggleAll(s, shownIds, e.target.checked))} />
            ),
          },
          t('devices.colDevice'),
          t('devices.colConnection'),
          t('devices.colLastSeen'),
          t('devices.colStatus'),
        ]}
        actions
        testId="devices-table"
      >
        {items.map((d) => (
          <tr key={d.id}>
            <td>
              <input type="checkbox" aria-label={t('devices.select', { id: d.id })} checked={selected.has(d.id)} onChange={(e) => setSelected((s) => toggleAll(s, [d.id], e.target.checked))} />
            </td>
            <td>
              <div className="mono nowrap">{d.id}</div>
              <div className="muted small">
                {kindLabel(t, d.kind)}
                {d.label ? ` · ${d.label}` : ''}
              </div>
            </td>
            <td>
              <OnlineBadge online={d.online} />
            </td>
            <td className="nowrap">{d.online ? t('devices.now') : d.lastSeen ? formatAgo(Math.min(d.lastSeen, now), now) : <span className="muted">{t('devices.notSinceStart')}</span>}</td>
            <td>
              {d.status === 'active' ? <Pill tone="ok">{t('devices.active')}</Pill> : <Pill tone="bad">{t('devices.revoked')}</Pill>}
              {d.rotatedAt && d.rotatedAt !== d.createdAt ? <div className="muted small nowrap">{t('devices.rotatedOn', { date: formatDate(d.rotatedAt) })}</div> : null}
            </td>
            <td className="actions actions-wrap">
              {d.status === 'active' ? (
                <>
                  <Button variant="ghost" onClick={() => onRotate(d)} aria-label={t('devices.rotateLabel', { id: d.id })}>
                    {t('devices.rotate')}
                  </Button>
                  <Button variant="ghost" onClick={() => onRevoke(d)} aria-label={t('devices.revokeLabel', { id: d.id })}>
                    {t('devices.revoke')}
                  </Button>
                </>
              ) : null}
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}

export function Devices() {
  const api = useApi();
  const { t } = useT();
  const { search } = useLocation();
  const now = useNow();
  const [kind = '', q = '', online = '', status = ''] = ['kind', 'q', 'online', 'status'].map((k) => search.get(k) ?? '');
  const offset = offsetFrom(search.get('offset'));
  const res = useResource<{ items: ListedDevice[]; total: number }>(`/devices${queryString({ kind, q: q.trim(), online, status, offset: String(offset), limit: String(PAGE_SIZE) })}`);
  const all = useResource<{ items: Device[] }>('/devices');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [registering, setRegistering] = useState(false);
  const [bulk, setBulk] = useState(false);
  const [issued, setIssued] = useState<DeviceWithSecret | null>(null);
  const [confirmRevoke, setConfirmRevoke] = useState<Device | null>(null);
  const kinds = useMemo(() => [...new Set([...KINDS, ...(all.data?.items ?? []).map((d) => d.kind)])].sort(), [all.data]);
  const present = useMemo(() => [...new Set((all.data?.items ?? []).map((d) => d.kind))].sort(), [all.data]);

  const update = (d: Device) => res.mutate((prev) => (prev ? { ...prev, items: prev.items.map((x) => (x.id === d.id ? { ...x, ...d } : x)) } : prev));
  const [confirmRotate, setConfirmRotate] = useState<Device | null>(null);
  // The new secret is the result: the confirmation closes and the secret opens, shown once.
  const rotate = async (d: Device) => {
    const r = await api.post<DeviceWithSecret>(`/devices/${encodeURIComponent(d.id)}/rotate`);
    update(r.device);
    setConfirmRotate(null);
    setIssued(r);
    return r;
  };
  const revoke = useAction(async (d: Device) => {
    update(await api.post<Device>(`/devices/${encodeURIComponent(d.id)}/revoke`));
    setConfirmRevoke(null);
  });
  const items = res.data?.items ?? [];
  const page = pageInfo(res.data?.total ?? 0, offset);

  return (
    <div className="page">
      <PageHeader
        title={t('devices.title')}
        subtitle={t('devices.subtitle')}
        actions={
          <>
            <Button onClick={() => setBulk(true)}>{t('devices.fromFile')}</Button>
            <Button variant="primary" onClick={() => setRegistering(true)}>
              {t('devices.register')}
            </Button>
          </>
        }
      />
      <ErrorNote error={res.error ?? revoke.error} onRetry={res.reload} />
      <Filters present={present} />
      <BulkActions
        selected={[...selected]}
        onClear={() => setSelected(new Set())}
        onDone={() => {
          setSelected(new Set());
          res.reload();
        }}
      />
      <Card
        title={page.total ? t('devices.page', { from: page.from, to: page.to, total: page.total }) : t('devices.none')}
        actions={
          <div className="pager">
            <Button disabled={page.prev === null} onClick={() => setSearch({ offset: page.prev ? String(page.prev) : undefined })}>
              {t('devices.previous')}
            </Button>
            <Button disabled={page.next === null} onClick={() => setSearch({ offset: String(page.next) })}>
              {t('devices.next')}
            </Button>
          </div>
        }
      >
        {res.data ? (
          <DeviceTable items={items} selected={selected} setSelected={setSelected} now={now} onRotate={setConfirmRotate} onRevoke={setConfirmRevoke} />
        ) : (
          <Loading />
        )}
      </Card>
      <Register
        open={registering}
        kinds={kinds}
        onClose={() => setRegistering(false)}
        onIssued={(r) => {
          setRegistering(false);
          setIssued(r);
          // The new device may sort onto another page: show it by its id.
          setSearch({ q: r.device.id, offset: undefined });
          res.reload();
          all.reload();
        }}
      />
      <BulkUpload
        open={bulk}
        onClose={() => setBulk(false)}
        onCreated={() => {
          res.reload();
          all.reload();
        }}
      />
      <ConfirmAction
        open={confirmRotate !== null}
        title={t('devices.rotateTitle')}
        consequences={<p>{richText(t, 'devices.rotateBody', { id: <span className="mono">{confirmRotate?.id}</span> })}</p>}
        typed={confirmRotate?.id}
        actionLabel={t('devices.rotate')}
        onConfirm={() => rotate(confirmRotate!)}
        onClose={() => setConfirmRotate(null)}
      />
      <SecretOnce issued={issued} onClose={() => setIssued(null)} />
      <ActionDialog
        open={confirmRevoke !== null}
        title={t('devices.revokeTitle')}
        onClose={() => setConfirmRevoke(null)}
        actionLabel={t('devices.revokeAction')}
        onAction={() => confirmRevoke && void revoke.run(confirmRevoke)}
        busy={revoke.busy}
      >
        <p>{richText(t, 'devices.revokeBody', { id: <span className="mono">{confirmRevoke?.id}</span> })}</p>
      </ActionDialog>
    </div>
  );
}
