// NEWS2 and vital-sign charts over a range the range bar sets (1 h … 7 d or custom): a preset
// follows the clock and takes live values; a zoom (drag or buttons) loads the narrower window at a
// finer bucket. The server answers means per bucket; over 48 h it answers per hour with each hour's
// lowest and highest, drawn as a band around the mean so a brief spike stays visible. Times read in
// the browser's zone: the healthcare pilot records no installation zone.
import { useMemo, useRef } from 'react';
import { Chart, type ChartSeries } from '../../../components/Chart.tsx';
import { TimeRangeBar } from '../../../components/TimeRangeBar.tsx';
import { ErrorNote, Loading } from '../../../components/ui.tsx';
import { formatNumber, VITALS } from '../../../lib/format.ts';
import { hourBands, hourMaxKey, hourMinKey, numericPoints, type News2Item } from '../../../lib/healthcare.ts';
import { alignSeries, appendWindow, bucketMean, type Point } from '../../../lib/series.ts';
import { browserTimeZone, describeWindow } from '../../../lib/time-range.ts';
import { useChartWindow } from '../../../hooks/chart-window.ts';
import type { Resource } from '../../../hooks/resource.ts';
import { useNews2, useVitalsIn, type VitalSeries, type VitalsAnswer, type VitalsWindowAnswer } from './vitals.ts';
import { useT, type MessageKey } from '../../../i18n/index.tsx';

// Titles and series labels are dictionary keys, read in the user's language when drawn.
const CHARTS: { id: string; title: MessageKey; keys: string[]; series: (Omit<ChartSeries, 'label'> & { label: MessageKey })[]; range: [number, number] }[] = [
  { id: 'hr', title: 'vital.heartRate', keys: ['heartRate'], series: [{ label: 'vital.heartRate', unit: '/min', color: '#c2410c' }], range: [30, 160] },
  { id: 'rr', title: 'vital.respiratoryRate', keys: ['respiratoryRate'], series: [{ label: 'vital.respiratoryRate', unit: '/min', color: '#0f766e' }], range: [5, 40] },
  { id: 'spo2', title: 'vital.spo2', keys: ['spo2'], series: [{ label: 'vitalShort.spo2', unit: '%', color: '#1d4ed8' }], range: [80, 100] },
  { id: 'temp', title: 'vital.temperature', keys: ['temperature'], series: [{ label: 'vital.temperature', unit: '°C', color: '#9333ea', decimals: 1 }], range: [34, 41] },
  {
    id: 'bp',
    title: 'trendCharts.bloodPressure',
    keys: ['systolic', 'diastolic'],
    series: [
      { label: 'trendCharts.systolic', unit: 'mmHg', color: '#be123c', kind: 'points' },
      { label: 'trendCharts.diastolic', unit: 'mmHg', color: '#f472b6', kind: 'points' },
    ],
    range: [40, 200],
  },
];

