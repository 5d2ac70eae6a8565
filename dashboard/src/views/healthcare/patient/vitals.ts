// Data hooks and ranges shared by the patient page's panels.
import { useMemo } from 'react';
import { queryString } from '../../../lib/api.ts';
import { HC, type News2Item } from '../../../lib/healthcare.ts';
import type { Point } from '../../../lib/series.ts';
import type { Window } from '../../../lib/time-range.ts';
import { useResource } from '../../../hooks/resource.ts';

export type Range = '24h' | '7d';
export const RANGE_MS: Record<Range, number> = { '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 };

export type VitalSeries = Record<string, Point[]>;
export type VitalsAnswer = { from: number; to: number; series: Record<string, [number, unknown][]> };

export function useVitals(id: string, range: Range | null) {
  // The path carries the start time: computed once per range choice, not on every render.
  const path = useMemo(() => (range ? `${HC}/patients/${encodeURIComponent(id)}/vitals${queryString({ from: Date.now() - RANGE_MS[range] })}` : null), [id, range]);
  return useResource<VitalsAnswer>(path);
}

/** Vitals in a window as the server's means per bucket; `openEnd` asks up to now (a live chart). */
export function useVitalsIn(id: string, w: Window | null, bucket: number, openEnd: boolean) {
  const from = w?.from;
  const to = openEnd ? undefined : w?.to;
  const path = useMemo(() => (from === undefined ? null : `${HC}/patients/${encodeURIComponent(id)}/vitals${queryString({ from, to, bucket })}`), [id, from, to, bucket]);
  return useResource<VitalsAnswer>(path);
}

export function useNews2(id: string, w: Window, openEnd: boolean) {
  const to = openEnd ? undefined : w.to;
  const stable = useMemo(() => `${HC}/patients/${encodeURIComponent(id)}/news2${queryString({ from: w.from, to })}`, [id, w.from, to]);
  return useResource<{ items: News2Item[] }>(stable);
}
