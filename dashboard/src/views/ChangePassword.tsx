// Sign-in with a one-time password (from a reset by the administrator): it opens no session until
// the user chooses a password of their own (POST /auth/password, which proves the one-time one);
// then they are signed in with the new one.
import { useState, type FormEvent } from 'react';
import { Field, FormError } from '../components/forms.tsx';
import { Button, Note } from '../components/ui.tsx';
import { newPasswordProblem } from '../lib/password-change.ts';
import { useApi, useSession } from '../hooks/session.tsx';

export function ChangePassword({ username, oneTime, onCancel }: { username: string; oneTime: string; onCancel: () => void }) {
  const api = useApi();
  const { login } = useSession();
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = newPasswordProblem(next, repeat, oneTime);
    if (problem) return setError(problem);
    setBusy(true);
    setError(undefined);
    try {
      await api.post('/auth/password', { username, currentPassword: oneTime, newPassword: next });
      await login(username, next);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The change failed.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1 id="login-title">Choose your password</h1>
      <Note tone="info">You signed in with a one-time password from your administrator. Choose a password of your own to continue: at least 12 characters, known only to you.</Note>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="change-password">
        <Field id="new-password" label="New password">
          <input id="new-password" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required minLength={12} maxLength={128} autoFocus />
        </Field>
        <Field id="repeat-password" label="New password again">
          <input id="repeat-password" type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} required />
        </Field>
        <FormError error={error} />
        <Button type="submit" variant="primary" busy={busy} className="btn-block">
          Set password and sign in
        </Button>
        <Button variant="ghost" onClick={onCancel} className="btn-block">
          Back to sign-in
        </Button>
      </form>
    </>
  );
}
