// NEWS2: Royal College of Physicians, National Early Warning Score (NEWS) 2 — Standardising the
// assessment of acute-illness severity in the NHS. Updated report of a working party, RCP 2017.
// Chart 1 ("The NEWS scoring system") gives the per-parameter scores, chart 3 the clinical risk
// bands and chart 4 the monitoring frequency and clinical response. Every threshold below cites
// its chart 1 row; the tests check both sides of every boundary.
//
// Resolution rule (ours, the chart is silent; patient safety first): the chart's rows are written
// at the resolution observations are charted at, whole numbers for respiration rate, SpO2,
// systolic pressure and pulse, one decimal for temperature. A value between two rows (respiration
// 20.4, SpO2 93.5, systolic 90.5, pulse 130.5, temperature 35.05) is scored with the MORE SEVERE
// of the two rows it lies between, never rounded: rounding half-up would score 35.05 °C as 35.1
// (1 point) although the chart's 35.0 row gives 3, and 8.5 breaths/min as 9 (1) instead of 8 (3).
// Over-scoring by one row is a safe error; under-scoring a deteriorating patient is not.
// docs/security.md "Patient safety" repeats the rule; the tests check it on every edge, both scales.
import { ACVPU, type Acvpu, type VitalReading } from './vitals.ts';

export const NEWS2_PARAMS = [
  'respiratoryRate',
  'spo2',
  'onOxygen',
  'systolic',
  'heartRate',
  'consciousness',
  'temperature',
] as const;
export type News2Param = (typeof NEWS2_PARAMS)[number];

export type SpO2Scale = 1 | 2;
export type Score = 0 | 1 | 2 | 3;
export type News2Band = 'low' | 'low-medium' | 'medium' | 'high';

/** The latest value of each NEWS2 parameter; any may be missing. */
export interface ObservationSet {
  respiratoryRate?: number;
  spo2?: number;
  onOxygen?: boolean;
  systolic?: number;
  heartRate?: number;
  consciousness?: Acvpu;
  temperature?: number;
  /** When each present value was observed (epoch ms), for provenance; not scored. */
  observedAt?: Partial<Record<News2Param, number>>;
}

export interface ScoreContext {
  /** SpO2 scale: 2 only for a prescribed 88–92 % target (hypercapnic respiratory failure). */
  scale: SpO2Scale;
  /** Needed by SpO2 scale 2 at 93 % and above; undefined when not known. */
  onOxygen?: boolean | undefined;
}

export interface News2Result {
  /** 0–20. For a partial set, the sum over the parameters present. */
  total: number;
  scores: Partial<Record<News2Param, Score>>;
  band: News2Band;
  /** Some parameter scored 3 (a "red score" on chart 1). */
  anySingleThree: boolean;
  partial: boolean;
  missing: News2Param[];
  scale: SpO2Scale;
  /** Minimum monitoring frequency (chart 4). */
  monitoring: string;
  /** Clinical response (chart 4), paraphrased for the dashboard. */
  response: string;
}

/** The two chart rows at `decimals` places that a value lies between (the same row twice when it
 *  lies on one), immune to binary artefacts such as 36.1 * 10 = 361.00000000000006. */
export function chartRows(value: number, decimals: number): [number, number] {
  const f = 10 ** decimals;
  const scaled = Number((value * f).toPrecision(12));
  return [Math.floor(scaled) / f, Math.ceil(scaled) / f];
}

/** The resolution rule above: the more severe of the two rows a value lies between. */
function severest(value: number, decimals: number, row: (charted: number) => Score): Score {
  const [below, above] = chartRows(value, decimals);
  const a = row(below);
  const b = row(above);
  return a >= b ? a : b;
}

function finite(param: News2Param, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`NEWS2 ${param} needs a finite number, got ${String(value)}`);
  }
  return value;
}

/** Chart 1, respiration rate (per minute): ≤8 → 3 · 9–11 → 1 · 12–20 → 0 · 21–24 → 2 · ≥25 → 3. */
function respiration(r: number): Score {
  if (r <= 8) return 3;
  if (r <= 11) return 1;
  if (r <= 20) return 0;
  if (r <= 24) return 2;
  return 3;
}

