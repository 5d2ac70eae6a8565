// The patient's devices with online state and battery; linking a spare registered device to the
// patient and unlinking one (the home hub stays with its patient). Both go through a confirmation
// that says whose record the device's readings will reach. Below, the commands sent to the hub
// (messages, reminders, demo scenarios) as the server keeps them.
import { useState } from 'react';
import { BatteryBadge, OnlineBadge } from '../../../components/badges.tsx';
import { ConfirmAction } from '../../../components/ConfirmAction.tsx';
import { Field } from '../../../components/forms.tsx';
import { CommandHistory } from '../../../components/CommandHistory.tsx';
import { Button, Card, ErrorNote } from '../../../components/ui.tsx';
import { actorLabel, hubCommandLabel, statusTone, type HubCommandEntry } from '../../../lib/command-history.ts';
import { useCommandHistory } from '../../../hooks/command-history.ts';
import { formatAgo } from '../../../lib/format.ts';
import { HC, PATIENT_DEVICE_KINDS, sortDevices, type PatientSummary } from '../../../lib/healthcare.ts';
import type { Device } from '../../../lib/types.ts';
import { useResource } from '../../../hooks/resource.ts';
import { useApi, useSession } from '../../../hooks/session.tsx';
import { known, richText, useT } from '../../../i18n/index.tsx';

const LINKABLE = new Set<string>(PATIENT_DEVICE_KINDS);

/** What was sent to the home hub and how far each got, from the server (no message text here). */
function HubHistory({ id, hubDeviceId }: { id: string; hubDeviceId: string }) {
  const { t } = useT();
  const h = useCommandHistory<HubCommandEntry>(`${HC}/patients/${encodeURIComponent(id)}/commands`, {}, (e) => e.id, (c) => c.deviceId === hubDeviceId, 5);
  return (
    <section aria-label={t('patientDevices.hubHistory')} className="hub-history">
      <h3 className="small strong">{t('patientDevices.hubHistory')}</h3>
      <ErrorNote error={h.error} onRetry={h.reload} />
      <CommandHistory
        loaded={h.loaded}
        rows={h.items.map((e) => {
          const status = h.statusOf(e);
          return { key: e.id, at: e.createdAt, label: hubCommandLabel(e, t), by: actorLabel(e.createdBy, t), status: t(`commandStatus.${status}`), tone: statusTone(status) };
        })}
        onMore={h.more ? () => void h.more!() : undefined}
        busy={h.busy}
        empty={t('patientDevices.hubEmpty')}
        testId="hub-history"
      />
    </section>
  );
}

export function Devices({ id, hubDeviceId, summary, now, onChanged }: { id: string; hubDeviceId: string; summary: PatientSummary; now: number; onChanged: () => void }) {
  const api = useApi();
  const { can } = useSession();
  const { t } = useT();
  const kindLabel = (kind: string) => known(t, `deviceKind.${kind}`, kind);
  const mayLink = (can('consent:manage') || can('devices:manage')) && can('devices:read');
  const [linking, setLinking] = useState(false);
  const [chosen, setChosen] = useState('');
  const [unlinking, setUnlinking] = useState<string | null>(null);
  const spare = useResource<{ items: Device[] }>(mayLink && linking ? '/devices' : null);
  const candidates = (spare.data?.items ?? []).filter((d) => LINKABLE.has(d.kind) && !d.subject && d.status === 'active');
  const base = `${HC}/patients/${encodeURIComponent(id)}/devices`;
  return (
    <Card
      title={t('patientDevices.title')}
      actions={
        mayLink ? (
          <Button
            onClick={() => {
              setChosen('');
              setLinking(true);
            }}
          >
            {t('patientDevices.link')}
          </Button>
        ) : null
      }
    >
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('patientDevices.colDevice')}</th>
            <th scope="col">{t('patientDevices.colState')}</th>
            <th scope="col">{t('patientDevices.colBattery')}</th>
            {mayLink ? <th scope="col"><span className="visually-hidden">{t('patientDevices.actions')}</span></th> : null}
          </tr>
        </thead>
        <tbody>
          {sortDevices(summary.devices).map((d) => (
            <tr key={d.id}>
              <td>
                <div>{kindLabel(d.kind)}</div>
                <div className="mono muted small">{d.id}</div>
              </td>
              <td>
                <OnlineBadge online={d.online} />
              </td>
              <td>{d.battery !== undefined ? <BatteryBadge level={d.battery} /> : <span className="muted">—</span>}</td>
              {mayLink ? (
                <td className="actions">
                  {d.id !== hubDeviceId ? (
                    <Button variant="ghost" onClick={() => setUnlinking(d.id)} aria-label={t('patientDevices.unlinkOf', { id: d.id })}>
                      {t('patientDevices.unlink')}
                    </Button>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {summary.lastVitals.at ? <p className="muted small">{t('patientDevices.lastReading', { ago: formatAgo(summary.lastVitals.at, now) })}</p> : null}
      {can('commands:read') ? <HubHistory id={id} hubDeviceId={hubDeviceId} /> : null}
      <ConfirmAction
        open={linking}
        title={t('patientDevices.linkTitle')}
        consequences={<p>{t('patientDevices.linkConsequences', { name: summary.displayName })}</p>}
        actionLabel={t('patientDevices.linkAction')}
        variant="primary"
        onConfirm={async () => {
          if (!chosen) throw new Error(t('patientDevices.chooseFirst'));
          const r = await api.post<{ deviceIds: string[] }>(base, { deviceId: chosen });
          onChanged();
          return r;
        }}
        result={() => t('patientDevices.linked', { id: chosen, name: summary.displayName })}
        onClose={() => setLinking(false)}
      >
        <Field id="link-device" label={t('patientDevices.colDevice')} hint={spare.data && !candidates.length ? t('patientDevices.noSpare') : undefined}>
          <select id="link-device" value={chosen} onChange={(e) => setChosen(e.target.value)}>
            <option value="">{t('patientDevices.choose')}</option>
            {candidates.map((d) => (
              <option key={d.id} value={d.id}>
                {kindLabel(d.kind)} — {d.id}
              </option>
            ))}
          </select>
        </Field>
      </ConfirmAction>
      <ConfirmAction
        open={unlinking !== null}
        title={t('patientDevices.unlinkTitle')}
        consequences={<p>{richText(t, 'patientDevices.unlinkConsequences', { id: <span className="mono">{unlinking}</span>, name: summary.displayName })}</p>}
        actionLabel={t('patientDevices.unlinkAction')}
        onConfirm={async () => {
          const r = await api.del<{ deviceIds: string[] }>(`${base}/${encodeURIComponent(unlinking!)}`);
          onChanged();
          return r;
        }}
        result={() => t('patientDevices.unlinked', { id: unlinking ?? '' })}
        onClose={() => setUnlinking(null)}
      />
    </Card>
  );
}
