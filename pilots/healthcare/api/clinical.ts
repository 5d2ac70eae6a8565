// A patient's clinical history: vitals per parameter, NEWS2 results, and alarms.
import type { RequestHandler } from 'express';
import { params, query } from '../../../platform/api/validate.ts';
import { badRequest, conflict, notFound } from '../../../platform/errors.ts';
import type { PilotContext } from '../../../platform/pilot.ts';
import { auditPatient, patientTarget } from '../audit.ts';
import { KINDS, MAX_BUCKETS, patientIdParam, rangeQuery, resolveParams, vitalsQuery, type News2Record, type Patient } from '../model.ts';
import { requirePatient } from '../patients.ts';
import type { Runtime } from '../runtime.ts';
import { telemetryRows } from '../stored.ts';
import { bucketSeries, seriesByParam } from '../summary.ts';
import type { TelemetryPayload } from '../domain/vitals.ts';
import { hourSeries, hourStats, resolutionFor, splitRange, type HourVitals } from '../domain/vitals-rollup.ts';
import { vitalPoints, VitalsRollup } from '../vitals-rollup.ts';

const DAY_MS = 24 * 60 * 60_000;
/** A bucketed answer reads more raw points per device (a week of a reading a minute is 10 080),
 *  since it sends only the means. */
const BUCKETED_READ_FACTOR = 10;

export function resolveRange(q: { from?: number; to?: number }, now: number, defaultMs: number): { from: number; to: number } {
  const to = q.to ?? now;
  const from = q.from ?? to - defaultMs;
  if (from > to) throw badRequest('from must not be after to');
  return { from, to };
}

/** Telemetry of all the patient's devices in a range, parsed by their kinds' schemas; the newest
 *  points when over the cap. */
export async function patientReadings(ctx: PilotContext, p: Patient, range: { from: number; to: number }, maxPerDevice: number) {
  const out: { deviceId: string; ts: number; data: TelemetryPayload }[] = [];
  for (const deviceId of p.deviceIds) {
    const rows = await ctx.series.range(deviceId, { ...range, desc: true, limit: maxPerDevice });
    for (const r of telemetryRows(rows.reverse())) out.push({ deviceId, ts: r.ts, data: r.data });
  }
  return out;
}

export async function news2InRange(ctx: PilotContext, patientId: string, range: { from: number; to: number }): Promise<News2Record[]> {
  const rows = await (await ctx.records()).find<News2Record>(KINDS.news2, { subject: patientId, newestFirst: true, limit: 5000 });
  // Oldest stored first, then a stable sort by observation time: results of one set keep their order.
  return rows
    .reverse()
    .map((r) => r.data)
    .filter((n) => n.at >= range.from && n.at <= range.to)
    .sort((a, b) => a.at - b.at);
}

/** Alarm types a clinician may close by hand: events and device problems. NEWS2 alarms are
 *  cleared by the rules only (hysteresis), or they would disagree with the stored alarm state. */
export const RESOLVABLE_TYPES = new Set(['fall', 'button', 'device-fault', 'battery-low', 'implausible-value', 'device-offline']);

export function clinicalHandlers(ctx: PilotContext, rt: Runtime) {
  const o = rt.options;

  const rollup = new VitalsRollup(ctx, rt);

  /** Per hour: whole closed hours from the roll-up, the partial and open ones from the readings. */
  const hourly = async (patient: Patient, range: { from: number; to: number }, param: string | undefined) => {
    const split = splitRange(range.from, range.to, ctx.now());
    const hours = new Map<number, HourVitals>(split.rolled ? await rollup.hours(patient, ...split.rolled) : []);
    let points = 0;
    for (const [from, to] of split.raw) {
      const rows = await patientReadings(ctx, patient, { from, to }, o.maxPointsPerDevice * BUCKETED_READ_FACTOR);
      points += rows.length;
      // The raw parts never share an hour with the rolled ones, nor with each other (splitRange).
      for (const [h, v] of hourStats(vitalPoints(rows))) hours.set(h, v);
    }
    return { series: hourSeries(hours, param), points, hours: hours.size };
  };

  const vitals: RequestHandler = async (req, res) => {
    const { id } = params(req, patientIdParam);
    const q = query(req, vitalsQuery);
    const patient = await requirePatient(ctx, id);
    const range = resolveRange(q, ctx.now(), DAY_MS);
    if (resolutionFor(q.resolution, range.from, range.to) === 'hour') {
      if (q.bucket) throw badRequest('bucket goes with raw readings only: leave it out of an hourly answer');
      const h = await hourly(patient, range, q.param);
      await auditPatient(ctx, 'vitals.read', patientTarget(id), { ...range, param: q.param ?? 'all', points: h.points, hours: h.hours });
      res.json({ patientId: id, ...range, resolution: 'hour', series: h.series });
      return;
    }
    if (q.bucket && (range.to - range.from) / q.bucket > MAX_BUCKETS) throw badRequest(`at most ${MAX_BUCKETS} buckets per answer: choose a larger bucket or a shorter range`);
    const rows = await patientReadings(ctx, patient, range, q.bucket ? o.maxPointsPerDevice * BUCKETED_READ_FACTOR : o.maxPointsPerDevice);
    const raw = seriesByParam(rows, q.param);
    const series = q.bucket ? bucketSeries(raw, q.bucket) : raw;
    await auditPatient(ctx, 'vitals.read', patientTarget(id), { ...range, param: q.param ?? 'all', points: rows.length });
    res.json({ patientId: id, ...range, ...(q.bucket ? { bucket: q.bucket } : {}), series });
  };

  const news2: RequestHandler = async (req, res) => {
    const { id } = params(req, patientIdParam);
    const q = query(req, rangeQuery);
    await requirePatient(ctx, id);
    const range = resolveRange(q, ctx.now(), DAY_MS);
    const items = await news2InRange(ctx, id, range);
    await auditPatient(ctx, 'news2.read', patientTarget(id), { ...range, results: items.length });
    res.json({ patientId: id, ...range, items });
  };

  const alarms: RequestHandler = async (req, res) => {
    const { id } = params(req, patientIdParam);
    await requirePatient(ctx, id);
    res.json({ items: await ctx.alarms.list({ subject: id, limit: 500 }) });
  };

  const resolve: RequestHandler = async (req, res) => {
    const { id, alarmId } = params(req, resolveParams);
    await requirePatient(ctx, id);
    const alarm = await ctx.alarms.get(alarmId);
    if (!alarm || alarm.subject !== id) throw notFound(`no alarm ${alarmId} for this patient`);
    if (!RESOLVABLE_TYPES.has(alarm.type)) throw conflict(`${alarm.type} alarms clear by themselves when the patient's scores improve`);
    if (alarm.state !== 'active-acknowledged') throw conflict(`alarm is ${alarm.state}; acknowledge it first`);
    const cleared = await ctx.alarms.clear(alarm.source, alarm.type);
    rt.known.set(`${ctx.principal().tenantId}|${alarm.source}|${alarm.type}`, false);
    res.json(cleared);
  };

  return { vitals, news2, alarms, resolve };
}
