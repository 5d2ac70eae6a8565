// Enrolling a patient from the board: who they are, their conditions, which devices go home with
// them, the SpO₂ scale, and consent when the caller may record it. The devices' secrets come back
// once, in the answer, and are shown once here for the technician who sets the devices up.
import { useState } from 'react';
import { createPatientSchema } from '../../../../pilots/healthcare/model.ts';
import { Field, FormDialog } from '../../components/forms.tsx';
import { Button, CopyButton, Dialog, Note } from '../../components/ui.tsx';
import { CONDITION_LABEL, DEVICE_LABEL, HC } from '../../lib/healthcare.ts';
import { checkBody } from '../../lib/validate.ts';
import { useAction } from '../../hooks/resource.ts';
import { Link } from '../../hooks/router.tsx';
import { useApi, useSession } from '../../hooks/session.tsx';

interface Enrolled {
  id: string;
  consent: 'given' | 'none';
  devices: { id: string; kind: string; secret: string; mqtt: { username: string } }[];
}

const KINDS = Object.keys(DEVICE_LABEL).filter((k) => k !== 'home-hub');
const DEFAULT_KINDS = ['pulse-oximeter', 'bp-cuff', 'thermometer', 'wearable'];
const SEXES = [
  ['female', 'Female'],
  ['male', 'Male'],
  ['other', 'Other'],
  ['unknown', 'Unknown'],
] as const;

function toggle(list: string[], v: string, on: boolean): string[] {
  return on ? [...new Set([...list, v])] : list.filter((x) => x !== v);
}

export function EnrolPatient({ onEnrolled }: { onEnrolled: () => void }) {
  const api = useApi();
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
    checkBody(createPatientSchema, input);
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
        Enrol patient…
      </Button>
      <FormDialog
        open={open}
        title="Enrol a patient"
        onClose={() => setOpen(false)}
        actionLabel="Enrol and register devices"
        onAction={() => void enrol.run()}
        busy={enrol.busy}
        disabled={!f.identifier.trim() || !f.givenName.trim() || !f.familyName.trim() || !f.birthDate}
        error={enrol.error}
      >
        <Field id="e-identifier" label="Identifier" hint="Uppercase letters, digits and dashes, e.g. SYN-000123.">
          <input id="e-identifier" value={f.identifier} onChange={set('identifier')} autoComplete="off" />
        </Field>
        <Field id="e-given" label="Given name">
          <input id="e-given" value={f.givenName} onChange={set('givenName')} autoComplete="off" />
        </Field>
        <Field id="e-family" label="Family name">
          <input id="e-family" value={f.familyName} onChange={set('familyName')} autoComplete="off" />
        </Field>
        <Field id="e-birth" label="Date of birth">
          <input id="e-birth" type="date" value={f.birthDate} onChange={set('birthDate')} />
        </Field>
        <Field id="e-sex" label="Sex">
          <select id="e-sex" value={f.sex} onChange={set('sex')}>
            {SEXES.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </Field>
        <Field id="e-scale" label="SpO₂ scale" hint="Scale 2 only on a clinician’s prescription (88–92 % target).">
          <select id="e-scale" value={f.scale} onChange={set('scale')}>
            <option value="1">Scale 1 (standard)</option>
            <option value="2">Scale 2 (88–92 %)</option>
          </select>
        </Field>
        <fieldset className="field">
          <legend>Conditions</legend>
          {Object.entries(CONDITION_LABEL).map(([v, l]) => (
            <label className="check" key={v}>
              <input type="checkbox" checked={conditions.includes(v)} onChange={(e) => setConditions((c) => toggle(c, v, e.target.checked))} />
              {l}
            </label>
          ))}
        </fieldset>
        <fieldset className="field">
          <legend>Devices (a home hub is always included)</legend>
          {KINDS.map((k) => (
            <label className="check" key={k}>
              <input type="checkbox" checked={kinds.includes(k)} onChange={(e) => setKinds((c) => toggle(c, k, e.target.checked))} />
              {DEVICE_LABEL[k]}
            </label>
          ))}
        </fieldset>
        {can('consent:manage') ? (
          <fieldset className="field">
            <legend>Consent</legend>
            <label className="check">
              <input type="checkbox" checked={f.consent} onChange={(e) => setF((p) => ({ ...p, consent: e.target.checked }))} />
              The patient has given consent to telemonitoring
            </label>
            <input aria-label="Consent note" value={f.note} onChange={set('note')} placeholder="How and when (optional)" disabled={!f.consent} />
          </fieldset>
        ) : null}
      </FormDialog>
      <Dialog
        open={done !== null}
        title="Patient enrolled — device secrets shown once"
        onClose={() => setDone(null)}
        footer={
          <Button variant="primary" onClick={() => setDone(null)}>
            I have stored the secrets
          </Button>
        }
      >
        {done ? (
          <div data-testid="enrolled">
            <Note tone="warning">Copy each device’s secret now: it cannot be shown again (rotate it if lost).</Note>
            {done.consent !== 'given' ? <Note>No consent recorded yet: readings are refused until it is.</Note> : null}
            <table className="table table-compact">
              <thead>
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">MQTT username</th>
                  <th scope="col">Secret</th>
                </tr>
              </thead>
              <tbody>
                {done.devices.map((d) => (
                  <tr key={d.id}>
                    <td>{DEVICE_LABEL[d.kind] ?? d.kind}</td>
                    <td className="mono small break">{d.mqtt.username}</td>
                    <td>
                      <code className="small break">{d.secret}</code> <CopyButton text={d.secret} label="Copy" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p>
              <Link to={`/care/patients/${encodeURIComponent(done.id)}`}>Open the patient’s page</Link>
            </p>
          </div>
        ) : null}
      </Dialog>
    </>
  );
}
