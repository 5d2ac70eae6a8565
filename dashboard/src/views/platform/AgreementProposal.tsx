// Proposing a data sharing agreement (the tenant administrator, as provider): the terms, checked
// with the API's own schema before sending; both parties' data protection officers then sign it
// on the Agreements page (docs/security.md "Signed agreements").
import { useState } from 'react';
import { Field, FormDialog } from '../../components/forms.tsx';
import { Note } from '../../components/ui.tsx';
import { emptyDraft, OPERATIONS, proposalOf, PURPOSES, type AgreementDraft } from '../../lib/agreement-form.ts';
import { useAction, useResource } from '../../hooks/resource.ts';
import { useApi } from '../../hooks/session.tsx';

interface Category {
  category: string;
  description: string;
  sensitivity?: string;
}

export function AgreementProposal({ open, onClose, onProposed }: { open: boolean; onClose: () => void; onProposed: () => void }) {
  const api = useApi();
  const categories = useResource<{ items: Category[] }>(open ? '/sharing/categories' : null);
  const [d, setD] = useState<AgreementDraft>(() => emptyDraft(Date.now()));
  const [checked, setChecked] = useState<string | undefined>(undefined);
  const propose = useAction(async () => {
    const r = proposalOf(d);
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
      title="Propose a data sharing agreement"
      onClose={onClose}
      actionLabel="Propose"
      onAction={() => void propose.run()}
      busy={propose.busy}
      error={checked ?? propose.error}
    >
      <Field id="agr-consumer" label="Recipient tenant" hint="Its id, e.g. uni-research">
        <input id="agr-consumer" value={d.consumerTenant} onChange={(e) => set('consumerTenant', e.target.value)} autoComplete="off" />
      </Field>
      <Field id="agr-title" label="Title">
        <input id="agr-title" value={d.title} onChange={(e) => set('title', e.target.value)} />
      </Field>
      <Field id="agr-purpose" label="Purpose">
        <select id="agr-purpose" value={d.purpose} onChange={(e) => set('purpose', e.target.value as AgreementDraft['purpose'])}>
          {PURPOSES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="field">
        <legend>Operations</legend>
        {OPERATIONS.map((o) => (
          <label key={o} className="check">
            <input type="checkbox" checked={d.operations.includes(o)} disabled={o === 'read' && d.aggregationOnly} onChange={(e) => set('operations', toggle(d.operations, o, e.target.checked))} />
            {o === 'aggregate' ? 'aggregates' : 'record reads'}
          </label>
        ))}
      </fieldset>
      <fieldset className="field groups-field">
        <legend>Data categories</legend>
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
        <legend>Obligations of the recipient</legend>
        <label className="check">
          <input type="checkbox" checked={d.aggregationOnly} onChange={(e) => set('aggregationOnly', e.target.checked)} />
          aggregates only
        </label>
        <label className="check">
          <input type="checkbox" checked={d.requireConsent} onChange={(e) => set('requireConsent', e.target.checked)} />
          only subjects who consented to this purpose
        </label>
        <Field id="agr-group" label="Smallest group shared" inline>
          <input id="agr-group" className="input-narrow" inputMode="numeric" value={d.minGroupSize} onChange={(e) => set('minGroupSize', e.target.value)} />
        </Field>
        <Field id="agr-retention" label="Recipient deletes after (days)" inline>
          <input id="agr-retention" className="input-narrow" inputMode="numeric" value={d.retentionDays} onChange={(e) => set('retentionDays', e.target.value)} />
        </Field>
      </fieldset>
      <Field id="agr-from" label="Valid from (first day)">
        <input id="agr-from" type="date" value={d.validFrom} onChange={(e) => set('validFrom', e.target.value)} />
      </Field>
      <Field id="agr-until" label="Valid until (last day)">
        <input id="agr-until" type="date" value={d.validUntil} onChange={(e) => set('validUntil', e.target.value)} />
      </Field>
      <Note>Personal and health data leave only as aggregates of groups of at least five, whatever the terms say.</Note>
    </FormDialog>
  );
}
