// Form building blocks the views share: a labelled field, the error line of a form, a dialog with
// one action (a confirmation), and a dialog that holds a form. They only render; the views keep
// their state and their actions (hooks/resource.ts useAction).
import type { ReactNode } from 'react';
import { Button, Dialog } from './ui.tsx';
import { useT } from '../i18n/index.tsx';

/** A label, its control and an optional hint; `inline` puts the label beside the control. */
export function Field({ id, label, hint, inline = false, children }: { id: string; label: ReactNode; hint?: ReactNode; inline?: boolean; children: ReactNode }) {
  return (
    <div className={inline ? 'field field-inline' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? <div className="field-hint">{hint}</div> : null}
    </div>
  );
}

/** Why the last submission failed (the API's problem detail, or the same check made here first). */
export function FormError({ error }: { error: string | undefined }) {
  return error ? (
    <p className="form-error" role="alert">
      {error}
    </p>
  ) : null;
}

/** A modal with Cancel and one action: a confirmation (by default of something that cannot be
 *  taken back), or the submit of a form (FormDialog). */
export function ActionDialog({
  open,
  title,
  onClose,
  actionLabel,
  onAction,
  busy,
  disabled,
  variant = 'danger',
  children,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  actionLabel: string;
  onAction: () => void;
  busy: boolean;
  disabled?: boolean;
  variant?: 'primary' | 'danger';
  children: ReactNode;
}) {
  const { t } = useT();
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button variant={variant} busy={busy} disabled={disabled} onClick={onAction}>
            {actionLabel}
          </Button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}

/** A modal form: its fields in a grid, Cancel and the primary submit, and the submit's error. */
export function FormDialog({
  error,
  children,
  ...dialog
}: Omit<Parameters<typeof ActionDialog>[0], 'variant'> & { error: string | undefined }) {
  return (
    <ActionDialog {...dialog} variant="primary">
      <div className="form-grid">{children}</div>
      <FormError error={error} />
    </ActionDialog>
  );
}
