// What the healthcare pilot can share under a Data Sharing Agreement: aggregate early-warning
// statistics per condition (or age band), never a record. Only patients whose consent covers
// the agreement's purpose are counted; groups smaller than the agreement's minimum are
// suppressed (docs/architecture.md promise 5).
import type { PilotContext, ShareProvider } from '../../platform/pilot.ts';
import { ErasedError } from '../../platform/errors.ts';
import { consentsTo, readConsent } from './consent.ts';
import type { News2Record, Patient } from './model.ts';
import { listPatients } from './patients.ts';
import { readLatestNews2 } from './news2-records.ts';
import { ageOn } from './summary.ts';

export interface VitalsAggregateRow {
  group: string;
  subjects: number;
  news2Mean: number;
  highBandShare: number;
  spo2Mean: number | null;
  heartRateMean: number | null;
}

interface Sample {
  group: string;
  news2: number;
  high: boolean;
  spo2?: number;
  heartRate?: number;
}

const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10 : null);

/** Pure: aggregates one sample per patient into rows, applying the minimum group size. */
export function aggregateVitals(samples: Sample[], minGroupSize: number): { rows: VitalsAggregateRow[]; suppressed: number } {
  const groups = new Map<string, Sample[]>();
  for (const s of samples) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  const rows: VitalsAggregateRow[] = [];
  let suppressed = 0;
  for (const [group, list] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    if (list.length < minGroupSize) {
      suppressed++;
      continue;
    }
    rows.push({
      group,
      subjects: list.length,
      news2Mean: mean(list.map((s) => s.news2))!,
      highBandShare: Math.round((list.filter((s) => s.high).length / list.length) * 1000) / 1000,
      spo2Mean: mean(list.flatMap((s) => (s.spo2 === undefined ? [] : [s.spo2]))),
      heartRateMean: mean(list.flatMap((s) => (s.heartRate === undefined ? [] : [s.heartRate]))),
    });
  }
  return { rows, suppressed };
}

function groupOf(p: Patient, by: string | undefined, now: number): string {
  if (by === 'ageBand') {
    const decade = Math.floor(ageOn(p.birthDate, now) / 10) * 10;
    return `${decade}-${decade + 9}`;
  }
  return p.conditions[0] ?? 'none';
}

export const vitalsShare: ShareProvider = {
  category: 'healthcare.vitals',
  sensitivity: 'health',
  description: 'latest NEWS2 score, SpO2 and pulse per patient, aggregated by condition or age band',
  async provide(ctx: PilotContext, req) {
    const records = await ctx.records();
    const samples: Sample[] = [];
    for (const p of await listPatients(ctx)) {
      if (req.obligations.requireConsent && !consentsTo(await readConsent(ctx, p.id), req.purpose)) continue;
      let latest: News2Record | undefined;
      try {
        latest = (await readLatestNews2(records, p.id)) ?? undefined;
      } catch (err) {
        if (!(err instanceof ErasedError)) throw err;
      }
      if (!latest) continue;
      samples.push({
        group: groupOf(p, req.params.groupBy, ctx.now()),
        news2: latest.total,
        high: latest.band === 'high',
        ...(typeof latest.set.spo2 === 'number' ? { spo2: latest.set.spo2 } : {}),
        ...(typeof latest.set.heartRate === 'number' ? { heartRate: latest.set.heartRate } : {}),
      });
    }
    const { rows, suppressed } = aggregateVitals(samples, req.obligations.minGroupSize);
    return { rows, subjects: rows.reduce((a, r) => a + r.subjects, 0), suppressed };
  },
};
