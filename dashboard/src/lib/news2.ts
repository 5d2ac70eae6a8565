// How the console shows a NEWS2 result. Bands and clinical responses follow the RCP NEWS2 chart
// (Royal College of Physicians 2017, chart 2 "NEWS thresholds and triggers"): aggregate 0–4 low,
// a single parameter scoring 3 low–medium, 5–6 medium, 7 or more high. Colours follow the chart's
// convention (green, yellow, amber, red) and are never the only cue: every badge carries its label.
import type { News2Band } from '../../../pilots/healthcare/domain/news2.ts';

/** The chart 3 bands, as the pilot computes them (pilots/healthcare/domain/news2.ts bandFor). */
export type { News2Band };

export interface BandInfo {
  band: News2Band;
  /** Higher is more urgent; sorts the ward board. */
  rank: number;
}

/** The bands by urgency; their words (name, the chart's clinical response) are the dictionaries'
 *  news2Band and news2Response. */
export const BANDS: Record<News2Band, BandInfo> = {
  low: { band: 'low', rank: 0 },
  'low-medium': { band: 'low-medium', rank: 1 },
  medium: { band: 'medium', rank: 2 },
  high: { band: 'high', rank: 3 },
};

export function bandInfo(band: string | null | undefined): BandInfo | null {
  return band && band in BANDS ? BANDS[band as News2Band] : null;
}

export interface News2Summary {
  total: number;
  band: News2Band;
  partial: boolean;
  at: number;
}

/** Orders patients for a ward board: most urgent band first, then highest score, then the
 *  patients with no result yet (who need a look too), then by name. */
export function byUrgency<T extends { news2: News2Summary | null; activeAlarms?: number; name: string }>(a: T, b: T): number {
  const ra = a.news2 ? (bandInfo(a.news2.band)?.rank ?? -1) : -1;
  const rb = b.news2 ? (bandInfo(b.news2.band)?.rank ?? -1) : -1;
  if (ra !== rb) return rb - ra;
  const ta = a.news2?.total ?? -1;
  const tb = b.news2?.total ?? -1;
  if (ta !== tb) return tb - ta;
  const aa = a.activeAlarms ?? 0;
  const ab = b.activeAlarms ?? 0;
  if (aa !== ab) return ab - aa;
  return a.name.localeCompare(b.name);
}