/** Chart 1, SpO2 scale 1 (%): ≤91 → 3 · 92–93 → 2 · 94–95 → 1 · ≥96 → 0. */
function spo2Scale1(s: number): Score {
  if (s <= 91) return 3;
  if (s <= 93) return 2;
  if (s <= 95) return 1;
  return 0;
}

/**
 * Chart 1, SpO2 scale 2 (%), for a prescribed 88–92 % target:
 * ≤83 → 3 · 84–85 → 2 · 86–87 → 1 · 88–92 or ≥93 on air → 0 ·
 * 93–94 on oxygen → 1 · 95–96 on oxygen → 2 · ≥97 on oxygen → 3.
 * At ≥93 with the oxygen status unknown, the on-air score (0) is used: a set missing `onOxygen` is
 * partial, and a partial total is the lowest score consistent with what was observed.
 */
function spo2Scale2(s: number, onOxygen: boolean | undefined): Score {
  if (s <= 83) return 3;
  if (s <= 85) return 2;
  if (s <= 87) return 1;
  if (s <= 92 || onOxygen !== true) return 0;
  if (s <= 94) return 1;
  if (s <= 96) return 2;
  return 3;
}

/** Chart 1, air or oxygen: oxygen → 2 · air → 0. */
function airOrOxygen(onOxygen: boolean): Score {
  return onOxygen ? 2 : 0;
}

/** Chart 1, systolic blood pressure (mmHg): ≤90 → 3 · 91–100 → 2 · 101–110 → 1 · 111–219 → 0 · ≥220 → 3. */
function systolic(s: number): Score {
  if (s <= 90) return 3;
  if (s <= 100) return 2;
  if (s <= 110) return 1;
  if (s <= 219) return 0;
  return 3;
}

/** Chart 1, pulse (per minute): ≤40 → 3 · 41–50 → 1 · 51–90 → 0 · 91–110 → 1 · 111–130 → 2 · ≥131 → 3. */
function pulse(p: number): Score {
  if (p <= 40) return 3;
  if (p <= 50) return 1;
  if (p <= 90) return 0;
  if (p <= 110) return 1;
  if (p <= 130) return 2;
  return 3;
}

/** Chart 1, consciousness: Alert → 0 · new Confusion, Voice, Pain, Unresponsive (CVPU) → 3. */
function consciousness(v: Acvpu): Score {
  return v === 'A' ? 0 : 3;
}

/** Chart 1, temperature (°C): ≤35.0 → 3 · 35.1–36.0 → 1 · 36.1–38.0 → 0 · 38.1–39.0 → 1 · ≥39.1 → 2. */
function temperature(t: number): Score {
  if (t <= 35.0) return 3;
  if (t <= 36.0) return 1;
  if (t <= 38.0) return 0;
  if (t <= 39.0) return 1;
  return 2;
}

/** Scores one parameter per chart 1, a value between two rows with the more severe one. Throws
 *  TypeError on a value of the wrong kind. */
export function scoreParameter(param: News2Param, value: number | boolean | Acvpu, ctx: ScoreContext): Score {
  switch (param) {
    case 'respiratoryRate':
      return severest(finite(param, value), 0, respiration);
    case 'spo2':
      return ctx.scale === 2
        ? severest(finite(param, value), 0, (s) => spo2Scale2(s, ctx.onOxygen))
        : severest(finite(param, value), 0, spo2Scale1);
    case 'onOxygen':
      if (typeof value !== 'boolean') throw new TypeError(`NEWS2 onOxygen needs a boolean, got ${String(value)}`);
      return airOrOxygen(value);
    case 'systolic':
      return severest(finite(param, value), 0, systolic);
    case 'heartRate':
      return severest(finite(param, value), 0, pulse);
    case 'consciousness':
      if (typeof value !== 'string' || !(ACVPU as readonly string[]).includes(value)) {
        throw new TypeError(`NEWS2 consciousness needs one of ACVPU, got ${String(value)}`);
      }
      return consciousness(value as Acvpu);
    case 'temperature':
      return severest(finite(param, value), 1, temperature);
  }
}

