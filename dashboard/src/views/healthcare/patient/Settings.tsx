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
import { known, useT, type T } from '../../../i18n/index.tsx';

type Settings = Patient['settings'];

function thresholdText(t: T, s: Settings): string {
  const entries = Object.entries(s.thresholds ?? {});
  if (!entries.length) return t('settings.bandsOnly');
  return entries
    .map(([k, v]) => {
      const low = v.low !== undefined ? t('settings.below', { value: formatVital(k, v.low) }) : '';
      const high = v.high !== undefined ? t('settings.above', { value: formatVital(k, v.high) }) : '';
      return `${known(t, `vitalShort.${k}`, k)} ${low}${low && high ? t('settings.or') : ''}${high}`;
    })
    .join('; ');
}

function describe(t: T, patch: SettingsPatch): string[] {
  const out: string[] = [];
  if (patch.scale === 2) out.push(t('settings.scale2Describe'));
  if (patch.scale === 1) out.push(t('settings.scale1Describe'));
  if (patch.monitoringMinutes !== undefined) out.push(t('settings.intervalDescribe', { minutes: patch.monitoringMinutes }));
  if (patch.thresholds === null) out.push(t('settings.thresholdsRemoved'));
  else if (patch.thresholds) out.push(t('settings.thresholdsDescribe', { thresholds: thresholdText(t, { scale: 1, monitoringMinutes: 1, thresholds: patch.thresholds }) }));
  return out;
}

export function PatientSettings({ id, settings, onSaved }: { id: string; settings: Settings; onSaved: (s: Settings) => void }) {
  const api = useApi();
  const { t } = useT();
  const { can } = useSession();
  const [form, setForm] = useState<SettingsForm | null>(null);
  const [confirming, setConfirming] = useState<SettingsPatch | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const mayChange = can('data:read') && can('alarms:ack');
  const review = () => {
    if (!form) return;
    const r = settingsPatch(settings, form);
    if ('error' in r) {
      const vital = r.error.params?.vital;
      return setError(t(r.error.key, vital === undefined ? r.error.params : { vital: known(t, `vital.${vital}`, String(vital)) }));
    }
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
      title={t('settings.title')}
      actions={
        mayChange && !form ? (
          <Button onClick={() => setForm(settingsForm(settings, NUMERIC_VITAL_KEYS))} data-testid="settings-edit">
            {t('settings.change')}
          </Button>
        ) : null
      }
    >
      {!form ? (
        <KeyValues
          items={[
            [t('settings.scale'), settings.scale === 2 ? t('settings.scale2Prescribed') : t('settings.scale1')],
            [t('settings.observations'), t('settings.every', { minutes: settings.monitoringMinutes })],
            [t('settings.personal'), thresholdText(t, settings)],
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
            <span aria-hidden="true">{t('settings.scale')}</span>
            <Segmented
              label={t('settings.scale')}
              value={String(form.scale) as '1' | '2'}
              options={[
                { value: '1', label: t('settings.scale1') },
                { value: '2', label: t('settings.scale2') },
              ]}
              onChange={(v) => setForm({ ...form, scale: v === '2' ? 2 : 1 })}
            />
          </div>
          <Field id="monitoring-minutes" label={t('settings.interval')}>
            <input id="monitoring-minutes" inputMode="numeric" value={form.monitoringMinutes} onChange={(e) => setForm({ ...form, monitoringMinutes: e.target.value })} />
          </Field>
          <fieldset className="field thresholds">
            <legend>{t('settings.thresholdsLegend')}</legend>
            <div className="threshold-grid">
              {NUMERIC_VITAL_KEYS.map((k) => {
                const vital = known(t, `vital.${k}`, k);
                return (
                  <div key={k} className="threshold-row">
                    <span>
                      {vital} <span className="muted small">({VITALS[k]?.unit})</span>
                    </span>
                    <input aria-label={t('settings.lowLabel', { vital })} placeholder={t('settings.low')} inputMode="decimal" value={form.thresholds[k]?.low ?? ''} onChange={(e) => setThreshold(k, 'low', e.target.value)} />
                    <input aria-label={t('settings.highLabel', { vital })} placeholder={t('settings.high')} inputMode="decimal" value={form.thresholds[k]?.high ?? ''} onChange={(e) => setThreshold(k, 'high', e.target.value)} />
                  </div>
                );
              })}
            </div>
          </fieldset>
          <FormError error={error} />
          <div className="form-actions">
            <Button onClick={() => setForm(null)}>{t('settings.cancel')}</Button>
            <Button variant="primary" type="submit" data-testid="settings-review">
              {t('settings.review')}
            </Button>
          </div>
        </form>
      )}
      <ConfirmAction
        open={confirming !== null}
        title={t('settings.confirmTitle')}
        consequences={
          <ul>
            {describe(t, confirming ?? {}).map((line) => (
              <li key={line}>{line}</li>
            ))}
            <li>{t('settings.audited')}</li>
          </ul>
        }
        actionLabel={t('settings.apply')}
        variant="primary"
        onConfirm={save}
        result={(s) => t('settings.saved', { scale: s.scale, minutes: s.monitoringMinutes, thresholds: thresholdText(t, s) })}
        onClose={() => setConfirming(null)}
      />
    </Card>
  );
}
