// Enrolling a patient from the board: who they are, their conditions, which devices go home with
// them, the SpO₂ scale, and consent when the caller may record it. The devices' secrets come back
// once, in the answer, and are shown once here for the technician who sets the devices up.
import { useState } from 'react';
import { createPatientSchema } from '../../../../pilots/healthcare/model.ts';
import { Field, FormDialog } from '../../components/forms.tsx';
import { Button, CopyButton, Dialog, Note } from '../../components/ui.tsx';
import { CONDITIONS, HC, PATIENT_DEVICE_KINDS } from '../../lib/healthcare.ts';
import { checkBody } from '../../lib/validate.ts';
import { useAction } from '../../hooks/resource.ts';
import { Link } from '../../hooks/router.tsx';
import { useApi, useSession } from '../../hooks/session.tsx';
import { known, useT } from '../../i18n/index.tsx';

interface Enrolled {
  id: string;
  consent: 'given' | 'none';
  devices: { id: string; kind: string; secret: string; mqtt: { username: string } }[];
}

const DEFAULT_KINDS = ['pulse-oximeter', 'bp-cuff', 'thermometer', 'wearable'];
const SEXES = ['female', 'male', 'other', 'unknown'] as const;

function toggle(list: string[], v: string, on: boolean): string[] {
  return on ? [...new Set([...list, v])] : list.filter((x) => x !== v);
}

export function EnrolPatient({ onEnrolled }: { onEnrolled: () => void }) {
  const api = useApi();
  const { t } = useT();
  const { can } = useSession();
  const [open, setOpen] = useState(false);
  const [f, setF] = useState({ identifier: '', givenName: '', familyName: '', birthDate: '', sex: 'female', scale: '1', consent: false, note: '' });
  const [conditions, setConditions] = useState<string[]>([]);
  const [kinds, setKinds] = useState<string[]>(DEFAULT_KINDS);
  const [done, setDone] = useState<Enrolled | null>(null);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF((prev) => ({ ...prev, [k]: e.target.value }));
  const enrol = useAction(async () => {
    const input = {
      identifier: f.identifier.trim().toUpperCase(),
      givenName: f.givenName.trim(),
      familyName: f.familyName.trim(),
      birthDate: f.birthDate,
      sex: f.sex,
      conditions,
      devices: kinds,
      settings: { scale: f.scale === '2' ? 2 : 1, monitoringMinutes: 60 },
      ...(f.consent ? { consent: { status: 'given', note: f.note.trim() } } : {}),
    };
    checkBody(createPatientSchema, input, t);
    const r = await api.post<Enrolled>(`${HC}/patients`, input);
    setOpen(false);
    setDone(r);
    setF({ identifier: '', givenName: '', familyName: '', birthDate: '', sex: 'female', scale: '1', consent: false, note: '' });
    setConditions([]);
    setKinds(DEFAULT_KINDS);
    onEnrolled();
  });
  return (
    <>
      <Button variant="primary" onClick={() => setOpen(true)} data-testid="enrol-patient">
        {t('enrol.button')}
      </Button>
      <FormDialog
        open={open}
        title={t('enrol.title')}
        onClose={() => setOpen(false)}
        actionLabel={t('enrol.action')}
        onAction={() => void enrol.run()}
        busy={enrol.busy}
        disabled={!f.identifier.trim() || !f.givenName.trim() || !f.familyName.trim() || !f.birthDate}
        error={enrol.error}
      >
        <Field id="e-identifier" label={t('enrol.identifier')} hint={t('enrol.identifierHint')}>
          <input id="e-identifier" value={f.identifier} onChange={set('identifier')} autoComplete="off" />
        </Field>
        <Field id="e-given" label={t('enrol.givenName')}>
          <input id="e-given" value={f.givenName} onChange={set('givenName')} autoComplete="off" />
        </Field>
        <Field id="e-family" label={t('enrol.familyName')}>
          <input id="e-family" value={f.familyName} onChange={set('familyName')} autoComplete="off" />
        </Field>
        <Field id="e-birth" label={t('enrol.birthDate')}>
          <input id="e-birth" type="date" value={f.birthDate} onChange={set('birthDate')} />
        </Field>
        <Field id="e-sex" label={t('enrol.sex')}>
          <select id="e-sex" value={f.sex} onChange={set('sex')}>
            {SEXES.map((v) => (
              <option key={v} value={v}>
                {t(`enrol.${v}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="e-scale" label={t('enrol.scale')} hint={t('enrol.scaleHint')}>
          <select id="e-scale" value={f.scale} onChange={set('scale')}>
            <option value="1">{t('enrol.scale1')}</option>
            <option value="2">{t('enrol.scale2')}</option>
          </select>
        </Field>
        <fieldset className="field">
          <legend>{t('enrol.conditions')}</legend>
          {CONDITIONS.map((v) => (
            <label className="check" key={v}>
              <input type="checkbox" checked={conditions.includes(v)} onChange={(e) => setConditions((c) => toggle(c, v, e.target.checked))} />
              {t(`condition.${v}`)}
            </label>
          ))}
        </fieldset>
        <fieldset className="field">
          <legend>{t('enrol.devices')}</legend>
          {PATIENT_DEVICE_KINDS.map((k) => (
            <label className="check" key={k}>
              <input type="checkbox" checked={kinds.includes(k)} onChange={(e) => setKinds((c) => toggle(c, k, e.target.checked))} />
              {t(`deviceKind.${k}`)}
            </label>
          ))}
        </fieldset>
        {can('consent:manage') ? (
          <fieldset className="field">
            <legend>{t('enrol.consent')}</legend>
            <label className="check">
              <input type="checkbox" checked={f.consent} onChange={(e) => setF((p) => ({ ...p, consent: e.target.checked }))} />
              {t('enrol.consentGiven')}
            </label>
            <input aria-label={t('enrol.consentNote')} value={f.note} onChange={set('note')} placeholder={t('enrol.consentNotePlaceholder')} disabled={!f.consent} />
          </fieldset>
        ) : null}
      </FormDialog>
      <Dialog
        open={done !== null}
        title={t('enrol.doneTitle')}
        onClose={() => setDone(null)}
        footer={
          <Button variant="primary" onClick={() => setDone(null)}>
            {t('enrol.stored')}
          </Button>
        }
      >
        {done ? (
          <div data-testid="enrolled">
            <Note tone="warning">{t('enrol.copyNow')}</Note>
            {done.consent !== 'given' ? <Note>{t('enrol.noConsent')}</Note> : null}
            <table className="table table-compact">
              <thead>
                <tr>
                  <th scope="col">{t('enrol.device')}</th>
                  <th scope="col">{t('enrol.mqttUsername')}</th>
                  <th scope="col">{t('enrol.secret')}</th>
                </tr>
              </thead>
              <tbody>
                {done.devices.map((d) => (
                  <tr key={d.id}>
                    <td>{known(t, `deviceKind.${d.kind}`, d.kind)}</td>
                    <td className="mono small break">{d.mqtt.username}</td>
                    <td>
                      <code className="small break">{d.secret}</code> <CopyButton text={d.secret} label={t('common.copy')} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p>
              <Link to={`/care/patients/${encodeURIComponent(done.id)}`}>{t('enrol.open')}</Link>
            </p>
          </div>
        ) : null}
      </Dialog>
    </>
  );
}
