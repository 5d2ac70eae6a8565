// Data hooks and ranges shared by the patient page's panels.
import { useMemo } from 'react';
import { queryString } from '../../../lib/api.ts';
import { HC, type News2Item } from '../../../lib/healthcare.ts';
import type { HourPoint } from '../../../../../pilots/healthcare/domain/vitals-rollup.ts';
import type { Point } from '../../../lib/series.ts';
import type { Window } from '../../../lib/time-range.ts';
import { useResource } from '../../../hooks/resource.ts';

export type Range = '24h' | '7d';
export const RANGE_MS: Record<Range, number> = { '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 };

export type VitalSeries = Record<string, Point[]>;
export type VitalsAnswer = { from: number; to: number; series: Record<string, [number, unknown][]> };
/** Over 48 h the server answers per hour (count, min, max, mean per vital) instead of readings. */
export type VitalsWindowAnswer = VitalsAnswer | { from: number; to: number; resolution: 'hour'; series: Record<string, HourPoint[]> };
export const HOURLY_OVER_MS = 48 * 3_600_000;

export function useVitals(id: string, range: Range | null) {
  // The path carries the start time: computed once per range choice, not on every render.
  const path = useMemo(() => (range ? `${HC}/patients/${encodeURIComponent(id)}/vitals${queryString({ from: Date.now() - RANGE_MS[range] })}` : null), [id, range]);
  return useResource<VitalsAnswer>(path);
}

/** Vitals in a window as the server's means per bucket, or over 48 h per hour with each hour's
 *  lowest and highest (`resolution=auto`); `openEnd` asks up to now (a live chart). */
export function useVitalsIn(id: string, w: Window | null, bucket: number, openEnd: boolean) {
  const from = w?.from;
  const to = openEnd ? undefined : w?.to;
  const hourly = w !== null && w.to - w.from > HOURLY_OVER_MS;
  const path = useMemo(
    () => (from === undefined ? null : `${HC}/patients/${encodeURIComponent(id)}/vitals${queryString(hourly ? { from, to, resolution: 'auto' } : { from, to, bucket })}`),
    [id, from, to, bucket, hourly],
  );
  return useResource<VitalsWindowAnswer>(path);
}

export function useNews2(id: string, w: Window, openEnd: boolean) {
  const to = openEnd ? undefined : w.to;
  const stable = useMemo(() => `${HC}/patients/${encodeURIComponent(id)}/news2${queryString({ from: w.from, to })}`, [id, w.from, to]);
  return useResource<{ items: News2Item[] }>(stable);
}
