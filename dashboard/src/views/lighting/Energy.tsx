// Energy: what the installation drew per day (or month) against the undimmed baseline — the same
// burning hours at full output — with the savings and the CO2 they avoid, per group or cabinet.
// Over 30 days the last 7 stay per day and the older ones are shown per week. Days are the
// installation's local days (the server's roll-up is per local day in its zone), named on the page.
import { useMemo } from 'react';
import { Chart } from '../../components/Chart.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { Card, EmptyState, ErrorNote, Loading, PageHeader, Segmented, Stat } from '../../components/ui.tsx';
import { queryString } from '../../lib/api.ts';
import { formatEnergy, formatMass, formatNumber } from '../../lib/format.ts';
import { energyByPeriod, LT, periodX, type Cabinet, type EnergyReport, type EnergySeries, type Group, type Installation } from '../../lib/lighting.ts';
import { addDays, localDay, periodLabel, RECENT_DAYS, spanStart, splitByAge, type EnergySpan as Span } from '../../lib/energy-periods.ts';
import { browserTimeZone, isTimeZone } from '../../lib/time-range.ts';
import { useNow } from '../../hooks/now.ts';
import { useResource } from '../../hooks/resource.ts';
import { setSearch, useLocation } from '../../hooks/router.tsx';
import { useT } from '../../i18n/index.tsx';

const SPANS: readonly Span[] = ['7d', '30d', '12m'];

/** Bars of energy used against the baseline, one per period (a day, a week or a month). */
function EnergyBars({ s, unit, xRange, describe, at = periodX, barWidth = [0.8, 0.45] }: { s: EnergySeries; unit: 'day' | 'month'; xRange: [number, number]; describe: (period: string, i: number) => string; at?: (period: string) => number; barWidth?: [number, number] }) {
  const { t } = useT();
  return (
    <Chart
      data={[s.periods.map(at), s.baseline, s.actual]}
      series={[
        { label: t('energy.seriesBaseline'), unit: 'kWh', color: '#d08a2e', fill: 'rgba(245,167,10,0.22)', kind: 'bars', barWidth: barWidth[0], width: 1.5, decimals: 3 },
        { label: t('energy.seriesUsed'), unit: 'kWh', color: '#0b5ea3', fill: 'rgba(11,94,163,0.85)', kind: 'bars', barWidth: barWidth[1], decimals: 3 },
      ]}
      height={240}
      ranges={{ y: [0, Math.max(...s.baseline, ...s.actual, 0.001) * 1.15] }}
      xRange={xRange}
      xUnit={unit}
      label={t('energy.chartLabel', { periods: s.periods.map((p, i) => t('energy.chartPeriod', { period: describe(p, i), used: formatEnergy(s.actual[i] ?? 0), baseline: formatEnergy(s.baseline[i] ?? 0) })).join('; ') })}
    />
  );
}

