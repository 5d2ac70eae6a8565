// Energy: what the installation drew per day (or month) against the undimmed baseline — the same
// burning hours at full output — with the savings and the CO2 they avoid, per group or cabinet.
// Over 30 days the last 7 stay per day and the older ones are shown per week.
import { useMemo } from 'react';
import { Chart } from '../../components/Chart.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { Card, EmptyState, ErrorNote, Loading, PageHeader, Segmented, Stat } from '../../components/ui.tsx';
import { queryString } from '../../lib/api.ts';
import { formatEnergy, formatMass, formatNumber } from '../../lib/format.ts';
import { energyByPeriod, LT, periodX, type Cabinet, type EnergyReport, type EnergySeries, type Group } from '../../lib/lighting.ts';
import { addDays, RECENT_DAYS, splitByAge } from '../../lib/energy-periods.ts';
import { useResource } from '../../hooks/resource.ts';
import { setSearch, useLocation } from '../../hooks/router.tsx';

type Span = '7d' | '30d' | '12m';
const SPANS: { value: Span; label: string }[] = [
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '12m', label: 'Last 12 months' },
];

function fromFor(span: Span): string {
  const d = new Date();
  if (span === '7d') d.setDate(d.getDate() - 6);
  else if (span === '30d') d.setDate(d.getDate() - 29);
  else {
    d.setMonth(d.getMonth() - 11);
    d.setDate(1);
  }
  return d.toISOString().slice(0, 10);
}

/** Bars of energy used against the baseline, one per period (a day, a week or a month). */
function EnergyBars({ s, unit, xRange, describe, at = periodX, barWidth = [0.8, 0.45] }: { s: EnergySeries; unit: 'day' | 'month'; xRange: [number, number]; describe: (period: string, i: number) => string; at?: (period: string) => number; barWidth?: [number, number] }) {
  return (
    <Chart
      data={[s.periods.map(at), s.baseline, s.actual]}
      series={[
        { label: 'Baseline (undimmed)', unit: 'kWh', color: '#d08a2e', fill: 'rgba(245,167,10,0.22)', kind: 'bars', barWidth: barWidth[0], width: 1.5, decimals: 3 },
        { label: 'Energy used', unit: 'kWh', color: '#0b5ea3', fill: 'rgba(11,94,163,0.85)', kind: 'bars', barWidth: barWidth[1], decimals: 3 },
      ]}
      height={240}
      ranges={{ y: [0, Math.max(...s.baseline, ...s.actual, 0.001) * 1.15] }}
      xRange={xRange}
      xUnit={unit}
      label={`Energy per period: ${s.periods.map((p, i) => `${describe(p, i)} ${formatEnergy(s.actual[i] ?? 0)} of ${formatEnergy(s.baseline[i] ?? 0)} baseline`).join('; ')}`}
    />
  );
}

