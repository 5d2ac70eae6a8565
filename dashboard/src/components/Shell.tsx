// The signed-in frame: top bar (tenant, connection, session, user and language, sign out) and
// the side navigation drawn from the caller's permissions (lib/routes.ts).
import { type ReactNode } from 'react';
import { AlarmIndicator } from './AlarmIndicator.tsx';
import type { AlarmWatch } from '../hooks/alarm-watch.ts';
import { LANGUAGE_NAME, LOCALES, useT, type Locale } from '../i18n/index.tsx';
import { formatDuration } from '../lib/format.ts';
import type { NavGroup } from '../lib/routes.ts';
import { useNow } from '../hooks/now.ts';
import { useConnectionState } from '../hooks/realtime.tsx';
import { Link } from '../hooks/router.tsx';
import { useMe, useSession } from '../hooks/session.tsx';

export function ConnectionIndicator() {
  const state = useConnectionState();
  const { t } = useT();
  return (
    <div className={`conn conn-${state}`} role="status" aria-live="polite" title={t(`connectionHint.${state}`)} data-testid="connection">
      <span className="conn-dot" aria-hidden="true" />
      <span className="conn-label">{t(`connection.${state}`)}</span>
    </div>
  );
}

function SessionClock() {
  const me = useMe();
  const now = useNow();
  const { t } = useT();
  const left = me.expiresAt - now;
  // Only worth a glance near the end, so a clinician is not logged out mid-task unawares.
  if (left > 10 * 60_000) return null;
  return (
    <span className="session-clock" role="status">
      {t('shell.sessionEnds', { time: formatDuration(left) })}
    </span>
  );
}

/** The user's language, kept per user in this browser (i18n/index.tsx). Each option is named in
 *  its own language, so someone who chose the wrong one by mistake still finds theirs. */
function LanguageSwitch() {
  const { t, locale, setLocale } = useT();
  return (
    <label className="lang-switch">
      <span className="visually-hidden">{t('language.label')}</span>
      <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)} data-testid="language">
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAME[l]}
          </option>
        ))}
      </select>
    </label>
  );
}

function TopBar({ alarms }: { alarms?: AlarmWatch }) {
  const me = useMe();
  const { logout } = useSession();
  const { t } = useT();
  return (
    <header className="topbar">
      <a className="skip-link" href="#main">
        {t('shell.skip')}
      </a>
      <div className="brand">
        <svg viewBox="0 0 32 32" width="26" height="26" aria-hidden="true">
          <path d="M16 4l10 4.4v6.6c0 6.6-4.4 11.5-10 13-5.6-1.5-10-6.4-10-13V8.4z" fill="none" stroke="#7fd1c7" strokeWidth="2.4" strokeLinejoin="round" />
          <path d="M11.5 16.2l3.2 3.2 6-6.4" fill="none" stroke="#fff" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <span className="brand-name">Custodia</span>
      </div>
      <div className="tenant" data-testid="tenant-name">
        {me.tenant ? me.tenant.name : t('shell.platformOperations')}
      </div>
      <div className="topbar-spacer" />
      {alarms?.enabled ? <AlarmIndicator watch={alarms} /> : null}
      <SessionClock />
      <ConnectionIndicator />
      <div className="who" data-testid="who">
        <span className="who-name">{me.user.displayName}</span>
        <span className="who-role">{t(`role.${me.user.role}`)}</span>
      </div>
      <LanguageSwitch />
      <button type="button" className="btn btn-on-dark" onClick={() => void logout()}>
        {t('shell.signOut')}
      </button>
    </header>
  );
}

function SideNav({ groups, current }: { groups: NavGroup[]; current: string }) {
  const { t } = useT();
  return (
    <nav className="sidenav" aria-label={t('nav.label')}>
      {groups.map((g) => (
        <div className="nav-group" key={g.section}>
          <div className="nav-section">{t(`navSection.${g.section}`)}</div>
          <ul>
            {g.items.map((item) => {
              const active = current === item.path || current.startsWith(`${item.path}/`);
              return (
                <li key={item.id}>
                  <Link to={item.path} className={active ? 'active' : ''} aria-current={active ? 'page' : undefined}>
                    {t(`nav.${item.id}`)}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}

export function Shell({ nav, path, children, alarms }: { nav: NavGroup[]; path: string; children: ReactNode; alarms?: AlarmWatch }) {
  return (
    <div className="app">
      <TopBar alarms={alarms} />
      <SideNav groups={nav} current={path} />
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
