// The 48-hour preview of a schedule drawn as a timeline: the light level over time as filled
// steps, local hours of the installation's zone, day boundaries, and each switch point labelled.
// A list of the same switch points follows for screen readers and for reading exact times.
import { formatTime } from '../lib/format.ts';
import { hourTicks, timelineSegments, type SchedulePreview } from '../lib/lighting.ts';
import { useT } from '../i18n/index.tsx';

const W = 960;
const TOP = 34;
const H = 92;
const AXIS = 40;

export function Timeline({ preview }: { preview: SchedulePreview }) {
  const { t, tag } = useT();
  const { from, to, timeZone } = preview;
  const x = (t: number) => ((t - from) / (to - from)) * W;
  const y = (level: number) => TOP + H - (level / 100) * H;
  const segments = timelineSegments(preview);
  const ticks = hourTicks(from, to, timeZone, 3);
  const points = [...preview.points].filter((p) => p.at >= from && p.at <= to).sort((a, b) => a.at - b.at);
  const time = (t: number) => formatTime(t, { timeZone });
  const day = new Intl.DateTimeFormat(tag, { weekday: 'short', day: 'numeric', month: 'short', timeZone });
  return (
    <figure className="timeline">
      <svg viewBox={`-8 0 ${W + 16} ${TOP + H + AXIS}`} role="img" aria-label={t('timeline.label', { hours: Math.round((to - from) / 3_600_000), count: points.length })} data-testid="schedule-timeline">
        <rect x="0" y={TOP} width={W} height={H} className="tl-bg" />
        {[25, 50, 75].map((l) => (
          <line key={l} x1="0" x2={W} y1={y(l)} y2={y(l)} className="tl-grid" />
        ))}
        {ticks.map((tick) => (
          <g key={tick.at}>
            <line x1={x(tick.at)} x2={x(tick.at)} y1={TOP} y2={TOP + H + 6} className={tick.midnight ? 'tl-midnight' : 'tl-tick'} />
            <text x={x(tick.at)} y={TOP + H + 18} className="tl-hour" textAnchor="middle">
              {tick.label}
            </text>
            {tick.midnight ? (
              <text x={x(tick.at) + 4} y={TOP + H + 34} className="tl-date">
                {tick.date}
              </text>
            ) : null}
          </g>
        ))}
        {segments.map((s) =>
          s.level > 0 ? <rect key={s.from} x={x(s.from)} y={y(s.level)} width={Math.max(0.5, x(s.to) - x(s.from))} height={(s.level / 100) * H} className="tl-lit" style={{ opacity: 0.35 + (0.65 * s.level) / 100 }} /> : null,
        )}
        <path
          d={segments.map((s, i) => `${i ? 'L' : 'M'}${x(s.from)} ${y(s.level)} L${x(s.to)} ${y(s.level)}`).join(' ')}
          className="tl-line"
        />
        {points.map((p, i) => (
          <g key={`${p.at}-${i}`}>
            <line x1={x(p.at)} x2={x(p.at)} y1={TOP - 4} y2={TOP + H} className="tl-point" />
            <text x={x(p.at)} y={i % 2 ? TOP - 18 : TOP - 6} textAnchor="middle" className="tl-label">
              {time(p.at)} · {p.level} %
            </text>
          </g>
        ))}
        <line x1="0" x2="0" y1={TOP - 4} y2={TOP + H + 6} className="tl-now" />
        <text x="2" y={TOP + H + 34} className="tl-date">
          {ticks.some((tick) => tick.midnight && x(tick.at) < 110) ? t('timeline.now') : t('timeline.nowOn', { day: day.format(from) })}
        </text>
      </svg>
      <figcaption className="visually-hidden">
        {t('timeline.levelNow', { level: preview.levelNow })}{' '}
        {points.map((p) => t(p.source === 'astro' ? 'timeline.pointAstro' : 'timeline.point', { day: day.format(p.at), time: time(p.at), level: p.level })).join(' ')}
      </figcaption>
    </figure>
  );
}
