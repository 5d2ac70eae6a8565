// The 48-hour preview of a schedule drawn as a timeline: the light level over time as filled
// steps, local hours of the installation's zone, day boundaries, and each switch point labelled.
// A list of the same switch points follows for screen readers and for reading exact times.
import { formatTime } from '../lib/format.ts';
import { hourTicks, timelineSegments, type SchedulePreview } from '../lib/lighting.ts';

const W = 960;
const TOP = 34;
const H = 92;
const AXIS = 40;

export function Timeline({ preview }: { preview: SchedulePreview }) {
  const { from, to, timeZone } = preview;
  const x = (t: number) => ((t - from) / (to - from)) * W;
  const y = (level: number) => TOP + H - (level / 100) * H;
  const segments = timelineSegments(preview);
  const ticks = hourTicks(from, to, timeZone, 3);
  const points = [...preview.points].filter((p) => p.at >= from && p.at <= to).sort((a, b) => a.at - b.at);
  const time = (t: number) => formatTime(t, { timeZone });
  const day = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone });
  return (
    <figure className="timeline">
      <svg viewBox={`-8 0 ${W + 16} ${TOP + H + AXIS}`} role="img" aria-label={`Light level over the next ${Math.round((to - from) / 3_600_000)} hours: ${points.length} switch points`} data-testid="schedule-timeline">
        <rect x="0" y={TOP} width={W} height={H} className="tl-bg" />
        {[25, 50, 75].map((l) => (
          <line key={l} x1="0" x2={W} y1={y(l)} y2={y(l)} className="tl-grid" />
        ))}
        {ticks.map((t) => (
          <g key={t.at}>
            <line x1={x(t.at)} x2={x(t.at)} y1={TOP} y2={TOP + H + 6} className={t.midnight ? 'tl-midnight' : 'tl-tick'} />
            <text x={x(t.at)} y={TOP + H + 18} className="tl-hour" textAnchor="middle">
              {t.label}
            </text>
            {t.midnight ? (
              <text x={x(t.at) + 4} y={TOP + H + 34} className="tl-date">
                {t.date}
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
          {ticks.some((t) => t.midnight && x(t.at) < 110) ? 'now' : `now · ${day.format(from)}`}
        </text>
      </svg>
      <figcaption className="visually-hidden">
        Level now {preview.levelNow} %.{' '}
        {points.map((p) => `${day.format(p.at)} ${time(p.at)}: ${p.level} %${p.source === 'astro' ? ' (astronomical)' : ''}.`).join(' ')}
      </figcaption>
    </figure>
  );
}
