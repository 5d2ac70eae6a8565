// uPlot time-series chart, the Grafana way: created once on mount, fed with setData when the data
// changes, resized separately from a ResizeObserver, destroyed on unmount. Options are read at
// creation only; give the component a new `key` when its series change shape.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { tickDecimals, timeTicks } from '../lib/format.ts';

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
}

const DAY_S = 86_400;
const dayLabel = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const monthLabel = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });

function xAxis(unit: ChartProps['xUnit']): uPlot.Axis {
  if (unit === 'day') return { ...AXIS, size: 36, incrs: [DAY_S, 2 * DAY_S, 7 * DAY_S, 14 * DAY_S], values: (_u, splits) => splits.map((v) => dayLabel.format(v * 1000)) };
  if (unit === 'month') return { ...AXIS, size: 36, incrs: [31 * DAY_S, 62 * DAY_S, 93 * DAY_S], values: (_u, splits) => splits.map((v) => monthLabel.format(v * 1000)) };
  return { ...AXIS, size: 44, values: (_u: uPlot, splits: number[], _i: number, _space: number, incr: number) => timeTicks(splits, incr) };
}

const AXIS = { stroke: '#5b6776', grid: { stroke: '#e6eaef', width: 1 }, ticks: { stroke: '#d5dbe2', width: 1 }, font: '12px system-ui, sans-serif' };

function pathsFor(kind: ChartSeries['kind'], barWidth = 0.7): uPlot.Series.PathBuilder | undefined {
  if (kind === 'step') return uPlot.paths.stepped?.({ align: 1 });
  if (kind === 'bars') return uPlot.paths.bars?.({ size: [barWidth, 64] });
  if (kind === 'points') return () => null;
  return undefined;
}

function buildOptions(p: ChartProps, width: number): uPlot.Options {
  const scales: uPlot.Scales = { x: { time: true, ...(p.xRange ? { range: () => p.xRange! } : {}) } };
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
    legend: { show: p.legend ?? true, live: true },
    cursor: { drag: { x: false, y: false }, points: { size: 6 } },
    axes: [
      xAxis(p.xUnit),
      ...scaleNames.map((name, i) => {
        return {
          ...AXIS,
          scale: name,
          side: i === 0 ? 3 : 1,
          size: 52,
          grid: { ...AXIS.grid, show: i === 0 },
          // As many decimals as the tick spacing needs: 0.25 steps show 0.25, not 0.
          values: (_u: uPlot, vals: number[], _i: number, _space: number, incr: number) => vals.map((v) => v.toFixed(tickDecimals(incr))),
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
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : `${v.toFixed(s.decimals ?? 0)}${s.unit ? ` ${s.unit}` : ''}`),
        } satisfies uPlot.Series;
      }),
    ],
    hooks: guides.length
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
      : {},
  };
}

export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const initial = useRef(props);

  // Create once; destroy on unmount.
  useEffect(() => {
    const el = box.current!;
    const u = new uPlot(buildOptions(initial.current, Math.max(200, el.clientWidth)), initial.current.data, el);
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

  return <div ref={box} className="chart" role="img" aria-label={props.label} />;
}
