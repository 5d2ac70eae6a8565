// A seeded physiology model of one synthetic home-monitored patient, for the healthcare simulator.
// Each vital sign is a mean-reverting random walk (Ornstein–Uhlenbeck, exact discretisation, so
// any step length is valid) around a per-condition baseline, plus a circadian term (pulse,
// temperature and blood pressure lower at night), plus the offsets of an injected scenario.
// All randomness comes from one mulberry32 generator seeded from `seed`: the same seed and the
// same calls give the same series.
import type { Acvpu } from '../../pilots/healthcare/domain/vitals.ts';
import { hashSeed, mulberry32 } from '../common/random.ts';

export { hashSeed, mulberry32 };

export type Condition = 'copd' | 'heart-failure' | 'diabetes' | 'hypertension' | 'healthy';
export const CONDITIONS: readonly Condition[] = ['copd', 'heart-failure', 'diabetes', 'hypertension', 'healthy'];

export interface PatientVitals {
  heartRate: number;
  respiratoryRate: number;
  spo2: number;
  temperature: number;
  systolic: number;
  diastolic: number;
  weight: number;
  glucose: number;
  /** Activity 0..1, as a wearable reports it. */
  movement: number;
  consciousness: Acvpu;
  onOxygen: boolean;
}

type Channel = 'heartRate' | 'respiratoryRate' | 'spo2' | 'temperature' | 'systolic' | 'diastolic' | 'weight' | 'glucose';
const CHANNELS: readonly Channel[] = [
  'heartRate',
  'respiratoryRate',
  'spo2',
  'temperature',
  'systolic',
  'diastolic',
  'weight',
  'glucose',
];
type Offsets = Record<Channel, number>;
const ZERO: Offsets = { heartRate: 0, respiratoryRate: 0, spo2: 0, temperature: 0, systolic: 0, diastolic: 0, weight: 0, glucose: 0 };

// ---- deterministic randomness ----------------------------------------------------------------

