// Status badges. Colour is never the only cue: every badge says what it means in words.
import { useT } from '../i18n/index.tsx';
import { bandInfo, type News2Summary } from '../lib/news2.ts';
import type { AlarmState, Severity } from '../lib/types.ts';

export function News2Badge({ news2, size = 'md' }: { news2: Pick<News2Summary, 'total' | 'band' | 'partial'> | null; size?: 'md' | 'lg' }) {
  const { t } = useT();
  if (!news2) {
    return (
      <span className={`news2 news2-none news2-${size}`} title={t('badge.noScoreTitle')}>
        <span className="news2-score">–</span>
        <span className="news2-band">{t('badge.noScore')}</span>
      </span>
    );
  }
  const info = bandInfo(news2.band);
  const label = info ? t(`news2Band.${info.band}`) : news2.band;
  return (
    <span
      className={`news2 news2-${news2.band} news2-${size}`}
      title={`${info ? t(`news2Response.${info.band}`) : ''}${news2.partial ? t('badge.partialTitle') : ''}`}
      aria-label={t(news2.partial ? 'badge.news2LabelPartial' : 'badge.news2Label', { total: news2.total, band: label })}
      data-band={news2.band}
    >
      <span className="news2-score" data-testid="news2-score">
        {news2.total}
        {news2.partial ? <sup aria-hidden="true">*</sup> : null}
      </span>
      <span className="news2-band">{label}</span>
    </span>
  );
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  const { t } = useT();
  return <span className={`sev sev-${severity}`}>{t(`severity.${severity}`)}</span>;
}

export function AlarmStateBadge({ state }: { state: AlarmState }) {
  const { t } = useT();
  const tone = state === 'active-unacknowledged' ? 'bad' : state === 'active-acknowledged' ? 'warn' : 'muted';
  return <span className={`pill pill-${tone}`}>{t(`alarmState.${state}`)}</span>;
}

export function OnlineBadge({ online }: { online: boolean }) {
  const { t } = useT();
  return (
    <span className={`dot-label ${online ? 'is-online' : 'is-offline'}`}>
      <span className="dot" aria-hidden="true" />
      {online ? t('badge.online') : t('badge.offline')}
    </span>
  );
}

export function BatteryBadge({ level }: { level: number | undefined }) {
  const { t } = useT();
  if (level === undefined) return null;
  const tone = level <= 15 ? 'bad' : level <= 30 ? 'warn' : 'ok';
  return (
    <span className={`battery battery-${tone}`} aria-label={t('badge.battery', { level: Math.round(level) })} title={t('badge.battery', { level: Math.round(level) })}>
      <span className="battery-shell" aria-hidden="true">
        <span className="battery-fill" style={{ width: `${Math.max(4, Math.min(100, level))}%` }} />
      </span>
      {Math.round(level)} %
    </span>
  );
}