export function TrendCharts({ id, live, day }: { id: string; live: { vitals: VitalSeries; news2: News2Item[] }; day: Resource<VitalsAnswer> }) {
  const { t } = useT();
  const win = useChartWindow('24h');
  const timeZone = useMemo(browserTimeZone, []);
  // The page has loaded the last 24 hours already (for its tiles): the 24 h preset reuses them.
  const useDay = win.key === '24h' && win.live;
  const other = useVitalsIn(id, useDay ? null : win.shown, win.bucket, win.live);
  const vitals: Resource<VitalsWindowAnswer> = useDay ? day : other;
  const news2 = useNews2(id, win.shown, win.live);
  // While a new window loads, the charts keep the last answer instead of blanking.
  const keptVitals = useRef<VitalsWindowAnswer | undefined>(undefined);
  const keptNews2 = useRef<{ items: News2Item[] } | undefined>(undefined);
  if (vitals.data) keptVitals.current = vitals.data;
  if (news2.data) keptNews2.current = news2.data;
  const vitalsData = vitals.data ?? keptVitals.current;
  const news2Data = news2.data ?? keptNews2.current;
  const spanMs = win.shown.to - win.shown.from;

  const hourly = vitalsData !== undefined && 'resolution' in vitalsData;
  const series = useMemo(() => {
    const out: VitalSeries = {};
    const loadedAll: VitalSeries = {};
    if (vitalsData && 'resolution' in vitalsData) Object.assign(loadedAll, hourBands(vitalsData.series));
    else for (const [k, pts] of Object.entries(vitalsData?.series ?? {})) loadedAll[k] = bucketMean(numericPoints(pts), win.bucket);
    for (const [k, loaded] of Object.entries(loadedAll)) {
      // Live values join the mean; the hours' lowest and highest only follow the window.
      const fresh = k.includes(':') ? [] : (live.vitals[k] ?? []);
      out[k] = win.live ? appendWindow(loaded, fresh, spanMs, Date.now(), 20_000) : loaded;
    }
    if (win.live) for (const [k, pts] of Object.entries(live.vitals)) out[k] ??= appendWindow([], pts, spanMs, Date.now(), 20_000);
    return out;
  }, [vitalsData, live.vitals, win.live, win.bucket, spanMs]);

  const news2Points = useMemo(() => {
    const byTime = new Map<number, News2Item>();
    for (const n of news2Data?.items ?? []) byTime.set(n.at, n);
    if (win.live) for (const n of live.news2) byTime.set(n.at, n);
    return [...byTime.values()].sort((a, b) => a.at - b.at).map((n) => [n.at, n.total] as Point);
  }, [news2Data, live.news2, win.live]);

  const now = Date.now();
  const xRange: [number, number] = win.live ? [(now - spanMs) / 1000, now / 1000] : [win.shown.from / 1000, win.shown.to / 1000];
  const period = describeWindow(win.key, win.shown, win.zoomed, timeZone, t);
  const bar = <TimeRangeBar win={win} timeZone={timeZone} />;
  if (!vitalsData || !news2Data) {
    return (
      <>
        {bar}
        <ErrorNote error={vitals.error ?? news2.error} onRetry={() => (vitals.reload(), news2.reload())} />
        {!vitals.error && !news2.error ? <Loading label={t('trendCharts.loading')} /> : null}
      </>
    );
  }
  const showPoints = news2Points.length <= 300;
  return (
    <>
      {bar}
      <ErrorNote error={vitals.error ?? news2.error} onRetry={() => (vitals.reload(), news2.reload())} />
      <div className="charts" aria-busy={vitals.loading || news2.loading || undefined}>
        <figure className="chart-box chart-wide">
          <figcaption>{t('trendCharts.news2')}</figcaption>
          <Chart
            key={`news2-${showPoints}`}
            data={alignSeries({ news2: news2Points }, ['news2'])}
            series={[{ label: 'NEWS2', color: '#1e293b', kind: 'step', width: 2.5, fill: 'rgba(30,41,59,0.06)', showPoints }]}
            // A little below 0, so a run of zero scores shows as a line above the axis.
            ranges={{ y: [-0.6, 15.5] }}
            xRange={xRange}
            timeZone={timeZone}
            onZoom={win.zoomTo}
            height={170}
            guides={[
              { scale: 'y', value: 5, color: '#b45309', label: t('trendCharts.urgent'), labelBelow: true },
              { scale: 'y', value: 7, color: '#dc2626', label: t('trendCharts.emergency') },
            ]}
            label={t('trendCharts.news2Label', { period, count: news2Points.length, latest: news2Points.at(-1)?.[1] ?? t('trendCharts.none') })}
          />
        </figure>
        {CHARTS.map((c) => {
          const n = c.keys.reduce((s, k) => s + (series[k]?.length ?? 0), 0);
          const title = t(c.title);
          // Per hour: each vital's mean as a line, its lowest and highest as thin lines with a band between.
          const keys = hourly ? c.keys.flatMap((k) => [k, hourMaxKey(k), hourMinKey(k)]) : c.keys;
          const drawn = c.series.map((s) => ({ ...s, label: t(s.label) }));
          const chartSeries = hourly
            ? drawn.flatMap((s) => [
                { ...s, kind: 'line' as const },
                { ...s, label: t('trendCharts.hourHigh', { label: s.label }), width: 0.75 },
                { ...s, label: t('trendCharts.hourLow', { label: s.label }), width: 0.75 },
              ])
            : drawn;
          const bands = hourly ? drawn.map((s, i) => ({ between: [3 * i + 1, 3 * i + 2] as [number, number], fill: `${s.color}2e` })) : undefined;
          return (
            <figure className="chart-box" key={c.id}>
              <figcaption>{title}</figcaption>
              {n ? (
                <Chart
                  key={`${c.id}-${hourly}`}
                  data={alignSeries(series, keys)}
                  series={chartSeries}
                  bands={bands}
                  ranges={{ y: c.range }}
                  xRange={xRange}
                  timeZone={timeZone}
                  onZoom={win.zoomTo}
                  height={170}
                  label={t(hourly ? 'trendCharts.seriesLabelHourly' : 'trendCharts.seriesLabel', { title, period, count: n, latest: c.keys.map((k) => formatNumber(series[k]?.at(-1)?.[1], VITALS[k]?.decimals ?? 0)).join('/') })}
                />
              ) : (
                <div className="chart-empty">{t('trendCharts.empty', { title: title.toLowerCase() })}</div>
              )}
            </figure>
          );
        })}
      </div>
    </>
  );
}
