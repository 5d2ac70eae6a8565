// Failure detection: pure functions over the recent readings of one lamp or cabinet, each returning a
// finding or null.
//
// Timing requirement: a fault must be reported within two reporting intervals of its onset. The
// power and temperature checks need `consecutive` (default 2) faulty readings in a row, so a single
// glitch or a reading taken while a new level is being applied raises nothing, and the second
// faulty reading, at most two intervals after the onset, raises the finding. Comms loss counts the
// onset from the first report that did not arrive (see commsLoss). Mains loss and door state are
// reported by the cabinet itself and raise at once.
import { isDaylight, SUNRISE_ALTITUDE } from './astro.ts';
import type { CabinetTelemetry, LampModel, LampStatus, LampTelemetry, LightingEvent } from './model.ts';
import { expectedPower } from './power.ts';

export type FindingType =
  | 'lampFailure'
  | 'overpower'
  | 'driverFault'
  | 'dayBurner'
  | 'commsLoss'
  | 'cabinetMainsLoss'
  | 'doorOpen';
export type Severity = 'minor' | 'major' | 'critical';

export interface Finding {
  type: FindingType;
  severity: Severity;
  /** Id of the lamp or cabinet. */
  source: string;
  sourceKind: 'lamp' | 'cabinet';
  /** Epoch ms of the reading, event or evaluation that raised it. */
  at: number;
  detail: string;
  data?: Record<string, number | string | boolean>;
}

/** A level, or the level in force at each reading's time (schedule plus overrides). */
export type LevelSource = number | ((ts: number) => number);
const levelAtTs = (l: LevelSource, ts: number) => (typeof l === 'number' ? l : l(ts));

export interface ConsecutiveOptions {
  /** Faulty readings in a row needed to raise; 2 meets "within two intervals" and rides out glitches. */
  consecutive?: number;
}

type PowerModel = Pick<LampModel, 'powerRating' | 'driverLoss' | 'standbyPower' | 'minDimLevel'>;

