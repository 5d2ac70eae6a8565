// Sign-in with a one-time password (from a reset by the administrator): it opens no session until
// the user chooses a password of their own (POST /auth/password, which proves the one-time one);
// then they are signed in with the new one.
import { useState, type FormEvent } from 'react';
import { Field, FormError } from '../components/forms.tsx';
import { Button, Note } from '../components/ui.tsx';
import { newPasswordProblem } from '../lib/password-change.ts';
import { useApi, useSession } from '../hooks/session.tsx';
import { useT } from '../i18n/index.tsx';

export function ChangePassword({ username, oneTime, onCancel }: { username: string; oneTime: string; onCancel: () => void }) {
  const api = useApi();
  const { login } = useSession();
  const { t } = useT();
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = newPasswordProblem(next, repeat, oneTime);
    if (problem) return setError(t(problem.key, problem.params));
    setBusy(true);
    setError(undefined);
    try {
      await api.post('/auth/password', { username, currentPassword: oneTime, newPassword: next });
      await login(username, next);
    } catch (err) {
      setError(err instanceof Error ? err.message : t('passwordChange.failed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1 id="login-title">{t('passwordChange.title')}</h1>
      <Note tone="info">{t('passwordChange.intro')}</Note>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="change-password">
        <Field id="new-password" label={t('passwordChange.newPassword')}>
          <input id="new-password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required minLength={12} maxLength={128} autoFocus />
        </Field>
        <Field id="repeat-password" label={t('passwordChange.repeat')}>
          <input id="repeat-password" type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} required />
        </Field>
        <FormError error={error} />
        <Button type="submit" variant="primary" busy={busy} className="btn-block">
          {t('passwordChange.submit')}
        </Button>
        <Button variant="ghost" onClick={onCancel} className="btn-block">
          {t('passwordChange.back')}
        </Button>
      </form>
    </>
  );
}
