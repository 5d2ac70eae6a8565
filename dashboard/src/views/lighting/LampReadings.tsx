// A lamp's dim level and power over a range the range bar sets (1 h … 7 d or custom), zoomable
// by a drag or the zoom buttons, with times in the installation's zone. A preset follows the
// clock and takes the live readings; the server answers means per bucket, so 7 days of one
// reading a minute stay a few hundred points.
import { useMemo, useRef } from 'react';
import { Chart } from '../../components/Chart.tsx';
import { TimeRangeBar } from '../../components/TimeRangeBar.tsx';
import { ErrorNote, Loading } from '../../components/ui.tsx';
import { queryString } from '../../lib/api.ts';
import { LT, type Installation } from '../../lib/lighting.ts';
import { alignSeries, appendWindow, type Point } from '../../lib/series.ts';
import { browserTimeZone, describeWindow, isTimeZone } from '../../lib/time-range.ts';
import { useChartWindow } from '../../hooks/chart-window.ts';
import { useResource } from '../../hooks/resource.ts';
import { useT } from '../../i18n/index.tsx';

export interface LampReading {
  ts: number;
  dimLevel?: number;
  activePower?: number;
}

export function LampReadings({ id, live }: { id: string; live: LampReading[] }) {
  const { t } = useT();
  const win = useChartWindow('24h');
  // The installation's zone; a role that may not read the installation sees the browser's.
  const inst = useResource<Installation>(`${LT}/installation`);
  const timeZone = inst.data?.timeZone && isTimeZone(inst.data.timeZone) ? inst.data.timeZone : browserTimeZone();
  const to = win.live ? undefined : win.shown.to;
  const path = useMemo(() => `${LT}/lamps/${encodeURIComponent(id)}/readings${queryString({ from: win.shown.from, to, bucket: win.bucket, limit: 5000 })}`, [id, win.shown.from, to, win.bucket]);
  const res = useResource<{ items: LampReading[] }>(path);
  // While a new window loads, the chart keeps the last answer instead of blanking.
  const kept = useRef<{ items: LampReading[] } | undefined>(undefined);
  if (res.data) kept.current = res.data;
  const loaded = res.data ?? kept.current;
  const spanMs = win.shown.to - win.shown.from;
  const data = useMemo(() => {
    const power: Point[] = [];
    const level: Point[] = [];
    for (const r of [...(loaded?.items ?? []), ...(win.live ? live : [])]) {
      if (typeof r.activePower === 'number') power.push([r.ts, r.activePower]);
      if (typeof r.dimLevel === 'number') level.push([r.ts, r.dimLevel]);
    }
    const now = Date.now();
    const w = win.live ? spanMs : Number.MAX_SAFE_INTEGER;
    return alignSeries({ power: appendWindow([], power, w, now), level: appendWindow([], level, w, now) }, ['level', 'power']);
  }, [loaded, live, win.live, spanMs]);
  const now = Date.now();
  const xRange: [number, number] = win.live ? [(now - spanMs) / 1000, now / 1000] : [win.shown.from / 1000, win.shown.to / 1000];
  const period = describeWindow(win.key, win.shown, win.zoomed, timeZone);
  return (
    <>
      <TimeRangeBar win={win} timeZone={timeZone} />
      <ErrorNote error={res.error} onRetry={res.reload} />
      {!loaded ? (
        res.error ? null : <Loading />
      ) : !data[0].length ? (
        <p className="muted">{t('lampReadings.none')}</p>
      ) : (
        <Chart
          data={data}
          series={[
            { label: t('lampReadings.dimLevel'), unit: '%', color: '#b7791f', kind: 'step', scale: 'level', fill: 'rgba(245,167,10,0.12)' },
            { label: t('lampReadings.power'), unit: 'W', color: '#1d4ed8', scale: 'power', decimals: 1 },
          ]}
          ranges={{ level: [0, 100] }}
          xRange={xRange}
          timeZone={timeZone}
          onZoom={win.zoomTo}
          height={200}
          label={t('lampReadings.label', { period, count: data[0].length })}
        />
      )}
    </>
  );
}
