// The one confirmation for actions that change or destroy something: it says what will happen,
// asks for the exact id or name to be typed when the action cannot be undone, runs the action and
// shows its result (or its error) in place, so the person sees what was done before closing.
import { useEffect, useId, useState, type ReactNode } from 'react';
import { settle, typedConfirms, type ConfirmPhase } from '../lib/confirm.ts';
import { FormError } from './forms.tsx';
import { Button, Dialog, Note } from './ui.tsx';
import { richText, useT } from '../i18n/index.tsx';

export interface ConfirmActionProps<R> {
  open: boolean;
  title: string;
  /** What will happen, in plain words. */
  consequences: ReactNode;
  actionLabel: string;
  /** Irreversible actions: the text to type (the id or the name of what is acted on). */
  typed?: string;
  variant?: 'primary' | 'danger';
  /** Runs the action; a thrown error is shown and the dialog stays open. */
  onConfirm: () => Promise<R>;
  /** What was done, from the action's answer; by default a plain "Done." */
  result?: (r: R) => ReactNode;
  onClose: () => void;
  /** Extra controls above the confirmation (e.g. a note). */
  children?: ReactNode;
}

export function ConfirmAction<R>({ open, title, consequences, actionLabel, typed, variant = 'danger', onConfirm, result, onClose, children }: ConfirmActionProps<R>) {
  const inputId = useId();
  const { t } = useT();
  const [phase, setPhase] = useState<ConfirmPhase>('confirm');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [outcome, setOutcome] = useState<ReactNode>(null);

  // Each opening starts afresh, and closing forgets: nothing typed, no old result (a result may
  // hold a secret shown once, which must not stay in the page).
  useEffect(() => {
    setPhase('confirm');
    setText('');
    setError(undefined);
    setOutcome(null);
  }, [open]);

  const run = async () => {
    setPhase('running');
    setError(undefined);
    try {
      const r = await onConfirm();
      setOutcome(result ? result(r) : t('common.done'));
      setPhase(settle(true));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setPhase(settle(false));
    }
  };

  const done = phase === 'done';
  const ready = typedConfirms(typed, text);
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onClose}
      footer={
        done ? (
          <Button variant="primary" onClick={onClose}>
            {t('confirm.done')}
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button variant={variant} busy={phase === 'running'} disabled={!ready} onClick={() => void run()} data-testid="confirm-action">
              {actionLabel}
            </Button>
          </>
        )
      }
    >
      {done ? (
        <div data-testid="confirm-result">{typeof outcome === 'string' ? <Note tone="success">{outcome}</Note> : outcome}</div>
      ) : (
        <>
          <div className="confirm-consequences">{consequences}</div>
          {children}
          {typed !== undefined ? (
            <div className="field">
              <label htmlFor={inputId}>
                {richText(t, 'confirm.typed', { text: <strong className="mono">{typed}</strong> })}
              </label>
              <input id={inputId} value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" spellCheck={false} data-testid="confirm-typed" />
            </div>
          ) : null}
          <FormError error={error} />
        </>
      )}
    </Dialog>
  );
}