/** Chart 3: high ≥7 · medium 5–6 · low-medium for a single 3 with total ≤4 · low otherwise. */
export function bandFor(total: number, anySingleThree: boolean): News2Band {
  if (total >= 7) return 'high';
  if (total >= 5) return 'medium';
  if (anySingleThree) return 'low-medium';
  return 'low';
}

/** Chart 4: minimum monitoring frequency and clinical response per trigger threshold. */
export function clinicalResponse(total: number, anySingleThree: boolean): { monitoring: string; response: string } {
  if (total >= 7) {
    return {
      monitoring: 'continuous monitoring of vital signs',
      response:
        'Emergency response: registered nurse informs the medical team at once (specialist registrar level at least); ' +
        'emergency assessment by a team with critical-care competencies including advanced airway skills; ' +
        'consider transfer to level 2 or 3 care (HDU/ICU); care in an environment with monitoring facilities.',
    };
  }
  if (total >= 5) {
    return {
      monitoring: 'minimum 1-hourly',
      response:
        'Urgent response: registered nurse informs the medical team at once and requests urgent assessment by a ' +
        'clinician or team competent in acute illness; care in an environment with monitoring facilities.',
    };
  }
  if (anySingleThree) {
    return {
      monitoring: 'minimum 1-hourly',
      response:
        'Registered nurse informs the medical team caring for the patient, who review and decide whether care ' +
        'must be escalated.',
    };
  }
  if (total >= 1) {
    return {
      monitoring: 'minimum 4–6-hourly',
      response:
        'Registered nurse assesses the patient and decides whether monitoring must be more frequent or care escalated.',
    };
  }
  return { monitoring: 'minimum 12-hourly', response: 'Continue routine NEWS monitoring.' };
}

/**
 * Aggregate NEWS2 over an observation set. Missing parameters are never assumed normal in
 * silence: they are listed in `missing` and the result is `partial`; the total then covers only
 * what is present (the lowest score consistent with the observations).
 */
export function news2(set: ObservationSet, scale: SpO2Scale): News2Result {
  const scores: Partial<Record<News2Param, Score>> = {};
  const missing: News2Param[] = [];
  const ctx: ScoreContext = { scale, onOxygen: set.onOxygen };
  for (const param of NEWS2_PARAMS) {
    const value = set[param];
    if (value === undefined) {
      missing.push(param);
      continue;
    }
    scores[param] = scoreParameter(param, value, ctx);
  }
  const values = Object.values(scores);
  const total = values.reduce<number>((sum, s) => sum + s, 0);
  const anySingleThree = values.some((s) => s === 3);
  return {
    total,
    scores,
    band: bandFor(total, anySingleThree),
    anySingleThree,
    partial: missing.length > 0,
    missing,
    scale,
    ...clinicalResponse(total, anySingleThree),
  };
}

export interface WindowOptions {
  /** End of the window (epoch ms), inclusive. */
  at: number;
  /** Window length: readings with at - windowMs ≤ ts ≤ at count. */
  windowMs: number;
}

/**
 * Builds the observation set from the latest reading of each NEWS2 parameter inside the window
 * ending at `at`. Older and future readings are ignored; on equal timestamps the later reading in
 * the input wins. A missing `onOxygen` stays missing (it is not taken to mean air).
 */
export function observationSet(readings: readonly VitalReading[], { at, windowMs }: WindowOptions): ObservationSet {
  const from = at - windowMs;
  const latest = new Map<News2Param, VitalReading>();
  for (const r of readings) {
    if (!(NEWS2_PARAMS as readonly string[]).includes(r.param)) continue;
    if (!Number.isFinite(r.ts) || r.ts < from || r.ts > at) continue;
    const param = r.param as News2Param;
    const prev = latest.get(param);
    if (!prev || r.ts >= prev.ts) latest.set(param, r);
  }
  const set: ObservationSet = {};
  const observedAt: Partial<Record<News2Param, number>> = {};
  for (const [param, r] of latest) {
    (set as Record<string, unknown>)[param] = r.value;
    observedAt[param] = r.ts;
  }
  if (latest.size > 0) set.observedAt = observedAt;
  return set;
}
