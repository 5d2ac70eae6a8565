// The hourly vitals of a patient (arithmetic: domain/vitals-rollup.ts): one sealed record per
// patient and UTC day (`hc.vitals-day`, under the patient's own key, so erasure crypto-shreds it)
// holding, per closed hour, each vital's count, minimum, maximum and mean. A 7-day chart opens
// about eight of them plus the raw readings of the open hour, instead of every reading.
//
// Built lazily on read, not at ingest: the first read of a closed hour computes it from the stored
// readings (which that read would have opened anyway) and keeps it; every later read opens the
// day record. So ingest pays nothing per reading (not even a second unseal for hours nobody looks
// at), no cursor and no catch-up after start are needed (a store from before the roll-up, the demo
// backfill or a restored backup is built on first look, per hour), and a chart never costs more
// than the raw read it replaces. Ingest only looks for late readings (before the closed edge, see
// `closedBefore`): the hours they fall in are recomputed from the stored readings if they were
// built. Builds and recomputes run in the patient's serial queue and read the store inside it, so
// a late reading committed while an hour was being built is counted by the recompute that follows.
import type { PilotContext } from '../../platform/pilot.ts';
import { byDay, closedBefore, dayFloor, dayKey, DAY_MS, HOUR_MS, hourStats, lateHours, missingHours, type HourVitals } from './domain/vitals-rollup.ts';
import { readingsFromTelemetry, type TelemetryPayload } from './domain/vitals.ts';
import { KINDS, type Patient } from './model.ts';
import { getPatient } from './patients.ts';
import type { HcReading } from './rules.ts';
import { patientKey, type Runtime } from './runtime.ts';
import { telemetryRows } from './stored.ts';

interface DayRecord {
  patientId: string;
  day: string;
  /** Hour of the day (0–23) → statistics; an hour absent is not built yet, `{}` had no reading. */
  hours: Record<string, HourVitals>;
}

const dayId = (patientId: string, day: number) => `${patientId}:${dayKey(day)}`;
const hourOfDay = (h: number) => String((h - dayFloor(h)) / HOUR_MS);

/** Parsed readings → one point per vital value, at the reading's time. */
export function vitalPoints(rows: readonly { ts: number; data: TelemetryPayload }[]): { ts: number; param: string; value: unknown }[] {
  const out: { ts: number; param: string; value: unknown }[] = [];
  for (const r of rows) for (const v of readingsFromTelemetry(r.data)) out.push({ ts: r.ts, param: v.param, value: v.value });
  return out;
}

export class VitalsRollup {
  constructor(
    private readonly ctx: PilotContext,
    private readonly rt: Runtime,
  ) {}

  /** Statistics of the whole closed hours [a, b) of the patient, building those not kept yet. */
  async hours(p: Patient, a: number, b: number): Promise<Map<number, HourVitals>> {
    const records = await this.ctx.records();
    const kept = new Map<number, HourVitals>();
    for (let d = dayFloor(a); d < b; d += DAY_MS) {
      const rec = await records.get<DayRecord>(KINDS.vitalsDay, dayId(p.id, d));
      if (!rec) continue;
      for (const [i, v] of Object.entries(rec.data.hours)) {
        const h = d + Number(i) * HOUR_MS;
        if (h >= a && h < b) kept.set(h, v);
      }
    }
    // One day per turn of the patient's queue: a first look at a month does not hold up the
    // patient's NEWS2 rules for the whole build.
    for (const day of byDay(missingHours(kept, a, b)).values()) for (const [h, v] of await this.build(p, day, 'missing')) kept.set(h, v);
    return kept;
  }

  /** Recomputes the kept hours late readings fall in (after their commit; on-time readings cost
   *  one comparison each). */
  async onReadings(readings: readonly HcReading[]): Promise<void> {
    const now = this.ctx.now();
    const edge = closedBefore(now);
    const late = new Map<string, number[]>();
    for (const r of readings) {
      if (r.ts >= edge || r.family !== 'telemetry' || !r.subject) continue;
      let list = late.get(r.subject);
      if (!list) late.set(r.subject, (list = []));
      list.push(r.ts);
    }
    for (const [patientId, ts] of late) {
      const p = await getPatient(this.ctx, patientId);
      if (p) await this.build(p, lateHours(ts, now), 'kept');
    }
  }

  /**
   * Retention deleted the tenant's readings before `cutoff`: the hours made from them go too.
   * Every day record that starts before the cutoff is deleted (the day holding the cutoff is built
   * again, on its next read, from the readings that remain), in each patient's serial queue so a
   * build in flight cannot put back what it computed from the deleted readings.
   */
  async onRetention(cutoff: number): Promise<void> {
    const records = await this.ctx.records();
    const byPatient = new Map<string, string[]>();
    for (const r of await records.find<DayRecord>(KINDS.vitalsDay)) {
      if (!(Date.parse(`${r.data.day}T00:00:00Z`) < cutoff)) continue;
      let ids = byPatient.get(r.data.patientId);
      if (!ids) byPatient.set(r.data.patientId, (ids = []));
      ids.push(r.id);
    }
    const tenantId = this.ctx.principal().tenantId!;
    for (const [patientId, ids] of byPatient) {
      await this.rt.serial(patientKey(tenantId, patientId), () => records.commit({ delete: ids.map((id) => ({ kind: KINDS.vitalsDay, id })) }));
    }
  }

  /**
   * Computes `hours` from the stored readings and keeps them, one commit for all their days: those
   * not kept yet (`missing`, a read), or those already kept (`kept`, a late reading's recompute:
   * an hour not built yet is built by the next read anyway). Answers the hours it computed or found.
   */
  private build(p: Patient, hours: readonly number[], which: 'missing' | 'kept'): Promise<Map<number, HourVitals>> {
    const key = patientKey(this.ctx.principal().tenantId!, p.id);
    return this.rt.serial(key, async () => {
      const out = new Map<number, HourVitals>();
      // A key about to be shredded must not seal anything new.
      if (this.rt.stopping || this.rt.erasing.has(key)) return out;
      const records = await this.ctx.records();
      const put: { kind: string; id: string; data: DayRecord; opts: { subject: string } }[] = [];
      for (const [day, list] of byDay(hours)) {
        const id = dayId(p.id, day);
        const kept = { ...((await records.get<DayRecord>(KINDS.vitalsDay, id))?.data.hours ?? {}) };
        // Another read may have built some of them while this one waited in the queue.
        const todo = list.filter((h) => (kept[hourOfDay(h)] === undefined) === (which === 'missing'));
        for (const h of list) if (!todo.includes(h) && kept[hourOfDay(h)]) out.set(h, kept[hourOfDay(h)]!);
        if (!todo.length) continue;
        const stats = hourStats(await this.raw(p, todo[0]!, todo.at(-1)! + HOUR_MS - 1));
        for (const h of todo) out.set(h, (kept[hourOfDay(h)] = stats.get(h) ?? {}));
        put.push({ kind: KINDS.vitalsDay, id, data: { patientId: p.id, day: dayKey(day), hours: kept }, opts: { subject: p.id } });
      }
      if (put.length) await records.commit({ put });
      return out;
    });
  }

  /** Every stored reading of the patient's devices in [from, to] (at most a day: no cap needed). */
  private async raw(p: Patient, from: number, to: number) {
    const out: { ts: number; param: string; value: unknown }[] = [];
    for (const deviceId of p.deviceIds) out.push(...vitalPoints(telemetryRows(await this.ctx.series.range(deviceId, { from, to }))));
    return out;
  }
}