/** The last `n` readings when all of them satisfy `test`, else null. */
function lastRun<T>(readings: readonly T[], n: number, test: (r: T) => boolean): T[] | null {
  if (n < 1 || readings.length < n) return null;
  const tail = readings.slice(-n);
  return tail.every(test) ? tail : null;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
/** A node reporting on or dimmed (bootingUp is a transient: its power is not judged). */
const reportsLit = (r: LampTelemetry) => r.powerState === 'on' || r.powerState === 'low';

/**
 * Lamp failure: the node reports the lamp lit, the level in force is above 0, but the active power is
 * below `lowRatio` (default 50 %) of what the model draws at the reported dim level. A dead LED
 * string behind a live driver shows exactly this: a few watts instead of tens.
 */
export function lampFailure(
  lampId: string,
  readings: readonly LampTelemetry[],
  model: PowerModel,
  commandedLevel: LevelSource,
  opts: ConsecutiveOptions & { lowRatio?: number } = {},
): Finding | null {
  const { consecutive = 2, lowRatio = 0.5 } = opts;
  const run = lastRun(readings, consecutive, (r) => {
    const level = levelAtTs(commandedLevel, r.ts);
    if (!reportsLit(r) || level <= 0) return false;
    return r.activePower < lowRatio * expectedPower(model, r.dimLevel > 0 ? r.dimLevel : level);
  });
  if (!run) return null;
  const last = run[run.length - 1]!;
  const expected = expectedPower(model, last.dimLevel > 0 ? last.dimLevel : levelAtTs(commandedLevel, last.ts));
  return {
    type: 'lampFailure',
    severity: 'major',
    source: lampId,
    sourceKind: 'lamp',
    at: last.ts,
    detail: `lit at ${last.dimLevel} % but drawing ${round1(last.activePower)} W of an expected ${round1(expected)} W`,
    data: { activePower: last.activePower, expectedPower: expected, dimLevel: last.dimLevel },
  };
}

/** Overpower: a lit lamp draws more than `highRatio` (default 120 %) of the model's power at its level. */
export function overpower(
  lampId: string,
  readings: readonly LampTelemetry[],
  model: PowerModel,
  opts: ConsecutiveOptions & { highRatio?: number } = {},
): Finding | null {
  const { consecutive = 2, highRatio = 1.2 } = opts;
  const run = lastRun(
    readings,
    consecutive,
    (r) => reportsLit(r) && r.dimLevel > 0 && r.activePower > highRatio * expectedPower(model, r.dimLevel),
  );
  if (!run) return null;
  const last = run[run.length - 1]!;
  const expected = expectedPower(model, last.dimLevel);
  return {
    type: 'overpower',
    severity: 'major',
    source: lampId,
    sourceKind: 'lamp',
    at: last.ts,
    detail: `drawing ${round1(last.activePower)} W at ${last.dimLevel} %, expected ${round1(expected)} W`,
    data: { activePower: last.activePower, expectedPower: expected, dimLevel: last.dimLevel },
  };
}

/**
 * Driver fault: the lamp reported a `fault` event, or its driver is hotter than the model's limit
 * (datasheet case temperature) on `consecutive` readings.
 */
export function driverFault(
  lampId: string,
  readings: readonly LampTelemetry[],
  model: Pick<LampModel, 'maxDriverTemperature'>,
  events: readonly LightingEvent[] = [],
  opts: ConsecutiveOptions = {},
): Finding | null {
  const fault = events.filter((e) => e.type === 'fault').sort((a, b) => b.ts - a.ts)[0];
  if (fault) {
    return {
      type: 'driverFault',
      severity: 'major',
      source: lampId,
      sourceKind: 'lamp',
      at: fault.ts,
      detail: `lamp reported a fault${fault.detail ? `: ${fault.detail}` : ''}`,
    };
  }
  const { consecutive = 2 } = opts;
  const run = lastRun(readings, consecutive, (r) => r.driverTemperature > model.maxDriverTemperature);
  if (!run) return null;
  const last = run[run.length - 1]!;
  return {
    type: 'driverFault',
    severity: 'major',
    source: lampId,
    sourceKind: 'lamp',
    at: last.ts,
    detail: `driver at ${round1(last.driverTemperature)} °C, above its ${model.maxDriverTemperature} °C limit`,
    data: { driverTemperature: last.driverTemperature, limit: model.maxDriverTemperature },
  };
}

/** Whether a reading shows the lamp burning: the node says so, or it draws clearly above standby. */
export function isBurning(r: LampTelemetry, model: PowerModel): boolean {
  if (r.powerState !== 'off') return true;
  const lowest = expectedPower(model, model.minDimLevel || 1);
  return r.activePower > model.standbyPower + 0.5 * (lowest - model.standbyPower);
}

/**
 * Day burner: the lamp burns in daylight while the level in force is 0 (a stuck relay or a node that
 * lost its schedule). Daylight is the sun above `daylightThreshold` (default: the sunrise altitude).
 */
export function dayBurner(
  lampId: string,
  readings: readonly LampTelemetry[],
  site: { latitude: number; longitude: number },
  model: PowerModel,
  scheduledLevel: LevelSource,
  opts: ConsecutiveOptions & { daylightThreshold?: number } = {},
): Finding | null {
  const { consecutive = 2, daylightThreshold = SUNRISE_ALTITUDE } = opts;
  const run = lastRun(
    readings,
    consecutive,
    (r) =>
      isBurning(r, model) &&
      levelAtTs(scheduledLevel, r.ts) === 0 &&
      isDaylight(r.ts, site.latitude, site.longitude, daylightThreshold),
  );
  if (!run) return null;
  const last = run[run.length - 1]!;
  return {
    type: 'dayBurner',
    severity: 'minor',
    source: lampId,
    sourceKind: 'lamp',
    at: last.ts,
    detail: `burning in daylight (${round1(last.activePower)} W) while scheduled off`,
    data: { activePower: last.activePower },
  };
}

/**
 * Comms loss: no report for `missedIntervals` (default 3) reporting intervals. The onset is the first
 * report that did not arrive (lastSeen + interval), so with the default the finding is raised two
 * intervals after the onset, and a single late or lost message never raises it.
 */
export function commsLoss(
  device: { id: string; kind: 'lamp' | 'cabinet' },
  lastSeen: number,
  now: number,
  intervalMs: number,
  missedIntervals = 3,
): Finding | null {
  const silentMs = now - lastSeen;
  if (silentMs < missedIntervals * intervalMs) return null;
  return {
    type: 'commsLoss',
    severity: device.kind === 'cabinet' ? 'major' : 'minor',
    source: device.id,
    sourceKind: device.kind,
    at: now,
    detail: `no report for ${Math.round(silentMs / 1000)} s (${Math.floor(silentMs / intervalMs)} intervals)`,
    data: { lastSeen, silentMs },
  };
}

/** Latest value of a cabinet state from its readings and its events, whichever is newer. */
function latestState(
  readings: readonly CabinetTelemetry[],
  events: readonly LightingEvent[],
  fromReading: (r: CabinetTelemetry) => boolean,
  fromEvent: Partial<Record<LightingEvent['type'], boolean>>,
): { value: boolean; ts: number } | null {
  let best: { value: boolean; ts: number } | null = null;
  for (const r of readings) if (!best || r.ts >= best.ts) best = { value: fromReading(r), ts: r.ts };
  for (const e of events) {
    const v = fromEvent[e.type];
    if (v !== undefined && (!best || e.ts >= best.ts)) best = { value: v, ts: e.ts };
  }
  return best;
}

/** Mains loss at a cabinet: every lamp it feeds is dark and silent. */
export function cabinetMainsLoss(
  cabinetId: string,
  readings: readonly CabinetTelemetry[],
  events: readonly LightingEvent[] = [],
): Finding | null {
  const s = latestState(readings, events, (r) => !r.mainsPresent, { 'mains-lost': true, 'mains-restored': false });
  if (!s?.value) return null;
  return {
    type: 'cabinetMainsLoss',
    severity: 'critical',
    source: cabinetId,
    sourceKind: 'cabinet',
    at: s.ts,
    detail: 'mains supply lost at the cabinet; its lamps are unpowered',
  };
}

/** Cabinet door open: live parts exposed, possible intrusion or maintenance not announced. */
export function doorOpen(
  cabinetId: string,
  readings: readonly CabinetTelemetry[],
  events: readonly LightingEvent[] = [],
): Finding | null {
  const s = latestState(readings, events, (r) => r.doorOpen, { 'door-open': true, 'door-closed': false });
  if (!s?.value) return null;
  return {
    type: 'doorOpen',
    severity: 'major',
    source: cabinetId,
    sourceKind: 'cabinet',
    at: s.ts,
    detail: 'cabinet door open',
  };
}

/**
 * One alarm instead of a flood: drops the comms-loss findings of lamps fed by a cabinet that has a
 * mains-loss finding in the same set, and counts them on that cabinet's finding.
 */
export function suppressLampCommsLoss(
  findings: readonly Finding[],
  lamps: readonly { id: string; cabinetId: string }[],
): Finding[] {
  const dark = new Set(findings.filter((f) => f.type === 'cabinetMainsLoss').map((f) => f.source));
  if (dark.size === 0) return [...findings];
  const cabinetOf = new Map(lamps.map((l) => [l.id, l.cabinetId]));
  const suppressed = new Map<string, number>();
  const kept = findings.filter((f) => {
    if (f.type !== 'commsLoss' || f.sourceKind !== 'lamp') return true;
    const cab = cabinetOf.get(f.source);
    if (cab === undefined || !dark.has(cab)) return true;
    suppressed.set(cab, (suppressed.get(cab) ?? 0) + 1);
    return false;
  });
  return kept.map((f) =>
    f.type === 'cabinetMainsLoss' && suppressed.has(f.source)
      ? { ...f, data: { ...f.data, suppressedLampFindings: suppressed.get(f.source)! } }
      : f,
  );
}

export interface LampEvaluation {
  lamp: { id: string; latitude: number; longitude: number };
  model: PowerModel & Pick<LampModel, 'maxDriverTemperature'>;
  /** Recent readings, oldest first. */
  readings: readonly LampTelemetry[];
  events?: readonly LightingEvent[];
  /** Level in force (schedule plus overrides) at a given time. */
  level: LevelSource;
  now: number;
  intervalMs: number;
  /** Last time the lamp was heard from; defaults to the newest reading. */
  lastSeen?: number;
}

/** Every lamp check at once (the rule run on each accepted lamp reading or on a timer). */
export function evaluateLamp(e: LampEvaluation): Finding[] {
  const lastSeen = e.lastSeen ?? e.readings[e.readings.length - 1]?.ts;
  const found = [
    lampFailure(e.lamp.id, e.readings, e.model, e.level),
    overpower(e.lamp.id, e.readings, e.model),
    driverFault(e.lamp.id, e.readings, e.model, e.events ?? []),
    dayBurner(e.lamp.id, e.readings, e.lamp, e.model, e.level),
    lastSeen === undefined ? null : commsLoss({ id: e.lamp.id, kind: 'lamp' }, lastSeen, e.now, e.intervalMs),
  ];
  return found.filter((f): f is Finding => f !== null);
}

/** Every cabinet check at once. */
export function evaluateCabinet(e: {
  cabinetId: string;
  readings: readonly CabinetTelemetry[];
  events?: readonly LightingEvent[];
  now: number;
  intervalMs: number;
  lastSeen?: number;
}): Finding[] {
  const lastSeen = e.lastSeen ?? e.readings[e.readings.length - 1]?.ts;
  const found = [
    cabinetMainsLoss(e.cabinetId, e.readings, e.events ?? []),
    doorOpen(e.cabinetId, e.readings, e.events ?? []),
    lastSeen === undefined ? null : commsLoss({ id: e.cabinetId, kind: 'cabinet' }, lastSeen, e.now, e.intervalMs),
  ];
  return found.filter((f): f is Finding => f !== null);
}

/** Streetlight.status implied by a lamp's open findings. */
export function lampStatusFor(findings: readonly Pick<Finding, 'type'>[]): LampStatus {
  const defective: FindingType[] = ['lampFailure', 'overpower', 'driverFault'];
  return findings.some((f) => defective.includes(f.type)) ? 'defectiveLamp' : 'ok';
}
