// Where NEWS2 results are stored: every result in the patient's history (`hc.news2`, one record per
// stored result), and the newest one again under the patient's id (`hc.news2-latest`), written in
// the same commit, so the ward board reads one record per patient by key instead of sorting the
// patient's whole history. Both are sealed under the patient's key (erased with the patient).
import type { PilotRecords } from '../../platform/pilot.ts';
import { KINDS, type News2Record } from './model.ts';

/** The puts that store one result: its history record and the patient's latest. */
export function news2Puts(rec: News2Record) {
  const opts = { subject: rec.patientId };
  return [
    { kind: KINDS.news2, id: rec.id, data: rec, opts },
    { kind: KINDS.news2Latest, id: rec.patientId, data: rec, opts },
  ];
}

/** The newest of several results of one patient each (by observation time, then computation). */
export function newestPerPatient(recs: readonly News2Record[]): News2Record[] {
  const out = new Map<string, News2Record>();
  for (const r of recs) {
    const cur = out.get(r.patientId);
    if (!cur || r.at > cur.at || (r.at === cur.at && r.computedAt >= cur.computedAt)) out.set(r.patientId, r);
  }
  return [...out.values()];
}

/** The patient's latest result: by key; a store from before the latest record falls back to the
 *  newest history record. */
export async function readLatestNews2(records: PilotRecords, patientId: string): Promise<News2Record | null> {
  const latest = await records.get<News2Record>(KINDS.news2Latest, patientId);
  if (latest) return latest.data;
  const rows = await records.find<News2Record>(KINDS.news2, { subject: patientId, newestFirst: true, limit: 1 });
  return rows[0]?.data ?? null;
}
