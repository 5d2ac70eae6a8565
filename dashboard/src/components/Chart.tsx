// uPlot time-series chart, the Grafana way: created once on mount, fed with setData when the data
// changes, resized separately from a ResizeObserver, destroyed on unmount. Options are read at
// creation only (give the component a new `key` when its series change shape); the x window is
// the exception: it follows `xRange`, so a zoom or a new range does not rebuild the chart. A drag
// across the plot reports the span through `onZoom`; the legend below reads the hovered instant
// (or the latest values) with units, on a 24-hour clock in `timeZone`.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import { formatLocale, formatNumber, tickDecimals, timeTicks } from '../lib/format.ts';
import { useT } from '../i18n/index.tsx';
import { browserTimeZone, formatCursorTime, formatLegendValue, zoomSelection, type Window } from '../lib/time-range.ts';
import './charts.css';

export interface ChartSeries {
  label: string;
  color: string;
  unit?: string;
  decimals?: number;
  /** y scale name; series sharing one share an axis. */
  scale?: string;
  kind?: 'line' | 'step' | 'bars' | 'points';
  /** Dots on each value of a line or step series (sparse data such as scores). */
  showPoints?: boolean;
  /** Share of the slot a bar takes (bars drawn over each other read as a bullet chart). */
  barWidth?: number;
  fill?: string;
  width?: number;
  dash?: number[];
}

export interface ChartProps {
  data: uPlot.AlignedData;
  series: ChartSeries[];
  height?: number;
  /** Fixed y ranges per scale name. */
  ranges?: Record<string, [number, number]>;
  /** Fixed x range in epoch seconds. */
  xRange?: [number, number];
  /** Horizontal reference lines (e.g. NEWS2 thresholds) per scale. */
  guides?: { scale: string; value: number; color: string; label?: string; labelBelow?: boolean }[];
  /** Text alternative read out by screen readers. */
  label: string;
  legend?: boolean;
  /** Daily or monthly data (bars per period): label the axis with dates, one tick per period at most. */
  xUnit?: 'time' | 'day' | 'month';
  /** Zone of the time axis and legend (default: the browser's). */
  timeZone?: string;
  /** Called with the span the pointer dragged across (epoch ms); without it a drag does nothing. */
  onZoom?: (w: Window) => void;
  /** Areas filled between two series (indexes into `series`: upper, lower), e.g. a min–max band. */
  bands?: { between: [number, number]; fill: string }[];
}

