// Failure detection orchestration: runs the domain checks (domain/failures.ts) on a device's recent
// readings, or on a timer for comms loss, and keeps the platform's alarms in step with the findings:
// a finding raises (or escalates) its alarm, a check that no longer finds anything clears it.
// One alarm per (source, type): sources are `lamp:<id>` and `cabinet:<id>`, category 'lighting'.
import type { Alarm, RaiseInput, Severity } from '../../platform/services/alarms.ts';
import {
  commsLoss,
  evaluateCabinet,
  evaluateLamp,
  lampStatusFor,
  suppressLampCommsLoss,
  type Finding,
  type FindingType,
  type LampModel,
  type LampStatus,
  type LevelSource,
} from './domain/index.ts';
import type { CabinetLive, LampLive } from './state.ts';

export const ALARM_CATEGORY = 'lighting';

/** Alarm type of each finding (the names the API and dashboard show). */
export const ALARM_TYPE: Record<FindingType, string> = {
  lampFailure: 'lamp-failure',
  overpower: 'overpower',
  driverFault: 'driver-fault',
  dayBurner: 'day-burner',
  commsLoss: 'comms-loss',
  cabinetMainsLoss: 'mains-loss',
  doorOpen: 'door-open',
};
const TITLE: Record<FindingType, string> = {
  lampFailure: 'Lamp failure',
  overpower: 'Lamp overpower',
  driverFault: 'Driver fault',
  dayBurner: 'Day burner',
  commsLoss: 'Communication lost',
  cabinetMainsLoss: 'Mains supply lost',
  doorOpen: 'Cabinet door open',
};

/** The checks a lamp reading settles; a reading also proves the lamp is talking (no comms loss). */
export const LAMP_READING_CHECKS: readonly FindingType[] = ['lampFailure', 'overpower', 'driverFault', 'dayBurner', 'commsLoss'];
export const CABINET_READING_CHECKS: readonly FindingType[] = ['cabinetMainsLoss', 'doorOpen', 'commsLoss'];

export const sourceOf = (kind: 'lamp' | 'cabinet', id: string) => `${kind}:${id}`;

export interface AlarmPort {
  raise(input: RaiseInput): Promise<{ alarm: Alarm }>;
  clear(source: string, type: string): Promise<Alarm | null>;
  list(filter: { state: 'active'; limit: number }): Promise<Alarm[]>;
}

const RANK: Record<Severity, number> = { info: 0, minor: 1, major: 2, critical: 3 };
const TYPE_OF = new Map(Object.entries(ALARM_TYPE).map(([f, t]) => [t, f as FindingType]));

/** The pilot's view of its active alarms, so a reading costs no alarm look-up unless something changes. */
export class AlarmBook {
  /** source → alarm type → the active alarm */
  private readonly active = new Map<string, Map<string, Alarm>>();

  constructor(private readonly port: AlarmPort) {}

  static async load(port: AlarmPort): Promise<AlarmBook> {
    const book = new AlarmBook(port);
    await book.reload();
    return book;
  }

  /** Re-reads the active alarms from the store (in a cluster, other nodes raise and clear them too). */
  async reload(): Promise<void> {
    const list = await this.port.list({ state: 'active', limit: 10_000 });
    this.active.clear();
    for (const a of list) if (a.category === ALARM_CATEGORY) this.set(a);
  }

  private set(a: Alarm) {
    let bySource = this.active.get(a.source);
    if (!bySource) this.active.set(a.source, (bySource = new Map()));
    bySource.set(a.type, a);
  }

  private unset(source: string, type: string) {
    const bySource = this.active.get(source);
    bySource?.delete(type);
    if (bySource?.size === 0) this.active.delete(source);
  }

  private get(source: string, type: string): Alarm | undefined {
    return this.active.get(source)?.get(type);
  }

  /** Active alarms of a source, most severe (then newest) first. */
  activeFor(source: string): Alarm[] {
    return [...(this.active.get(source)?.values() ?? [])].sort((a, b) => RANK[b.severity] - RANK[a.severity] || b.raisedAt - a.raisedAt);
  }

  isActive(source: string, type: FindingType): boolean {
    return this.get(source, ALARM_TYPE[type]) !== undefined;
  }

