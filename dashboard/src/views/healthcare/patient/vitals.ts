// Data hooks and ranges shared by the patient page's panels.
import { useMemo } from 'react';
import { queryString } from '../../../lib/api.ts';
import { HC, type News2Item } from '../../../lib/healthcare.ts';
import type { Point } from '../../../lib/series.ts';
import { useResource } from '../../../hooks/resource.ts';

export type Range = '24h' | '7d';
export const RANGE_MS: Record<Range, number> = { '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 };
export const BUCKET_MS: Record<Range, number> = { '24h': 2 * 60_000, '7d': 30 * 60_000 };

export type VitalSeries = Record<string, Point[]>;
export type VitalsAnswer = { from: number; to: number; series: Record<string, [number, unknown][]> };

export function useVitals(id: string, range: Range | null) {
  // The path carries the start time: computed once per range choice, not on every render.
  const path = useMemo(() => (range ? `${HC}/patients/${encodeURIComponent(id)}/vitals${queryString({ from: Date.now() - RANGE_MS[range] })}` : null), [id, range]);
  return useResource<VitalsAnswer>(path);
}

export function useNews2(id: string, range: Range) {
  const stable = useMemo(() => `${HC}/patients/${encodeURIComponent(id)}/news2${queryString({ from: Date.now() - RANGE_MS[range] })}`, [id, range]);
  return useResource<{ items: News2Item[] }>(stable);
}
