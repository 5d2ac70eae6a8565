// The top bar's alarm indicator, on every page: open alarms by severity (a link to the inbox), the
// newest critical one named (a link to its patient or lamp), and the user's alert settings.
import { useId } from 'react';
import { useT } from '../i18n/index.tsx';
import type { Severity } from '../lib/types.ts';
import type { AlarmWatch } from '../hooks/alarm-watch.ts';
import { Link } from '../hooks/router.tsx';

const SHOWN: Severity[] = ['critical', 'major', 'minor'];

export function AlarmIndicator({ watch }: { watch: AlarmWatch }) {
  const { summary, prefs, setPrefs, permission } = watch;
  const id = useId();
  const { t } = useT();
  const critical = summary.newestCritical;
  const counts = SHOWN.filter((s) => summary.bySeverity[s] > 0);
  const bySeverity = (s: Severity) => `${summary.bySeverity[s]} ${t(`severity.${s}`).toLowerCase()}`;
  const spoken = summary.open ? `${t('alarmIndicator.open', { count: summary.open })}: ${counts.map(bySeverity).join(', ')}` : t('alarmIndicator.none');
  return (
    <div className="alarm-indicator" data-testid="alarm-indicator">
      <Link to="/alarms" className={`alarm-count${summary.bySeverity.critical ? ' has-critical' : summary.open ? ' has-open' : ''}`} aria-label={t('alarmIndicator.showAll', { summary: spoken })}>
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
          <path d="M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zm-2 15a2 2 0 0 0 4 0" fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round" />
        </svg>
        <span className="alarm-count-total" data-testid="alarm-open-count">
          {summary.open}
        </span>
        {counts.map((s) => (
          <span key={s} className="alarm-count-sev" data-testid={`alarm-count-${s}`} aria-hidden="true">
            {bySeverity(s)}
          </span>
        ))}
      </Link>
      <div role="status" aria-live="assertive" className="alarm-newest-wrap">
        {critical ? (
          <Link to={watch.href(critical)} className="alarm-newest" data-testid="alarm-newest-critical" title={critical.title}>
            {t('alarmIndicator.critical', { title: critical.title })}
          </Link>
        ) : null}
      </div>
      <details className="alert-prefs">
        <summary aria-label={t('alarmIndicator.settings')}>
          <span aria-hidden="true">⚙</span>
        </summary>
        <div className="alert-prefs-panel">
          <p className="strong">{t('alarmIndicator.whenCritical')}</p>
          <label htmlFor={`${id}-sound`}>
            <input id={`${id}-sound`} type="checkbox" checked={prefs.sound} onChange={(e) => void setPrefs({ ...prefs, sound: e.target.checked })} /> {t('alarmIndicator.sound')}
          </label>
          <label htmlFor={`${id}-desktop`}>
            <input
              id={`${id}-desktop`}
              type="checkbox"
              checked={prefs.desktop}
              disabled={permission === 'unsupported' || permission === 'denied'}
              onChange={(e) => void setPrefs({ ...prefs, desktop: e.target.checked })}
            />{' '}
            {t('alarmIndicator.desktop')}
          </label>
          {permission === 'denied' ? <p className="small">{t('alarmIndicator.blocked')}</p> : null}
          {permission === 'unsupported' ? <p className="small">{t('alarmIndicator.unsupported')}</p> : null}
          <p className="small muted">{t('alarmIndicator.kept')}</p>
        </div>
      </details>
    </div>
  );
}
