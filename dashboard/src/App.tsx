// The console: sign-in, or the signed-in shell with the view the path names — if the caller may
// open it. A typed URL to a view the role may not use, or to a service the tenant does not run,
// shows a plain refusal instead (the API refuses such requests anyway).
import { useEffect, type ReactNode } from 'react';
import { Shell } from './components/Shell.tsx';
import { EmptyState, Loading } from './components/ui.tsx';
import { navigate, useLocation, Link } from './hooks/router.tsx';
import { useMe, useSession } from './hooks/session.tsx';
import { useAlarmWatch } from './hooks/alarm-watch.ts';
import { useT } from './i18n/index.tsx';
import { titleWithCount } from './lib/alarms.ts';
import { canOpen, homeFor, matchRoute, navFor, type Access, type Match } from './lib/routes.ts';
import { Login } from './views/Login.tsx';
import { AlarmInbox } from './views/AlarmInbox.tsx';
import { PatientBoard } from './views/healthcare/PatientBoard.tsx';
import { PatientDetail } from './views/healthcare/PatientDetail.tsx';
import { LightingMap } from './views/lighting/LightingMap.tsx';
import { LampDetail } from './views/lighting/LampDetail.tsx';
import { LightingControl } from './views/lighting/LightingControl.tsx';
import { Schedules } from './views/lighting/Schedules.tsx';
import { Energy } from './views/lighting/Energy.tsx';
import { Tenants } from './views/platform/Tenants.tsx';
import { PlatformHealth } from './views/platform/Health.tsx';
import { Users } from './views/platform/Users.tsx';
import { Devices } from './views/platform/Devices.tsx';
import { Keys } from './views/platform/Keys.tsx';
import { Agreements } from './views/platform/Agreements.tsx';
import { AuditLog } from './views/platform/AuditLog.tsx';
import { Validation } from './views/platform/Validation.tsx';
import { Compliance } from './views/platform/Compliance.tsx';

function View({ match }: { match: Match }): ReactNode {
  const id = match.params.id ?? '';
  switch (match.route.id) {
    case 'patients':
      return <PatientBoard />;
    case 'patient':
      return <PatientDetail key={id} id={id} />;
    case 'alarms':
      return <AlarmInbox />;
    case 'lighting-map':
      return <LightingMap />;
    case 'lamp':
      return <LampDetail key={id} id={id} />;
    case 'lighting-control':
      return <LightingControl />;
    case 'schedules':
      return <Schedules />;
    case 'energy':
      return <Energy />;
    case 'tenants':
      return <Tenants />;
    case 'platform-health':
      return <PlatformHealth />;
    case 'users':
      return <Users />;
    case 'devices':
      return <Devices />;
    case 'keys':
      return <Keys />;
    case 'agreements':
      return <Agreements />;
    case 'audit':
      return <AuditLog />;
    case 'validation':
      return <Validation />;
    case 'compliance':
      return <Compliance />;
  }
}

function Refusal({ title, children, home }: { title: string; children: ReactNode; home: string | null }) {
  const { t } = useT();
  return (
    <div className="refusal" data-testid="refusal">
      <EmptyState title={title} icon="⊘">
        <p>{children}</p>
        {home ? <Link to={home}>{t('app.goHome')}</Link> : null}
      </EmptyState>
    </div>
  );
}

function SignedIn() {
  const me = useMe();
  const { t } = useT();
  const { path } = useLocation();
  const access: Access = { permissions: me.permissions, pilots: me.tenant?.pilots };
  const nav = navFor(access);
  const home = homeFor(access);
  const match = matchRoute(path);
  const verdict = match ? canOpen(match.route, access) : null;
  const runs = (pilot: string) => me.permissions.includes('data:read') && (me.tenant?.pilots?.includes(pilot) ?? true);
  const alarms = useAlarmWatch({ enabled: me.permissions.includes('alarms:read'), userId: me.user.id, runs: { care: runs('healthcare'), lighting: runs('lighting') } });
  const openCount = alarms.enabled ? alarms.summary.open : 0;

  useEffect(() => {
    if ((path === '/' || path === '/login' || path === '') && home) navigate(home, { replace: true });
  }, [path, home]);

  useEffect(() => {
    const what = match && verdict === 'ok' ? t(`nav.${match.route.id}`) : 'Custodia';
    document.title = titleWithCount(`${what} · ${me.tenant?.name ?? t('app.platform')} · Custodia`, openCount);
  }, [match, verdict, me.tenant?.name, openCount, t]);

  let body: ReactNode;
  if (path === '/' || path === '/login' || path === '')
    body = home ? (
      <Loading />
    ) : (
      <Refusal title={t('app.nothingTitle')} home={null}>
        {t('app.nothingBody')}
      </Refusal>
    );
  else if (!match)
    body = (
      <Refusal title={t('app.notFoundTitle')} home={home}>
        {t('app.notFoundBody')}
      </Refusal>
    );
  else if (verdict === 'forbidden')
    body = (
      <Refusal title={t('app.forbiddenTitle')} home={home}>
        {t('app.forbiddenBody', { view: t(`nav.${match.route.id}`).toLowerCase() })}
      </Refusal>
    );
  else if (verdict === 'unavailable')
    body = (
      <Refusal title={t('app.unavailableTitle')} home={home}>
        {t('app.unavailableBody', { organisation: me.tenant?.name ?? t('app.yourOrganisation') })}
      </Refusal>
    );
  else body = <View match={match} />;

  return (
    <Shell nav={nav} path={path} alarms={alarms}>
      {body}
    </Shell>
  );
}

export function App() {
  const { state } = useSession();
  const { t } = useT();
  if (state.status === 'loading') {
    return (
      <div className="splash">
        <Loading label={t('app.opening')} />
      </div>
    );
  }
  if (state.status === 'signed-out') return <Login message={state.message} tone={state.tone} />;
  return <SignedIn />;
}