const DAY_S = 86_400;
// Daily and monthly x values are calendar dates (midday UTC of the day): written in UTC, in the
// console's language.
const dayLabel = { format: (ms: number) => new Intl.DateTimeFormat(formatLocale(), { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(ms) };
const monthLabel = { format: (ms: number) => new Intl.DateTimeFormat(formatLocale(), { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(ms) };

function xAxis(unit: ChartProps['xUnit'], timeZone: string): uPlot.Axis {
  if (unit === 'day') return { ...AXIS, size: 36, incrs: [DAY_S, 2 * DAY_S, 7 * DAY_S, 14 * DAY_S], values: (_u, splits) => splits.map((v) => dayLabel.format(v * 1000)) };
  if (unit === 'month') return { ...AXIS, size: 36, incrs: [31 * DAY_S, 62 * DAY_S, 93 * DAY_S], values: (_u, splits) => splits.map((v) => monthLabel.format(v * 1000)) };
  return { ...AXIS, size: 44, values: (_u: uPlot, splits: number[], _i: number, _space: number, incr: number) => timeTicks(splits, incr, { timeZone }) };
}

const AXIS = { stroke: '#5b6776', grid: { stroke: '#e6eaef', width: 1 }, ticks: { stroke: '#d5dbe2', width: 1 }, font: '12px system-ui, sans-serif' };

function pathsFor(kind: ChartSeries['kind'], barWidth = 0.7): uPlot.Series.PathBuilder | undefined {
  if (kind === 'step') return uPlot.paths.stepped?.({ align: 1 });
  if (kind === 'bars') return uPlot.paths.bars?.({ size: [barWidth, 64] });
  if (kind === 'points') return () => null;
  return undefined;
}

/** Options at creation; `live` is the component's latest props, read by the x range and hooks. */
function buildOptions(p: ChartProps, width: number, live: { current: ChartProps }, onCursor: (idx: number | null) => void): uPlot.Options {
  const timeZone = p.timeZone ?? browserTimeZone();
  // The x range reads the latest props: a new xRange applies on the next setScale or setData.
  const xRangeFn: uPlot.Scale.Range = (_u, min, max) => live.current.xRange ?? [min, max];
  const scales: uPlot.Scales = { x: { time: true, ...(p.xRange ? { range: xRangeFn } : {}) } };
  const scaleNames = [...new Set(p.series.map((s) => s.scale ?? 'y'))];
  for (const name of scaleNames) {
    const r = p.ranges?.[name];
    scales[name] = r ? { range: () => r } : { auto: true };
  }
  const guides = p.guides ?? [];
  return {
    width,
    height: p.height ?? 220,
    scales,
    // Our own legend (below) reads values with their units; uPlot's stays off.
    legend: { show: false },
    ...(p.bands?.length ? { bands: p.bands.map((b) => ({ series: [b.between[0] + 1, b.between[1] + 1] as [number, number], fill: b.fill })) } : {}),
    ...(p.xUnit === 'day' || p.xUnit === 'month' ? {} : { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), timeZone) }),
    cursor: { drag: { x: !!p.onZoom, y: false, setScale: false }, points: { size: 6 } },
    axes: [
      xAxis(p.xUnit, timeZone),
      ...scaleNames.map((name, i) => {
        return {
          ...AXIS,
          scale: name,
          side: i === 0 ? 3 : 1,
          size: 52,
          grid: { ...AXIS.grid, show: i === 0 },
          // As many decimals as the tick spacing needs: 0.25 steps show 0.25, not 0; in the console's
          // locale, like the legend (37,5 in Italian).
          values: (_u: uPlot, vals: number[], _i: number, _space: number, incr: number) => vals.map((v) => formatNumber(v, tickDecimals(incr))),
        } satisfies uPlot.Axis;
      }),
    ],
    series: [
      {},
      ...p.series.map((s) => {
        const paths = pathsFor(s.kind, s.barWidth);
        return {
          label: s.unit ? `${s.label} (${s.unit})` : s.label,
          scale: s.scale ?? 'y',
          stroke: s.color,
          width: s.width ?? 2,
          spanGaps: s.kind !== 'bars',
          ...(s.fill ? { fill: s.fill } : {}),
          ...(s.dash ? { dash: s.dash } : {}),
          ...(paths ? { paths } : {}),
          points:
            s.kind === 'points' || s.showPoints
              ? { show: true, size: s.showPoints ? 5 : 7, width: 0, fill: s.color }
              : s.kind === 'bars' || s.kind === 'step'
                ? { show: false }
                : {},
        } satisfies uPlot.Series;
      }),
    ],
    hooks: {
      setCursor: [(u: uPlot) => onCursor(u.cursor.idx ?? null)],
      setSelect: [
        (u: uPlot) => {
          const { left, width } = u.select;
          if (width > 0) {
            const w = zoomSelection(u.posToVal(left, 'x') * 1000, u.posToVal(left + width, 'x') * 1000);
            if (w) live.current.onZoom?.(w);
          }
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        },
      ],
      ...(guides.length
      ? {
          draw: [
            (u: uPlot) => {
              const ctx = u.ctx;
              ctx.save();
              for (const g of guides) {
                const y = u.valToPos(g.value, g.scale, true);
                if (!Number.isFinite(y)) continue;
                ctx.strokeStyle = g.color;
                ctx.setLineDash([6, 4]);
                ctx.lineWidth = 1.5 * devicePixelRatio;
                ctx.beginPath();
                ctx.moveTo(u.bbox.left, y);
                ctx.lineTo(u.bbox.left + u.bbox.width, y);
                ctx.stroke();
                if (g.label) {
                  ctx.setLineDash([]);
                  ctx.textAlign = 'left';
                  ctx.textBaseline = g.labelBelow ? 'top' : 'bottom';
                  ctx.fillStyle = g.color;
                  ctx.font = `600 ${11 * devicePixelRatio}px system-ui, sans-serif`;
                  ctx.fillText(g.label, u.bbox.left + 6 * devicePixelRatio, y + (g.labelBelow ? 3 : -3) * devicePixelRatio);
                }
              }
              ctx.restore();
            },
          ],
        }
      : {}),
    },
  };
}

export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const live = useRef(props);
  live.current = props;
  const [hover, setHover] = useState<number | null>(null);

  // Create once; destroy on unmount.
  useEffect(() => {
    const el = box.current!;
    const u = new uPlot(buildOptions(live.current, Math.max(200, el.clientWidth), live, setHover), live.current.data, el);
    plot.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height: u.height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, []);

  // Feed new data without rebuilding the chart.
  useEffect(() => {
    plot.current?.setData(props.data, true);
  }, [props.data]);

  // A new window (range chosen, zoom, reset) moves the x scale; its range function reads live.current.
  const [x0, x1] = props.xRange ?? [null, null];
  useEffect(() => {
    if (x0 !== null && x1 !== null) plot.current?.setScale('x', { min: x0, max: x1 });
  }, [x0, x1]);

  return (
    <div className="chart-frame">
      <div ref={box} className={`chart${props.onZoom ? ' chart-zoomable' : ''}`} role="img" aria-label={props.label} />
      {props.legend ?? true ? <Legend {...props} hover={hover} /> : null}
    </div>
  );
}

/** The values at the hovered instant, or each series' latest when the pointer is elsewhere. */
function Legend({ data, series, xUnit, timeZone, xRange, hover }: ChartProps & { hover: number | null }) {
  const { t: tr } = useT();
  const xs = data[0] as ArrayLike<number>;
  const zone = timeZone ?? browserTimeZone();
  const at = (col: number, i: number): number | null => {
    const v = (data[col] as ArrayLike<number | null | undefined> | undefined)?.[i];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  const latest = (col: number): { v: number | null; i: number } => {
    for (let i = xs.length - 1; i >= 0; i--) if (at(col, i) !== null) return { v: at(col, i), i };
    return { v: null, i: -1 };
  };
  const hovered = hover !== null && hover >= 0 && hover < xs.length;
  const values = series.map((_, k) => (hovered ? at(k + 1, hover!) : latest(k + 1).v));
  const lastIdx = Math.max(-1, ...series.map((_, k) => latest(k + 1).i));
  const t = hovered ? xs[hover!] : lastIdx >= 0 ? xs[lastIdx] : undefined;
  const spanS = xRange ? xRange[1] - xRange[0] : Infinity;
  // A window that ends now shows the latest values; a zoom or a past period, its last ones.
  const endsNow = !xRange || Date.now() / 1000 - xRange[1] < 120;
  const time =
    t === undefined
      ? tr('chart.noValues')
      : xUnit === 'day' || xUnit === 'month'
        ? (xUnit === 'day' ? dayLabel : monthLabel).format(t * 1000)
        : formatCursorTime(t * 1000, zone, spanS <= 600);
  return (
    <div className="chart-legend" data-testid="chart-legend">
      <span className="chart-legend-time">
        {hovered || t === undefined ? '' : tr(endsNow ? 'chart.latest' : 'chart.lastInView')}
        <time dateTime={t === undefined ? undefined : new Date(t * 1000).toISOString()}>{time}</time>
      </span>
      {series.map((s, k) => (
        <span className="chart-legend-item" key={s.label}>
          <span className="chart-legend-swatch" style={{ background: s.color }} aria-hidden="true" />
          {formatLegendValue(s.label, values[k], s.unit, s.decimals ?? 0)}
        </span>
      ))}
    </div>
  );
}
