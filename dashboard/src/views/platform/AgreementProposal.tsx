// Proposing a data sharing agreement (the tenant administrator, as provider): the terms, checked
// with the API's own schema before sending; both parties' data protection officers then sign it
// on the Agreements page (docs/security.md "Signed agreements").
import { useState } from 'react';
import { Field, FormDialog } from '../../components/forms.tsx';
import { Note } from '../../components/ui.tsx';
import { emptyDraft, OPERATIONS, proposalOf, PURPOSES, type AgreementDraft } from '../../lib/agreement-form.ts';
import { useAction, useResource } from '../../hooks/resource.ts';
import { useApi } from '../../hooks/session.tsx';
import { useT } from '../../i18n/index.tsx';

interface Category {
  category: string;
  description: string;
  sensitivity?: string;
}

export function AgreementProposal({ open, onClose, onProposed }: { open: boolean; onClose: () => void; onProposed: () => void }) {
  const api = useApi();
  const { t } = useT();
  const categories = useResource<{ items: Category[] }>(open ? '/sharing/categories' : null);
  const [d, setD] = useState<AgreementDraft>(() => emptyDraft(Date.now()));
  const [checked, setChecked] = useState<string | undefined>(undefined);
  const propose = useAction(async () => {
    const r = proposalOf(d, t);
    if (!r.ok) {
      setChecked(r.error);
      return;
    }
    setChecked(undefined);
    await api.post('/agreements', r.input);
    setD(emptyDraft(Date.now()));
    onProposed();
    onClose();
  });
  const set = <K extends keyof AgreementDraft>(k: K, v: AgreementDraft[K]) => setD((prev) => ({ ...prev, [k]: v }));
  const toggle = <T extends string>(list: T[], item: T, on: boolean) => (on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item));
  return (
    <FormDialog
      open={open}
      title={t('agreementForm.title')}
      onClose={onClose}
      actionLabel={t('agreementForm.action')}
      onAction={() => void propose.run()}
      busy={propose.busy}
      error={checked ?? propose.error}
    >
      <Field id="agr-consumer" label={t('agreementForm.consumer')} hint={t('agreementForm.consumerHint')}>
        <input id="agr-consumer" value={d.consumerTenant} onChange={(e) => set('consumerTenant', e.target.value)} autoComplete="off" />
      </Field>
      <Field id="agr-title" label={t('agreementForm.agreementTitle')}>
        <input id="agr-title" value={d.title} onChange={(e) => set('title', e.target.value)} />
      </Field>
      <Field id="agr-purpose" label={t('agreementForm.purpose')}>
        <select id="agr-purpose" value={d.purpose} onChange={(e) => set('purpose', e.target.value as AgreementDraft['purpose'])}>
          {PURPOSES.map((p) => (
            <option key={p} value={p}>
              {t(`purpose.${p}`)}
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="field">
        <legend>{t('agreementForm.operations')}</legend>
        {OPERATIONS.map((o) => (
          <label key={o} className="check">
            <input type="checkbox" checked={d.operations.includes(o)} disabled={o === 'read' && d.aggregationOnly} onChange={(e) => set('operations', toggle(d.operations, o, e.target.checked))} />
            {t(`agreementForm.${o}`)}
          </label>
        ))}
      </fieldset>
      <fieldset className="field groups-field">
        <legend>{t('agreementForm.categories')}</legend>
        <div className="check-grid">
          {(categories.data?.items ?? []).map((c) => (
            <label key={c.category} className="check" title={c.description}>
              <input type="checkbox" checked={d.categories.includes(c.category)} onChange={(e) => set('categories', toggle(d.categories, c.category, e.target.checked))} />
              {c.category}
              {c.sensitivity ? <span className="muted small"> ({c.sensitivity})</span> : null}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="field groups-field">
        <legend>{t('agreementForm.obligations')}</legend>
        <label className="check">
          <input type="checkbox" checked={d.aggregationOnly} onChange={(e) => set('aggregationOnly', e.target.checked)} />
          {t('agreementForm.aggregationOnly')}
        </label>
        <label className="check">
          <input type="checkbox" checked={d.requireConsent} onChange={(e) => set('requireConsent', e.target.checked)} />
          {t('agreementForm.requireConsent')}
        </label>
        <Field id="agr-group" label={t('agreementForm.minGroupSize')} inline>
          <input id="agr-group" className="input-narrow" inputMode="numeric" value={d.minGroupSize} onChange={(e) => set('minGroupSize', e.target.value)} />
        </Field>
        <Field id="agr-retention" label={t('agreementForm.retentionDays')} inline>
          <input id="agr-retention" className="input-narrow" inputMode="numeric" value={d.retentionDays} onChange={(e) => set('retentionDays', e.target.value)} />
        </Field>
      </fieldset>
      <Field id="agr-from" label={t('agreementForm.validFrom')}>
        <input id="agr-from" type="date" value={d.validFrom} onChange={(e) => set('validFrom', e.target.value)} />
      </Field>
      <Field id="agr-until" label={t('agreementForm.validUntil')}>
        <input id="agr-until" type="date" value={d.validUntil} onChange={(e) => set('validUntil', e.target.value)} />
      </Field>
      <Note>{t('agreementForm.note')}</Note>
    </FormDialog>
  );
}
