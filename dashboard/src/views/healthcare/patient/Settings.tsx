// The patient's clinical settings: NEWS2 SpO₂ scale, observation interval and personal alarm
// thresholds. Changing them needs the clinician's permissions (the API's PATCH …/settings asks for
// data:read and alarms:ack) and is audited; a scale change is audited on its own.
import { useState } from 'react';
import { NUMERIC_VITAL_KEYS } from '../../../../../pilots/healthcare/domain/vitals.ts';
import { ConfirmAction } from '../../../components/ConfirmAction.tsx';
import { Field, FormError } from '../../../components/forms.tsx';
import { Button, Card, KeyValues, Segmented } from '../../../components/ui.tsx';
import { formatVital, VITALS } from '../../../lib/format.ts';
import { HC } from '../../../lib/healthcare.ts';
import { settingsForm, settingsPatch, type SettingsForm, type SettingsPatch } from '../../../lib/patient-settings.ts';
import type { Patient } from '../../../../../pilots/healthcare/contract.ts';
import { useApi, useSession } from '../../../hooks/session.tsx';

type Settings = Patient['settings'];

function thresholdText(s: Settings): string {
  const t = Object.entries(s.thresholds ?? {});
  if (!t.length) return 'NEWS2 bands only';
  return t
    .map(([k, v]) => `${VITALS[k]?.short ?? k} ${v.low !== undefined ? `below ${formatVital(k, v.low)}` : ''}${v.low !== undefined && v.high !== undefined ? ' or ' : ''}${v.high !== undefined ? `above ${formatVital(k, v.high)}` : ''}`)
    .join('; ');
}

function describe(patch: SettingsPatch): string[] {
  const out: string[] = [];
  if (patch.scale === 2) out.push('SpO₂ is scored on scale 2 (prescribed 88–92 % target, hypercapnic respiratory failure). Use only on a clinician’s prescription.');
  if (patch.scale === 1) out.push('SpO₂ is scored on scale 1 (the standard target of 96 % or more).');
  if (patch.monitoringMinutes !== undefined) out.push(`A full observation set is expected every ${patch.monitoringMinutes} min.`);
  if (patch.thresholds === null) out.push('Personal thresholds are removed; alarms follow NEWS2 bands only.');
  else if (patch.thresholds) out.push(`Personal thresholds: ${thresholdText({ scale: 1, monitoringMinutes: 1, thresholds: patch.thresholds })}.`);
  return out;
}

export function PatientSettings({ id, settings, onSaved }: { id: string; settings: Settings; onSaved: (s: Settings) => void }) {
  const api = useApi();
  const { can } = useSession();
  const [form, setForm] = useState<SettingsForm | null>(null);
  const [confirming, setConfirming] = useState<SettingsPatch | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const mayChange = can('data:read') && can('alarms:ack');
  const review = () => {
    if (!form) return;
    const r = settingsPatch(settings, form);
    if ('error' in r) return setError(r.error);
    setError(undefined);
    setConfirming(r.patch);
  };
  const save = async () => {
    const r = await api.patch<{ id: string; settings: Settings }>(`${HC}/patients/${encodeURIComponent(id)}/settings`, confirming);
    onSaved(r.settings);
    setForm(null);
    return r.settings;
  };
  const setThreshold = (k: string, side: 'low' | 'high', v: string) =>
    setForm((f) => (f ? { ...f, thresholds: { ...f.thresholds, [k]: { ...f.thresholds[k]!, [side]: v } } } : f));

  return (
    <Card
      title="Clinical settings"
      actions={
        mayChange && !form ? (
          <Button onClick={() => setForm(settingsForm(settings, NUMERIC_VITAL_KEYS))} data-testid="settings-edit">
            Change…
          </Button>
        ) : null
      }
    >
      {!form ? (
        <KeyValues
          items={[
            ['SpO₂ scale', settings.scale === 2 ? 'Scale 2 (prescribed 88–92 %)' : 'Scale 1 (standard)'],
            ['Observations', `every ${settings.monitoringMinutes} min`],
            ['Personal thresholds', thresholdText(settings)],
          ]}
        />
      ) : (
        <form
          className="settings-form"
          onSubmit={(e) => {
            e.preventDefault();
            review();
          }}
        >
          <div className="field">
            <span aria-hidden="true">SpO₂ scale</span>
            <Segmented
              label="SpO₂ scale"
              value={String(form.scale) as '1' | '2'}
              options={[
                { value: '1', label: 'Scale 1 (standard)' },
                { value: '2', label: 'Scale 2 (88–92 %)' },
              ]}
              onChange={(v) => setForm({ ...form, scale: v === '2' ? 2 : 1 })}
            />
          </div>
          <Field id="monitoring-minutes" label="Observation interval (minutes)">
            <input id="monitoring-minutes" inputMode="numeric" value={form.monitoringMinutes} onChange={(e) => setForm({ ...form, monitoringMinutes: e.target.value })} />
          </Field>
          <fieldset className="field thresholds">
            <legend>Personal alarm thresholds (empty: NEWS2 bands only)</legend>
            <div className="threshold-grid">
              {NUMERIC_VITAL_KEYS.map((k) => (
                <div key={k} className="threshold-row">
                  <span>
                    {VITALS[k]?.label ?? k} <span className="muted small">({VITALS[k]?.unit})</span>
                  </span>
                  <input aria-label={`${VITALS[k]?.label ?? k} low`} placeholder="low" inputMode="decimal" value={form.thresholds[k]?.low ?? ''} onChange={(e) => setThreshold(k, 'low', e.target.value)} />
                  <input aria-label={`${VITALS[k]?.label ?? k} high`} placeholder="high" inputMode="decimal" value={form.thresholds[k]?.high ?? ''} onChange={(e) => setThreshold(k, 'high', e.target.value)} />
                </div>
              ))}
            </div>
          </fieldset>
          <FormError error={error} />
          <div className="form-actions">
            <Button onClick={() => setForm(null)}>Cancel</Button>
            <Button variant="primary" type="submit" data-testid="settings-review">
              Review change…
            </Button>
          </div>
        </form>
      )}
      <ConfirmAction
        open={confirming !== null}
        title="Change clinical settings?"
        consequences={
          <ul>
            {describe(confirming ?? {}).map((t) => (
              <li key={t}>{t}</li>
            ))}
            <li>The change is recorded in the audit log under your name.</li>
          </ul>
        }
        actionLabel="Apply settings"
        variant="primary"
        onConfirm={save}
        result={(s) => `Saved: SpO₂ scale ${s.scale}, observations every ${s.monitoringMinutes} min, ${thresholdText(s)}.`}
        onClose={() => setConfirming(null)}
      />
    </Card>
  );
}