  /** Streetlight.status of a lamp from its active alarms. */
  lampStatus(lampId: string): LampStatus {
    const types = this.activeFor(sourceOf('lamp', lampId))
      .map((a) => TYPE_OF.get(a.type))
      .filter((t): t is FindingType => t !== undefined);
    return lampStatusFor(types.map((type) => ({ type })));
  }

  /**
   * Raises what `findings` found and clears the alarms of the `checked` types that were not found.
   * Returns the alarm types raised (or escalated) and cleared.
   */
  async reconcile(
    source: string,
    checked: readonly FindingType[],
    findings: readonly Finding[],
    context: Record<string, string | number | boolean> = {},
  ): Promise<{ raised: string[]; cleared: string[] }> {
    const raised: string[] = [];
    const cleared: string[] = [];
    const found = new Map(findings.map((f) => [f.type, f]));
    for (const f of findings) {
      const type = ALARM_TYPE[f.type];
      const current = this.get(source, type);
      if (current && RANK[current.severity] >= RANK[f.severity]) continue;
      const { alarm } = await this.port.raise({
        source,
        type,
        category: ALARM_CATEGORY,
        severity: f.severity,
        // Named as the map names it ("Harbour Avenue 5") when the caller knows the name.
        title: `${TITLE[f.type]}: ${typeof context.name === 'string' && context.name ? context.name : f.source}`,
        detail: { message: f.detail, at: f.at, ...(f.data ?? {}), ...context },
      });
      this.set(alarm);
      raised.push(type);
    }
    for (const t of checked) {
      if (found.has(t)) continue;
      const type = ALARM_TYPE[t];
      if (!this.get(source, type)) continue;
      await this.port.clear(source, type);
      this.unset(source, type);
      cleared.push(type);
    }
    return { raised, cleared };
  }
}

export interface LampCheck {
  lamp: { id: string; latitude: number; longitude: number };
  model: LampModel;
  live: LampLive;
  /** Level in force (commanded, else scheduled) at a reading's time. */
  level: LevelSource;
  now: number;
  intervalMs: number;
}

/** The checks run on a lamp reading: power, temperature, fault events and day burning. */
export function lampFindings(c: LampCheck): Finding[] {
  return evaluateLamp({
    lamp: c.lamp,
    model: c.model,
    readings: c.live.recent,
    events: c.live.events,
    level: c.level,
    now: c.now,
    intervalMs: c.intervalMs,
    // It has just been heard from: comms loss is settled by the sweep, and cleared here.
    lastSeen: c.now,
  });
}

export function cabinetFindings(cabinetId: string, live: CabinetLive, now: number, intervalMs: number): Finding[] {
  return evaluateCabinet({ cabinetId, readings: live.recent, events: live.events, now, intervalMs, lastSeen: now });
}

export interface SweepInput {
  lamps: readonly { id: string; cabinetId: string; lastHeard: number }[];
  cabinets: readonly { id: string; lastHeard: number }[];
  /** Cabinets with mains lost: their lamps' silence is explained, one alarm instead of a flood. */
  mainsLost: ReadonlySet<string>;
  now: number;
  intervalMs: number;
  missedIntervals: number;
}

/** Comms-loss finding (or null) of every lamp and cabinet, with the mains-loss suppression applied. */
export function commsSweep(s: SweepInput): Map<string, Finding | null> {
  const out = new Map<string, Finding | null>();
  const findings: Finding[] = [];
  for (const l of s.lamps) {
    out.set(sourceOf('lamp', l.id), null);
    const f = commsLoss({ id: l.id, kind: 'lamp' }, l.lastHeard, s.now, s.intervalMs, s.missedIntervals);
    if (f) findings.push(f);
  }
  for (const c of s.cabinets) {
    out.set(sourceOf('cabinet', c.id), null);
    const f = commsLoss({ id: c.id, kind: 'cabinet' }, c.lastHeard, s.now, s.intervalMs, s.missedIntervals);
    if (f) findings.push(f);
  }
  for (const id of s.mainsLost) {
    findings.push({ type: 'cabinetMainsLoss', severity: 'critical', source: id, sourceKind: 'cabinet', at: s.now, detail: 'mains lost' });
  }
  for (const f of suppressLampCommsLoss(findings, s.lamps)) {
    if (f.type === 'commsLoss') out.set(sourceOf(f.sourceKind, f.source), f);
  }
  return out;
}
