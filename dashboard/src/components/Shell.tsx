// The signed-in frame: top bar (tenant, connection, session, user, sign out) and the side
// navigation drawn from the caller's permissions (lib/routes.ts).
import { type ReactNode } from 'react';
import { AlarmIndicator } from './AlarmIndicator.tsx';
import type { AlarmWatch } from '../hooks/alarm-watch.ts';
import { CONNECTION_LABEL, type ConnectionState } from '../lib/events.ts';
import { formatDuration } from '../lib/format.ts';
import type { NavGroup } from '../lib/routes.ts';
import { ROLE_LABEL } from '../lib/types.ts';
import { useNow } from '../hooks/now.ts';
import { useConnectionState } from '../hooks/realtime.tsx';
import { Link } from '../hooks/router.tsx';
import { useMe, useSession } from '../hooks/session.tsx';

const CONNECTION_HINT: Record<ConnectionState, string> = {
  connecting: 'Opening the live link to the platform…',
  live: 'Live updates are flowing from the platform.',
  reconnecting: 'The live link dropped; reconnecting automatically. Figures on screen may be out of date.',
  offline: 'No network connection. Figures on screen may be out of date.',
};

export function ConnectionIndicator() {
  const state = useConnectionState();
  return (
    <div className={`conn conn-${state}`} role="status" aria-live="polite" title={CONNECTION_HINT[state]} data-testid="connection">
      <span className="conn-dot" aria-hidden="true" />
      <span className="conn-label">{CONNECTION_LABEL[state]}</span>
    </div>
  );
}

function SessionClock() {
  const me = useMe();
  const now = useNow();
  const left = me.expiresAt - now;
  // Only worth a glance near the end, so a clinician is not logged out mid-task unawares.
  if (left > 10 * 60_000) return null;
  return (
    <span className="session-clock" role="status">
      Session ends in {formatDuration(left)}
    </span>
  );
}

function TopBar({ alarms }: { alarms?: AlarmWatch }) {
  const me = useMe();
  const { logout } = useSession();
  return (
    <header className="topbar">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="brand">
        <svg viewBox="0 0 32 32" width="26" height="26" aria-hidden="true">
          <path d="M16 4l10 4.4v6.6c0 6.6-4.4 11.5-10 13-5.6-1.5-10-6.4-10-13V8.4z" fill="none" stroke="#7fd1c7" strokeWidth="2.4" strokeLinejoin="round" />
          <path d="M11.5 16.2l3.2 3.2 6-6.4" fill="none" stroke="#fff" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <span className="brand-name">Custodia</span>
      </div>
      <div className="tenant" data-testid="tenant-name">
        {me.tenant ? me.tenant.name : 'Platform operations'}
      </div>
      <div className="topbar-spacer" />
      {alarms?.enabled ? <AlarmIndicator watch={alarms} /> : null}
      <SessionClock />
      <ConnectionIndicator />
      <div className="who" data-testid="who">
        <span className="who-name">{me.user.displayName}</span>
        <span className="who-role">{ROLE_LABEL[me.user.role]}</span>
      </div>
      <button type="button" className="btn btn-on-dark" onClick={() => void logout()}>
        Sign out
      </button>
    </header>
  );
}

function SideNav({ groups, current }: { groups: NavGroup[]; current: string }) {
  return (
    <nav className="sidenav" aria-label="Main">
      {groups.map((g) => (
        <div className="nav-group" key={g.section}>
          <div className="nav-section">{g.section}</div>
          <ul>
            {g.items.map((item) => {
              const active = current === item.path || current.startsWith(`${item.path}/`);
              return (
                <li key={item.id}>
                  <Link to={item.path} className={active ? 'active' : ''} aria-current={active ? 'page' : undefined}>
                    {item.title}
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