function normalSource(uniform: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    // Box–Muller; 1 - u keeps the logarithm's argument in (0, 1].
    const u = 1 - uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

// ---- per-condition physiology ----------------------------------------------------------------

interface ChannelSpec {
  mean: number;
  /** Stationary standard deviation of the random walk. */
  sd: number;
  /** Mean-reversion time constant, hours. */
  tauH: number;
  /** The stable patient's band: baseline + walk + circadian term is held inside it. */
  band: [number, number];
  /** Circadian amplitude (peak − mean) and hour of the peak; the trough is 12 h later. */
  circadian?: { amp: number; peakHour: number };
}
type Profile = Record<Channel, ChannelSpec>;

const HEALTHY: Profile = {
  heartRate: { mean: 68, sd: 4, tauH: 0.5, band: [50, 95], circadian: { amp: 6, peakHour: 16 } },
  respiratoryRate: { mean: 14, sd: 1.2, tauH: 0.5, band: [12, 19], circadian: { amp: 0.8, peakHour: 16 } },
  spo2: { mean: 97.5, sd: 0.7, tauH: 0.3, band: [95, 100] },
  temperature: { mean: 36.7, sd: 0.12, tauH: 2, band: [36.1, 37.4], circadian: { amp: 0.3, peakHour: 17 } },
  systolic: { mean: 118, sd: 5, tauH: 1, band: [102, 140], circadian: { amp: 7, peakHour: 14 } },
  diastolic: { mean: 76, sd: 4, tauH: 1, band: [60, 90], circadian: { amp: 4, peakHour: 14 } },
  weight: { mean: 72, sd: 0.3, tauH: 24, band: [60, 90] },
  glucose: { mean: 92, sd: 6, tauH: 1, band: [70, 140] },
};

const PROFILES: Record<Condition, Profile> = {
  healthy: HEALTHY,
  // Chronic hypoxaemia with a prescribed 88–92 % target: NEWS2 SpO2 scale 2 applies.
  copd: {
    ...HEALTHY,
    heartRate: { ...HEALTHY.heartRate, mean: 82, band: [62, 100] },
    respiratoryRate: { ...HEALTHY.respiratoryRate, mean: 18, band: [14, 20] },
    spo2: { mean: 90, sd: 0.9, tauH: 0.3, band: [88, 92] },
    systolic: { ...HEALTHY.systolic, mean: 128, band: [110, 150] },
    weight: { ...HEALTHY.weight, mean: 68 },
  },
  'heart-failure': {
    ...HEALTHY,
    heartRate: { ...HEALTHY.heartRate, mean: 76, sd: 3, band: [58, 95] },
    respiratoryRate: { ...HEALTHY.respiratoryRate, mean: 16, band: [12, 20] },
    spo2: { ...HEALTHY.spo2, mean: 96, band: [94, 99] },
    systolic: { ...HEALTHY.systolic, mean: 116, band: [104, 135] },
    diastolic: { ...HEALTHY.diastolic, mean: 72 },
    weight: { ...HEALTHY.weight, mean: 84, band: [70, 100] },
  },
  diabetes: {
    ...HEALTHY,
    heartRate: { ...HEALTHY.heartRate, mean: 74 },
    systolic: { ...HEALTHY.systolic, mean: 126, band: [108, 150] },
    weight: { ...HEALTHY.weight, mean: 88, band: [70, 110] },
    glucose: { mean: 135, sd: 15, tauH: 1.5, band: [80, 260] },
  },
  hypertension: {
    ...HEALTHY,
    heartRate: { ...HEALTHY.heartRate, mean: 72 },
    systolic: { mean: 150, sd: 7, tauH: 1, band: [130, 175], circadian: { amp: 9, peakHour: 14 } },
    diastolic: { mean: 92, sd: 5, tauH: 1, band: [78, 105], circadian: { amp: 5, peakHour: 14 } },
    weight: { ...HEALTHY.weight, mean: 84, band: [65, 105] },
  },
};

/** Physiological limits every output stays inside, even mid-scenario. */
const LIMITS: Record<Channel, [number, number]> = {
  heartRate: [30, 220],
  respiratoryRate: [5, 50],
  spo2: [60, 100],
  temperature: [33, 42],
  systolic: [60, 240],
  diastolic: [30, 140],
  weight: [30, 250],
  glucose: [40, 500],
};

const DECIMALS: Record<Channel, number> = {
  heartRate: 0,
  respiratoryRate: 0,
  spo2: 0,
  temperature: 1,
  systolic: 0,
  diastolic: 0,
  weight: 1,
  glucose: 0,
};

/**
 * Where a deterioration ends (offsets from the stable state): tachypnoea, desaturation,
 * tachycardia, hypotension and fever. Sized so NEWS2 reaches ≥ 7 even when every stable value
 * sits at the favourable edge of its band (healthy worst case: RR 26 → 3, SpO2 90 → 3,
 * pulse 100 → 1, systolic 100 → 2, 38.1 °C → 1, total 10; typically 12 or more).
 * A heart-failure decompensation also brings fluid retention: about 2.5 kg, gained early.
 */
function deteriorationOffsets(condition: Condition): Offsets {
  return {
    heartRate: 50,
    respiratoryRate: 14,
    spo2: -10,
    temperature: 2,
    systolic: -40,
    diastolic: -20,
    weight: condition === 'heart-failure' ? 2.5 : 0,
    glucose: condition === 'diabetes' ? 40 : 0,
  };
}

const MEALS_H = [7.5, 12.5, 19];
const HOUR_MS = 3_600_000;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

// ---- the model -------------------------------------------------------------------------------

export type ScenarioName = 'deterioration' | 'recover' | 'implausible';
export type ScenarioPhase = 'stable' | 'deteriorating' | 'deteriorated' | 'recovering';

export interface PatientModelOptions {
  seed: string | number;
  condition: Condition;
  /** Simulation start (epoch ms). */
  now: number;
  /** Offset of the patient's local time from UTC, minutes (circadian rhythm and meals). */
  utcOffsetMinutes?: number;
}

export interface PatientModel {
  readonly condition: Condition;
  /** NEWS2 SpO2 scale prescribed for this patient. */
  readonly scale: 1 | 2;
  readonly phase: ScenarioPhase;
  /** Advances the model by dtMs to time `at` and returns the vitals then. */
  step(dtMs: number, at: number): PatientVitals;
  /** Deterioration ramps over `overMs` (from `at`, default the last step time). */
  inject(name: 'deterioration', opts: { overMs: number; at?: number }): void;
  /** Returns to the stable state over `overMs` (default one hour). */
  inject(name: 'recover', opts?: { overMs?: number; at?: number }): void;
  /** The next reading carries one physiologically implausible value, once. */
  inject(name: 'implausible'): void;
  /** A ramp under way runs `factor` times faster from `at` on, keeping the progress it made. */
  rescale(factor: number, at: number): void;
}

interface Ramp {
  kind: 'deterioration' | 'recover';
  start: number;
  overMs: number;
  from: Offsets;
  to: Offsets;
}

export function createPatientModel(options: PatientModelOptions): PatientModel {
  const { condition, now } = options;
  const profile = PROFILES[condition];
  if (!profile) throw new RangeError(`unknown condition: ${String(condition)}`);
  const uniform = mulberry32(hashSeed(`${options.seed}`));
  const normal = normalSource(uniform);
  const utcOffsetMs = (options.utcOffsetMinutes ?? 0) * 60_000;

  // Personal variation around the condition's baseline (SpO2 stays on the condition's target).
  const personal: Offsets = {
    ...ZERO,
    heartRate: (uniform() - 0.5) * 8,
    systolic: (uniform() - 0.5) * 10,
    weight: (uniform() - 0.5) * 16,
  };
  // Random walks start from their stationary distribution.
  const walk = {} as Offsets;
  for (const ch of CHANNELS) walk[ch] = normal() * profile[ch].sd;
  let movementWalk = 0;

  let lastAt = now;
  let ramp: Ramp | null = null;
  let implausibleNext = false;

  function progress(r: Ramp, at: number): number {
    return r.overMs <= 0 ? 1 : clamp((at - r.start) / r.overMs, 0, 1);
  }

  function offsetsAt(at: number): Offsets {
    if (!ramp) return ZERO;
    const p = progress(ramp, at);
    const out = {} as Offsets;
    const hf = ramp.kind === 'deterioration' && condition === 'heart-failure';
    for (const ch of CHANNELS) {
      // Fluid gain comes before a heart-failure decompensation: weight follows √p (early) while
      // the other signs follow p² (late); other conditions drift linearly.
      const q = hf ? (ch === 'weight' ? Math.sqrt(p) : p * p) : p;
      out[ch] = ramp.from[ch] + (ramp.to[ch] - ramp.from[ch]) * q;
    }
    return out;
  }

  function hourOfDay(at: number): number {
    const h = (((at + utcOffsetMs) % (24 * HOUR_MS)) + 24 * HOUR_MS) % (24 * HOUR_MS);
    return h / HOUR_MS;
  }

  function circadian(spec: ChannelSpec, hour: number): number {
    if (!spec.circadian) return 0;
    return spec.circadian.amp * Math.cos((2 * Math.PI * (hour - spec.circadian.peakHour)) / 24);
  }

  function meals(hour: number): number {
    const amp = condition === 'diabetes' ? 70 : 25;
    let sum = 0;
    for (const m of MEALS_H) {
      const d = (hour - m + 24) % 24; // hours since the meal
      if (d < 4) sum += amp * (d / 0.75) * Math.exp(1 - d / 0.75); // peaks 45 min after eating
    }
    return sum;
  }

  function step(dtMs: number, at: number): PatientVitals {
    if (!Number.isFinite(dtMs) || dtMs < 0) throw new RangeError('dtMs must be a non-negative number');
    const dtH = dtMs / HOUR_MS;
    for (const ch of CHANNELS) {
      const { sd, tauH } = profile[ch];
      const a = Math.exp(-dtH / tauH);
      walk[ch] = walk[ch] * a + sd * Math.sqrt(1 - a * a) * normal();
    }
    const am = Math.exp(-dtH / 0.25);
    movementWalk = movementWalk * am + 0.12 * Math.sqrt(1 - am * am) * normal();
    lastAt = at;

    const hour = hourOfDay(at);
    const offsets = offsetsAt(at);
    const values = {} as Offsets;
    for (const ch of CHANNELS) {
      const spec = profile[ch];
      let stable = spec.mean + personal[ch] + walk[ch] + circadian(spec, hour);
      if (ch === 'glucose') stable += meals(hour);
      const [lo, hi] = spec.band;
      const v = clamp(clamp(stable, lo, hi) + offsets[ch], LIMITS[ch][0], LIMITS[ch][1]);
      values[ch] = round(v, DECIMALS[ch]);
    }
    // A cuff never reports a diastolic at or above the systolic unless it failed.
    values.diastolic = Math.min(values.diastolic, values.systolic - 15);

    const awake = hour >= 7 && hour < 22.5;
    const ill = ramp?.kind === 'deterioration' ? 1 - 0.7 * progress(ramp, at) : 1;
    const movement = round(clamp(((awake ? 0.3 : 0.04) + movementWalk) * ill, 0, 1), 2);

    const vitals: PatientVitals = { ...values, movement, consciousness: 'A', onOxygen: false };
    if (implausibleNext) {
      implausibleNext = false;
      corrupt(vitals);
    }
    if (ramp?.kind === 'recover' && progress(ramp, at) >= 1) ramp = null;
    return vitals;
  }

  // Typical sensor failures: probe off, thermometer in room air, a cuff artefact, an empty scale.
  function corrupt(v: PatientVitals): void {
    const faults: ((x: PatientVitals) => void)[] = [
      (x) => void (x.heartRate = 0),
      (x) => void (x.spo2 = 35),
      (x) => void (x.temperature = 24.5),
      (x) => void (x.systolic = 300),
      (x) => void (x.weight = 3.2),
    ];
    faults[Math.floor(uniform() * faults.length)]!(v);
  }

  function inject(name: ScenarioName, opts: { overMs?: number; at?: number } = {}): void {
    const at = opts.at ?? lastAt;
    switch (name) {
      case 'deterioration': {
        const overMs = opts.overMs;
        if (overMs === undefined || !Number.isFinite(overMs) || overMs < 0) {
          throw new RangeError('deterioration needs overMs ≥ 0');
        }
        ramp = { kind: 'deterioration', start: at, overMs, from: offsetsAt(at), to: deteriorationOffsets(condition) };
        return;
      }
      case 'recover':
        ramp = { kind: 'recover', start: at, overMs: opts.overMs ?? HOUR_MS, from: offsetsAt(at), to: ZERO };
        return;
      case 'implausible':
        implausibleNext = true;
        return;
    }
  }

  return {
    condition,
    scale: condition === 'copd' ? 2 : 1,
    get phase(): ScenarioPhase {
      if (!ramp) return 'stable';
      if (ramp.kind === 'recover') return 'recovering';
      return progress(ramp, lastAt) >= 1 ? 'deteriorated' : 'deteriorating';
    },
    step,
    inject: inject as PatientModel['inject'],
    rescale(factor, at) {
      if (!ramp || !(factor > 0)) return;
      const overMs = ramp.overMs / factor;
      ramp = { ...ramp, overMs, start: at - progress(ramp, at) * overMs };
    },
  };
}
