// Live state of a tenant's lamps and cabinets, in memory: the latest reading, the few recent ones
// the consecutive-reading checks need (domain/failures.ts), recent events, when each was last heard
// from (on the pilot's clock, which drives comms-loss timing) and the levels recently commanded.
// Refreshed from the series store on start or on demand, then kept current by onReadings. In a
// cluster a lamp's readings reach only the node it is connected to, so every node also refreshes
// the whole tenant from the store every `clusterRescanMs` (runtime.ts), last-heard included.
import type { SeriesService } from '../../platform/services/series.ts';
import type { CabinetTelemetry, LampTelemetry, LightingEvent } from './domain/index.ts';

export interface DeviceLive<T> {
  id: string;
  latest: T | null;
  /** Oldest first, at most `keep` entries. */
  recent: T[];
  events: LightingEvent[];
  /** Pilot-clock ms of the last reading or event heard, or of when watching began. */
  lastHeard: number;
}

export interface LampLive extends DeviceLive<LampTelemetry> {
  /** Levels commanded to the lamp, oldest first (bounded), on the pilot's clock. */
  commanded: { at: number; level: number }[];
}
export type CabinetLive = DeviceLive<CabinetTelemetry>;

/** The view of a lamp's state the API and the realtime events show. */
export interface LampStateView {
  id: string;
  powerState: LampTelemetry['powerState'] | 'unknown';
  dimLevel: number | null;
  activePower: number | null;
  ts: number | null;
  commandedLevel: number | null;
}

const LAMP_FIELDS = ['ts', 'powerState', 'dimLevel', 'activePower', 'voltage', 'current', 'powerFactor', 'driverTemperature', 'burningHours'] as const;
const CABINET_FIELDS = ['ts', 'activeEnergy', 'activePower', 'voltageL1', 'voltageL2', 'voltageL3', 'currentL1', 'currentL2', 'currentL3', 'mainsPresent', 'doorOpen'] as const;

/** The telemetry fields of a stored reading (ingest adds `kind` and `receivedAt` beside them). */
export function pick<T>(data: Record<string, unknown>, fields: readonly string[]): T {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in data) out[f] = data[f];
  return out as T;
}
export const lampTelemetryOf = (data: Record<string, unknown>) => pick<LampTelemetry>(data, LAMP_FIELDS);
export const cabinetTelemetryOf = (data: Record<string, unknown>) => pick<CabinetTelemetry>(data, CABINET_FIELDS);

export class LiveState {
  readonly lamps = new Map<string, LampLive>();
  readonly cabinets = new Map<string, CabinetLive>();

  constructor(
    private readonly keep: number,
    /** Events older than this (relative to the newest reading) no longer count. */
    private readonly eventWindowMs: number,
  ) {}

  lamp(id: string, at: number): LampLive {
    let l = this.lamps.get(id);
    if (!l) this.lamps.set(id, (l = { id, latest: null, recent: [], events: [], lastHeard: at, commanded: [] }));
    return l;
  }

  cabinet(id: string, at: number): CabinetLive {
    let c = this.cabinets.get(id);
    if (!c) this.cabinets.set(id, (c = { id, latest: null, recent: [], events: [], lastHeard: at }));
    return c;
  }

  /** Adds a reading in time order (a late one from an offline buffer is slotted in, not appended). */
  addReading<T extends { ts: number }>(d: DeviceLive<T>, reading: T, heardAt: number): void {
    d.lastHeard = Math.max(d.lastHeard, heardAt);
    const i = d.recent.findIndex((r) => r.ts > reading.ts);
    if (i === -1) d.recent.push(reading);
    else d.recent.splice(i, 0, reading);
    if (d.recent.length > this.keep) d.recent.splice(0, d.recent.length - this.keep);
    d.latest = d.recent[d.recent.length - 1] ?? reading;
    this.pruneEvents(d);
  }

  addEvent<T extends { ts: number }>(d: DeviceLive<T>, event: LightingEvent, heardAt: number): void {
    d.lastHeard = Math.max(d.lastHeard, heardAt);
    d.events.push(event);
    d.events.sort((a, b) => a.ts - b.ts);
    this.pruneEvents(d);
  }

  private pruneEvents<T extends { ts: number }>(d: DeviceLive<T>) {
    const newest = Math.max(d.latest?.ts ?? 0, d.events.at(-1)?.ts ?? 0);
    d.events = d.events.filter((e) => e.ts >= newest - this.eventWindowMs).slice(-20);
  }

  /** Kept in time order: a command learnt from another node may be older than one issued here. */
  commanded(id: string, level: number, at: number): void {
    const l = this.lamp(id, at);
    let i = l.commanded.length;
    while (i > 0 && l.commanded[i - 1]!.at > at) i--;
    l.commanded.splice(i, 0, { at, level });
    if (l.commanded.length > 8) l.commanded.splice(0, l.commanded.length - 8);
  }

  /** The level last commanded at or before `ts`, if the lamp was commanded since watching began. */
  commandedLevelAt(id: string, ts: number): number | undefined {
    const list = this.lamps.get(id)?.commanded ?? [];
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.at <= ts) return list[i]!.level;
    return undefined;
  }

  lampView(id: string): LampStateView {
    const l = this.lamps.get(id);
    const r = l?.latest ?? null;
    const last = l?.commanded.at(-1);
    return {
      id,
      powerState: r?.powerState ?? 'unknown',
      dimLevel: r?.dimLevel ?? null,
      activePower: r?.activePower ?? null,
      ts: r?.ts ?? null,
      commandedLevel: last?.level ?? null,
    };
  }

  /** Loads the recent readings of devices from the series store (on start, or on demand), none
   *  dated past `at` plus the allowed device skew: a far-future reading would pin `latest`. With
   *  `heardAt` (platform-clock receipt time → pilot clock), the newest stored reading also counts
   *  as heard: another node may have received it. */
  async refresh(
    series: Pick<SeriesService, 'range'>,
    devices: readonly { id: string; kind: 'lamp' | 'cabinet' }[],
    at: number,
    maxSkewMs = 0,
    heardAt?: (receivedAt: number) => number,
  ): Promise<void> {
    for (const d of devices) {
      const points = await series.range<Record<string, unknown>>(d.id, { to: at + maxSkewMs, desc: true, limit: this.keep });
      const received = points[0]?.data['receivedAt'];
      points.reverse();
      if (d.kind === 'lamp') {
        const live = this.lamp(d.id, at);
        live.recent = points.map((p) => lampTelemetryOf(p.data));
        live.latest = live.recent.at(-1) ?? null;
        if (heardAt && typeof received === 'number') live.lastHeard = Math.max(live.lastHeard, heardAt(received));
      } else {
        const live = this.cabinet(d.id, at);
        live.recent = points.map((p) => cabinetTelemetryOf(p.data));
        live.latest = live.recent.at(-1) ?? null;
        if (heardAt && typeof received === 'number') live.lastHeard = Math.max(live.lastHeard, heardAt(received));
      }
    }
  }
}
