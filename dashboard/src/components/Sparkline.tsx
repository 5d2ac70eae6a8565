// A trend sparkline for the ward board: an SVG path from a pure helper (lib/series.ts), cheap
// enough for dozens of patients updating live.
import { sparkPath, type Point } from '../lib/series.ts';

export function Sparkline({
  points,
  range,
  normal,
  width = 120,
  height = 28,
  label,
  from,
  to,
}: {
  points: readonly Point[];
  range?: readonly [number, number];
  /** Band of normal values, shaded behind the trace (needs `range`). */
  normal?: readonly [number, number];
  width?: number;
  height?: number;
  label: string;
  from?: number;
  to?: number;
}) {
  const d = sparkPath(points, { width, height, ...(range ? { range } : {}), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
  const tokens = d.split(' ');
  const end = d ? { x: Number(tokens.at(-2)?.slice(1)), y: Number(tokens.at(-1)) } : null;
  return (
    <svg className="spark" width={width} height={height} viewBox={`-2 -2 ${width + 4} ${height + 4}`} role="img" aria-label={label}>
      {normal && range ? <rect className="spark-normal" x="0" width={width} y={yOf(normal[1], range, height)} height={Math.max(1, yOf(normal[0], range, height) - yOf(normal[1], range, height))} /> : null}
      {d ? <path d={d} fill="none" strokeWidth="1.6" strokeLinejoin="round" strokeLinecap="round" /> : <line x1="0" x2={width} y1={height / 2} y2={height / 2} className="spark-empty" />}
      {end ? <circle cx={end.x} cy={end.y} r="2.4" /> : null}
    </svg>
  );
}

function yOf(v: number, [lo, hi]: readonly [number, number], height: number): number {
  return height - ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo || 1)) * height;
}
