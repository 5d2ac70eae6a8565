// NEWS2 and vital-sign charts over 24 hours (loaded, then fed live) or 7 days (loaded).
import { useMemo } from 'react';
import { Chart, type ChartSeries } from '../../../components/Chart.tsx';
import { ErrorNote, Loading } from '../../../components/ui.tsx';
import { formatNumber, VITALS } from '../../../lib/format.ts';
import { numericPoints, type News2Item } from '../../../lib/healthcare.ts';
import { alignSeries, appendWindow, bucketMean, type Point } from '../../../lib/series.ts';
import type { Resource } from '../../../hooks/resource.ts';
import { BUCKET_MS, RANGE_MS, useNews2, useVitals, type Range, type VitalSeries, type VitalsAnswer } from './vitals.ts';

const CHARTS: { id: string; title: string; keys: string[]; series: ChartSeries[]; range: [number, number] }[] = [
  { id: 'hr', title: 'Heart rate', keys: ['heartRate'], series: [{ label: 'Heart rate', unit: '/min', color: '#c2410c' }], range: [30, 160] },
  { id: 'rr', title: 'Respiratory rate', keys: ['respiratoryRate'], series: [{ label: 'Respiratory rate', unit: '/min', color: '#0f766e' }], range: [5, 40] },
  { id: 'spo2', title: 'Oxygen saturation', keys: ['spo2'], series: [{ label: 'SpO₂', unit: '%', color: '#1d4ed8' }], range: [80, 100] },
  { id: 'temp', title: 'Temperature', keys: ['temperature'], series: [{ label: 'Temperature', unit: '°C', color: '#9333ea', decimals: 1 }], range: [34, 41] },
  {
    id: 'bp',
    title: 'Blood pressure',
    keys: ['systolic', 'diastolic'],
    series: [
      { label: 'Systolic', unit: 'mmHg', color: '#be123c', kind: 'points' },
      { label: 'Diastolic', unit: 'mmHg', color: '#f472b6', kind: 'points' },
    ],
    range: [40, 200],
  },
];

export function TrendCharts({ id, range, live, day }: { id: string; range: Range; live: { vitals: VitalSeries; news2: News2Item[] }; day: Resource<VitalsAnswer> }) {
  const week = useVitals(id, range === '7d' ? '7d' : null);
  const vitals = range === '24h' ? day : week;
  const news2 = useNews2(id, range);
  const to = Date.now();
  const from = to - RANGE_MS[range];

  const series = useMemo(() => {
    const out: VitalSeries = {};
    for (const [k, pts] of Object.entries(vitals.data?.series ?? {})) {
      const loaded = bucketMean(numericPoints(pts), BUCKET_MS[range]);
      out[k] = range === '24h' ? appendWindow(loaded, live.vitals[k] ?? [], RANGE_MS[range], Date.now(), 20_000) : loaded;
    }
    if (range === '24h') for (const [k, pts] of Object.entries(live.vitals)) out[k] ??= pts;
    return out;
  }, [vitals.data, live.vitals, range]);

  const news2Points = useMemo(() => {
    const byTime = new Map<number, News2Item>();
    for (const n of news2.data?.items ?? []) byTime.set(n.at, n);
    if (range === '24h') for (const n of live.news2) byTime.set(n.at, n);
    return [...byTime.values()].sort((a, b) => a.at - b.at).map((n) => [n.at, n.total] as Point);
  }, [news2.data, live.news2, range]);

  const xRange: [number, number] = [from / 1000, to / 1000];
  if ((vitals.loading && !vitals.data) || (news2.loading && !news2.data)) return <Loading label="Loading charts…" />;
  return (
    <>
      <ErrorNote error={vitals.error ?? news2.error} onRetry={() => (vitals.reload(), news2.reload())} />
      <div className="charts">
        <figure className="chart-box chart-wide">
          <figcaption>NEWS2 aggregate score</figcaption>
          <Chart
            key={`news2-${range}`}
            data={alignSeries({ news2: news2Points }, ['news2'])}
            series={[{ label: 'NEWS2', color: '#1e293b', kind: 'step', width: 2.5, fill: 'rgba(30,41,59,0.06)', showPoints: news2Points.length <= 300 }]}
            // A little below 0, so a run of zero scores shows as a line above the axis.
            ranges={{ y: [-0.6, 15.5] }}
            xRange={xRange}
            height={170}
            guides={[
              { scale: 'y', value: 5, color: '#b45309', label: '5 — urgent review', labelBelow: true },
              { scale: 'y', value: 7, color: '#dc2626', label: '7 — emergency response' },
            ]}
            label={`NEWS2 over the last ${range === '24h' ? '24 hours' : '7 days'}: ${news2Points.length} results, latest ${news2Points.at(-1)?.[1] ?? 'none'}`}
          />
        </figure>
        {CHARTS.map((c) => {
          const n = c.keys.reduce((s, k) => s + (series[k]?.length ?? 0), 0);
          return (
            <figure className="chart-box" key={c.id}>
              <figcaption>{c.title}</figcaption>
              {n ? (
                <Chart
                  key={`${c.id}-${range}`}
                  data={alignSeries(series, c.keys)}
                  series={c.series}
                  ranges={{ y: c.range }}
                  xRange={xRange}
                  height={170}
                  label={`${c.title}: ${n} readings; latest ${c.keys.map((k) => formatNumber(series[k]?.at(-1)?.[1], VITALS[k]?.decimals ?? 0)).join('/')}`}
                />
              ) : (
                <div className="chart-empty">No {c.title.toLowerCase()} readings in this period</div>
              )}
            </figure>
          );
        })}
      </div>
    </>
  );
}