export function Energy() {
  const { search } = useLocation();
  const span = (SPANS.find((s) => s.value === search.get('span'))?.value ?? '7d') as Span;
  const by = search.get('by') === 'cabinet' ? 'cabinet' : 'group';
  const path = useMemo(() => `${LT}/energy${queryString({ by, period: span === '12m' ? 'month' : 'day', from: fromFor(span) })}`, [by, span]);
  const res = useResource<EnergyReport>(path);
  const groups = useResource<{ items: Group[] }>(`${LT}/groups`);
  const cabinets = useResource<{ items: Cabinet[] }>(`${LT}/cabinets`);
  const names = useMemo(() => new Map<string, string>([...(groups.data?.items ?? []).map((g) => [g.id, g.name] as const), ...(cabinets.data?.items ?? []).map((c) => [c.id, c.name] as const)]), [groups.data, cabinets.data]);
  const r = res.data;
  const series = useMemo(() => (r ? energyByPeriod(r) : null), [r]);
  // Recent days per day, older days per week (lib/energy-periods.ts).
  const split = useMemo(() => (series && span !== '12m' ? splitByAge(series, addDays(fromFor('7d'), RECENT_DAYS - 1)) : null), [series, span]);
  const t = r?.total;

  return (
    <div className="page">
      <PageHeader
        title="Energy"
        subtitle="Energy drawn against the baseline of the same burning hours at full output: the difference is what dimming saves."
        actions={
          <>
            <Segmented label="Period" value={span} options={SPANS} onChange={(v) => setSearch({ span: v === '7d' ? undefined : v })} />
            <Segmented
              label="Breakdown"
              value={by}
              options={[
                { value: 'group', label: 'By group' },
                { value: 'cabinet', label: 'By cabinet' },
              ]}
              onChange={(v) => setSearch({ by: v === 'group' ? undefined : v })}
            />
          </>
        }
      />
      <ErrorNote error={res.error} onRetry={res.reload} />
      <div className="stats">
        <Stat label="Energy used" value={t ? formatEnergy(t.kWh) : '—'} hint={t ? `${formatNumber(t.burningHours, t.burningHours < 10 ? 1 : 0)} lamp burning hours` : undefined} />
        <Stat label="Baseline" value={t ? formatEnergy(t.baselineKWh) : '—'} hint="Same hours, undimmed" />
        <Stat label="Saved" value={t ? formatEnergy(t.savedKWh) : '—'} hint={t ? `${formatNumber(t.savedPercent, 1)} % of the baseline` : undefined} tone={t && t.savedKWh > 0 ? 'ok' : undefined} />
        <Stat label="CO₂ avoided" value={t ? formatMass(t.savedCO2kg) : '—'} hint={r ? `at ${formatNumber(r.co2KgPerKWh, 3)} kg/kWh` : undefined} />
      </div>
      {!r ? (
        <Card title="Per day">
          <Loading />
        </Card>
      ) : !series || !series.periods.length ? (
        <Card title={span === '12m' ? 'Per month' : 'Per day'}>
          <EmptyState title="No energy recorded in this period" />
        </Card>
      ) : span === '12m' ? (
        <Card title="Per month">
          <EnergyBars key={`${span}-${by}`} s={series} unit="month" xRange={[periodX(series.periods[0]!) - 20 * 86_400, periodX(series.periods.at(-1)!) + 20 * 86_400]} describe={(p) => p} />
        </Card>
      ) : (
        <>
          <Card title={span === '30d' ? `Last ${RECENT_DAYS} days, per day` : 'Per day'}>
            <EnergyBars key={`${span}-${by}`} s={split!.recent} unit="day" xRange={[periodX(fromFor('7d')) - 43_200, Date.now() / 1000 + 43_200]} describe={(p) => p} />
          </Card>
          {span === '30d' && split!.older.periods.length ? (
            // Older days coarser: a bar per week keeps a month readable at 1024 px.
            <Card title="Earlier, per week (Monday to Sunday)">
              <EnergyBars
                key={`older-${by}`}
                s={split!.older}
                unit="day"
                at={(p) => periodX(p) + 3 * 86_400}
                barWidth={[0.8, 0.45]}
                xRange={[periodX(split!.older.periods[0]!) - 86_400, periodX(split!.older.periods.at(-1)!) + 7 * 86_400]}
                describe={(p, i) => `week of ${p} (${split!.older.days[i]} day${split!.older.days[i] === 1 ? '' : 's'})`}
              />
              <p className="muted small">Each bar sums the days of one week before the last {RECENT_DAYS}; a week cut by the period’s start counts fewer days.</p>
            </Card>
          ) : null}
        </>
      )}
      <Card title={by === 'group' ? 'By group' : 'By cabinet'}>
        {r ? (
          <DataTable columns={[by === 'group' ? 'Group' : 'Cabinet', { label: 'Used', className: 'num' }, { label: 'Baseline', className: 'num' }, { label: 'Saved', className: 'num' }, { label: 'Burning hours', className: 'num' }]}>
            {[...r.rows]
              .sort((a, b) => b.total.kWh - a.total.kWh)
              .map((row) => (
                <tr key={row.key}>
                  <td>{names.get(row.key) ?? row.key}</td>
                  <td className="num">{formatEnergy(row.total.kWh)}</td>
                  <td className="num">{formatEnergy(row.total.baselineKWh)}</td>
                  <td className="num">
                    <span className="saving">
                      <span className="saving-bar" aria-hidden="true">
                        <span style={{ width: `${Math.max(0, Math.min(100, row.total.savedPercent))}%` }} />
                      </span>
                      {formatNumber(row.total.savedPercent, 1)} %
                    </span>
                  </td>
                  <td className="num">{formatNumber(row.total.burningHours, row.total.burningHours < 10 ? 1 : 0)}</td>
                </tr>
              ))}
          </DataTable>
        ) : (
          <Loading />
        )}
      </Card>
    </div>
  );
}
