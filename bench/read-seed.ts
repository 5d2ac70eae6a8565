// Synthetic history for `npm run bench:read`: N readings shared evenly by the patients' devices
// and the lamps, spread over the last `spanMs`, in time order across series as real ingest
// writes them. Payloads come from the simulators' models (simulators/healthcare/payloads.ts,
// simulators/lighting/physics.ts) with one seeded stream per series, so one seed gives the same
// store. Pure: no I/O, no clock (the caller passes `now`).
import { news2 } from '../pilots/healthcare/domain/news2.ts';
import type { DeviceKind } from '../pilots/healthcare/domain/vitals.ts';
import type { News2Record } from '../pilots/healthcare/model.ts';
import { storedReadingData } from '../platform/reading-data.ts';
import { deriveSeed, mulberry32, type Rng } from '../simulators/common/random.ts';
import { telemetryPayload, type HubState } from '../simulators/healthcare/payloads.ts';
import type { PatientVitals } from '../simulators/healthcare/physiology.ts';
import { lampPower } from '../simulators/lighting/physics.ts';

export const DAY_MS = 24 * 60 * 60_000;

/** One series to fill: a patient device (kind of the healthcare pilot, subject = patient id) or a lamp. */
export interface SeedSeries {
  tenantId: string;
  deviceId: string;
  kind: string;
  subject: string | null;
}

export interface SeedPlan {
  readings: number;
  from: number;
  to: number;
  /** Readings of each series (the first `extra` series get one more). */
  perSeries: number;
  extra: number;
  /** Time between two readings of one series. */
  intervalMs: number;
}

/** Stored form of one reading before sealing: what ingest hands the series service. */
export interface SeedReading {
  tenantId: string;
  series: string;
  id: string;
  ts: number;
  subject: string | null;
  data: Record<string, unknown>;
}

export function seedPlan(readings: number, seriesCount: number, now: number, spanMs = 30 * DAY_MS): SeedPlan {
  if (!Number.isInteger(readings) || readings < 1) throw new RangeError('readings must be a positive integer');
  if (!Number.isInteger(seriesCount) || seriesCount < 1) throw new RangeError('at least one series is needed');
  const perSeries = Math.floor(readings / seriesCount);
  const extra = readings - perSeries * seriesCount;
  const slots = perSeries + (extra > 0 ? 1 : 0);
  const intervalMs = Math.max(1, Math.floor(spanMs / slots));
  return { readings, from: now - intervalMs * slots, to: now, perSeries, extra, intervalMs };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A stable patient with small seeded wander around their baseline (NEWS2 mostly 0–2). */
function vitalsOf(rng: Rng): PatientVitals {
  const n = (centre: number, spread: number) => centre + (rng() - 0.5) * 2 * spread;
  return {
    heartRate: Math.round(n(74, 8)),
    respiratoryRate: Math.round(n(16, 2)),
    spo2: Math.round(Math.min(100, n(96, 2))),
    temperature: round(n(36.9, 0.4), 1),
    systolic: Math.round(n(128, 10)),
    diastolic: Math.round(n(78, 6)),
    weight: round(n(78, 0.5), 1),
    glucose: round(n(6.2, 1), 1),
    movement: round(rng(), 2),
    consciousness: 'A',
    onOxygen: false,
  };
}

const HUB: HubState = { battery: 97, connectivity: 'wifi', trend: 'steady', consciousness: 'A', onOxygen: false };
const LAMP_MODEL = { powerRating: 60, driverLoss: 4, standbyPower: 0.5, minDimLevel: 10, maxDriverTemperature: 85 };

/** Lamp switched on from 18:00 to 06:00 UTC, dimmed to half after midnight. */
function lampPayload(rng: Rng, ts: number, burningHours: number): Record<string, unknown> {
  const hour = new Date(ts).getUTCHours();
  const lit = hour >= 18 || hour < 6;
  const e = lampPower(LAMP_MODEL, lit ? 'on' : 'off', hour < 6 ? 50 : 100, rng);
  return { ts, ...e, burningHours: round(burningHours, 2) };
}

/**
 * Batches of readings in time order (slot by slot across every series), at most `batchSize`
 * each. Ids are deterministic (`seed-<series index>-<slot>`), unique per tenant.
 */
export function* seedBatches(plan: SeedPlan, series: readonly SeedSeries[], seed: number, batchSize: number): Generator<SeedReading[]> {
  const rngs = series.map((s) => mulberry32(deriveSeed(seed, s.deviceId)));
  const burning = series.map(() => 0);
  const slots = plan.perSeries + (plan.extra > 0 ? 1 : 0);
  let batch: SeedReading[] = [];
  for (let slot = 0; slot < slots; slot++) {
    const count = slot < plan.perSeries ? series.length : plan.extra;
    for (let i = 0; i < count; i++) {
      const s = series[i]!;
      const rng = rngs[i]!;
      // Devices do not report in lock-step: up to a tenth of an interval of jitter.
      const ts = plan.from + slot * plan.intervalMs + Math.floor(rng() * plan.intervalMs * 0.1);
      let payload: Record<string, unknown>;
      if (s.kind === 'lamp') {
        payload = lampPayload(rng, ts, burning[i]!);
        if (payload['powerState'] !== 'off') burning[i]! += plan.intervalMs / 3_600_000;
      } else {
        payload = { ...telemetryPayload(s.kind as DeviceKind, vitalsOf(rng), ts, HUB) };
      }
      batch.push({
        tenantId: s.tenantId,
        series: s.deviceId,
        id: `seed-${i}-${slot}`,
        ts,
        subject: s.subject,
        data: storedReadingData(payload, { kind: s.kind, receivedAt: ts }),
      });
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * The NEWS2 result the healthcare rules would store at a reading of a patient's home hub (they
 * store each changed result, and an unchanged one at most every minute), so the ward board reads
 * from a history as long as a monitored patient's. Values wander as `vitalsOf`; deterministic per
 * reading id.
 */
export function seedNews2(r: Pick<SeedReading, 'id' | 'ts' | 'subject'>, seed: number): News2Record | null {
  if (!r.subject) return null;
  const v = vitalsOf(mulberry32(deriveSeed(seed, r.id)));
  const set = {
    respiratoryRate: v.respiratoryRate,
    spo2: v.spo2,
    onOxygen: v.onOxygen,
    systolic: v.systolic,
    heartRate: v.heartRate,
    consciousness: v.consciousness,
    temperature: v.temperature,
  };
  const result = news2(set, 1);
  return {
    id: `news2-${r.id}`,
    patientId: r.subject,
    at: r.ts,
    computedAt: r.ts,
    total: result.total,
    band: result.band,
    partial: result.partial,
    missing: result.missing,
    scale: result.scale,
    scores: result.scores,
    anySingleThree: result.anySingleThree,
    set,
  };
}