export function Energy() {
  const { t, tag } = useT();
  const { search } = useLocation();
  const span = SPANS.find((s) => s === search.get('span')) ?? '7d';
  const by = search.get('by') === 'cabinet' ? 'cabinet' : 'group';
  // Today is the installation's local day; a role that may not read the installation counts in
  // the browser's zone until the report names the installation's.
  const inst = useResource<Installation>(`${LT}/installation`);
  const zoneKnown = inst.data !== undefined || inst.error !== undefined;
  const instZone = inst.data?.timeZone && isTimeZone(inst.data.timeZone) ? inst.data.timeZone : browserTimeZone();
  const now = useNow();
  const today = localDay(now, instZone);
  const path = useMemo(() => (zoneKnown ? `${LT}/energy${queryString({ by, period: span === '12m' ? 'month' : 'day', from: spanStart(span, today) })}` : null), [zoneKnown, by, span, today]);
  const res = useResource<EnergyReport>(path);
  const groups = useResource<{ items: Group[] }>(`${LT}/groups`);
  const cabinets = useResource<{ items: Cabinet[] }>(`${LT}/cabinets`);
  const names = useMemo(() => new Map<string, string>([...(groups.data?.items ?? []).map((g) => [g.id, g.name] as const), ...(cabinets.data?.items ?? []).map((c) => [c.id, c.name] as const)]), [groups.data, cabinets.data]);
  const r = res.data;
  const series = useMemo(() => (r ? energyByPeriod(r) : null), [r]);
  // Recent days per day, older days per week (lib/energy-periods.ts).
  const split = useMemo(() => (series && span !== '12m' ? splitByAge(series, today) : null), [series, span, today]);
  const tot = r?.total;
  const zone = r?.timeZone ?? (inst.data ? instZone : undefined);

  return (
    <div className="page">
      <PageHeader
        title={t('energy.title')}
        subtitle={
          <>
            {t('energy.subtitle')}
            {zone ? (
              <>
                {' '}
                <span data-testid="energy-zone">{t('energy.zone', { zone })}</span>
              </>
            ) : null}
          </>
        }
        actions={
          <>
            <Segmented label={t('energy.period')} value={span} options={SPANS.map((value) => ({ value, label: t(`energy.spans.${value}`) }))} onChange={(v) => setSearch({ span: v === '7d' ? undefined : v })} />
            <Segmented
              label={t('energy.breakdown')}
              value={by}
              options={[
                { value: 'group', label: t('energy.byGroup') },
                { value: 'cabinet', label: t('energy.byCabinet') },
              ]}
              onChange={(v) => setSearch({ by: v === 'group' ? undefined : v })}
            />
          </>
        }
      />
      <ErrorNote error={res.error} onRetry={res.reload} />
      <div className="stats">
        <Stat label={t('energy.used')} value={tot ? formatEnergy(tot.kWh) : '—'} hint={tot ? t('energy.burningHours', { hours: formatNumber(tot.burningHours, tot.burningHours < 10 ? 1 : 0) }) : undefined} />
        <Stat label={t('energy.baseline')} value={tot ? formatEnergy(tot.baselineKWh) : '—'} hint={t('energy.baselineHint')} />
        <Stat label={t('energy.saved')} value={tot ? formatEnergy(tot.savedKWh) : '—'} hint={tot ? t('energy.savedHint', { percent: formatNumber(tot.savedPercent, 1) }) : undefined} tone={tot && tot.savedKWh > 0 ? 'ok' : undefined} />
        <Stat label={t('energy.co2')} value={tot ? formatMass(tot.savedCO2kg) : '—'} hint={r ? t('energy.co2Hint', { factor: formatNumber(r.co2KgPerKWh, 3) }) : undefined} />
      </div>
      {!r ? (
        <Card title={t('energy.perDay')}>
          <Loading />
        </Card>
      ) : !series || !series.periods.length ? (
        <Card title={span === '12m' ? t('energy.perMonth') : t('energy.perDay')}>
          <EmptyState title={t('energy.none')} />
        </Card>
      ) : span === '12m' ? (
        <Card title={t('energy.perMonth')}>
          <EnergyBars key={`${span}-${by}`} s={series} unit="month" xRange={[periodX(series.periods[0]!) - 20 * 86_400, periodX(series.periods.at(-1)!) + 20 * 86_400]} describe={(p) => periodLabel(p, tag)} />
        </Card>
      ) : (
        <>
          <Card title={span === '30d' ? t('energy.recentDays', { count: RECENT_DAYS }) : t('energy.perDay')}>
            <EnergyBars key={`${span}-${by}`} s={split!.recent} unit="day" xRange={[periodX(addDays(today, -(RECENT_DAYS - 1))) - 43_200, periodX(today) + 43_200]} describe={(p) => periodLabel(p, tag)} />
          </Card>
          {span === '30d' && split!.older.periods.length ? (
            // Older days coarser: a bar per week keeps a month readable at 1024 px.
            <Card title={t('energy.perWeek')}>
              <EnergyBars
                key={`older-${by}`}
                s={split!.older}
                unit="day"
                at={(p) => periodX(p) + 3 * 86_400}
                barWidth={[0.8, 0.45]}
                xRange={[periodX(split!.older.periods[0]!) - 86_400, periodX(split!.older.periods.at(-1)!) + 7 * 86_400]}
                describe={(p, i) => t('energy.week', { day: periodLabel(p, tag), count: split!.older.days[i] ?? 0 })}
              />
              <p className="muted small">{t('energy.weekNote', { count: RECENT_DAYS })}</p>
            </Card>
          ) : null}
        </>
      )}
      <Card title={by === 'group' ? t('energy.byGroup') : t('energy.byCabinet')}>
        {r ? (
          <DataTable columns={[by === 'group' ? t('energy.group') : t('energy.cabinet'), { label: t('energy.colUsed'), className: 'num' }, { label: t('energy.colBaseline'), className: 'num' }, { label: t('energy.colSaved'), className: 'num' }, { label: t('energy.colHours'), className: 'num' }]}>
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
