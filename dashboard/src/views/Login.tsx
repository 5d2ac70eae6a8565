// Sign-in. Says why the previous session ended, if it did; errors are the server's own words
// (wrong password, locked account, too many attempts with the wait), shown as the server sends
// them, in its language. The page speaks the browser's language: no one is known yet.
import { useState, type FormEvent } from 'react';
import { Field, FormError } from '../components/forms.tsx';
import { Button, Note } from '../components/ui.tsx';
import { ApiError } from '../lib/api.ts';
import { useSession, type EndMessage } from '../hooks/session.tsx';
import { useT } from '../i18n/index.tsx';
import { PASSWORD_CHANGE_REQUIRED } from '../lib/password-change.ts';
import { ChangePassword } from './ChangePassword.tsx';

export function Login({ message, tone = 'warning' }: { message?: EndMessage | undefined; tone?: 'info' | 'warning' | undefined }) {
  const { login } = useSession();
  const { t } = useT();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  // A one-time password (a reset) opens no session: its holder chooses their own first.
  const [oneTime, setOneTime] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username.trim() || !password) {
      setError(t('login.missing'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await login(username.trim(), password);
    } catch (err) {
      if (err instanceof ApiError && err.problem.code === PASSWORD_CHANGE_REQUIRED) {
        setOneTime(password);
      } else if (err instanceof ApiError && typeof err.problem.code === 'string') {
        setError(err.message);
      } else if (err instanceof ApiError && err.status === 429 && err.retryAfter) {
        setError(t('login.retryIn', { message: err.message, minutes: Math.ceil(err.retryAfter / 60) }));
      } else if (err instanceof ApiError && err.status === 401) {
        setError(t('login.wrong'));
      } else {
        setError(err instanceof Error ? err.message : t('login.failed'));
      }
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <main className="login-card" aria-labelledby="login-title">
        <div className="login-brand">
          <svg viewBox="0 0 32 32" width="40" height="40" aria-hidden="true">
            <rect width="32" height="32" rx="7" fill="#12324f" />
            <path d="M16 5l9 4v6c0 6-4 10.5-9 12-5-1.5-9-6-9-12V9z" fill="none" stroke="#7fd1c7" strokeWidth="2.4" strokeLinejoin="round" />
            <path d="M11.5 16.2l3.2 3.2 6-6.4" fill="none" stroke="#fff" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          <div>
            <div className="login-product">Custodia</div>
            <div className="login-tagline">{t('login.tagline')}</div>
          </div>
        </div>
        {oneTime !== null ? (
          <ChangePassword username={username.trim()} oneTime={oneTime} onCancel={() => setOneTime(null)} />
        ) : (
        <>
        <h1 id="login-title">{t('login.title')}</h1>
        {message ? <Note tone={tone === 'info' ? 'info' : 'warning'}>{t(message.key, message.params)}</Note> : null}
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Field id="username" label={t('login.username')}>
            <input id="username" name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
          </Field>
          <Field id="password" label={t('login.password')}>
            <input id="password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </Field>
          <FormError error={error} />
          <Button type="submit" variant="primary" busy={busy} className="btn-block">
            {t('login.submit')}
          </Button>
        </form>
        </>
        )}
        <p className="login-foot">{t('login.foot')}</p>
      </main>
    </div>
  );
}
