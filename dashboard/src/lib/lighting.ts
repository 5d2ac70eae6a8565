// Shapes of the lighting pilot's API, taken type-only from the pilot's pure modules (contract.ts,
// domain/), and the pure helpers its views use: how a lamp looks
// on the map, live updates, command progress, the schedule timeline and energy series. The group
// command aggregate is the pilot's own pure function (domain/commands.ts has no imports).
import { aggregateGroupCommand, type CommandStatus as LampCommandStatus, type GroupCommandState } from '../../../pilots/lighting/domain/commands.ts';
import type { AstroEvent, StepTime } from '../../../pilots/lighting/domain/schedule.ts';
import type { BatchStatus, CabinetView, CommandAnswer as Answer, EnergyReport, GroupView, InstallationView, LampDetailView, LampEvent as LiveLamp, LampView, SchedulePreview as Preview } from '../../../pilots/lighting/contract.ts';
import { furthest } from './commands.ts';
import { formatLocale } from './format.ts';
import type { MessageKey, Params } from '../i18n/types.ts';
import type { Command, CommandStatus } from './types.ts';

export type { SunEvents } from '../../../pilots/lighting/domain/astro.ts';
export type { AstroEvent, Schedule, ScheduleException, ScheduleStep, StepTime, SwitchPoint } from '../../../pilots/lighting/domain/schedule.ts';
export type { EnergyFigures, EnergyReport } from '../../../pilots/lighting/contract.ts';
export type { BatchStatus, GroupCommandState };

export const LT = '/pilots/lighting';

/** A text looked up in the console's dictionaries (i18n/): the labels below take one, so the lib
 *  keeps the logic and the words stay in one place per language. */
export type Translate = (key: MessageKey, params?: Params) => string;

/** GET /installation */
export type Installation = InstallationView;

export type AlarmRef = NonNullable<LampView['activeAlarm']>;

/** GET /lamps items (LampView); a live update clears a resolved alarm to null. */
export type Lamp = Omit<LampView, 'activeAlarm'> & { activeAlarm?: AlarmRef | null };

/** GET /lamps/:id (the console does not draw the recent readings it carries). */
export type LampDetail = Lamp & Omit<LampDetailView, keyof LampView | 'recent'>;

/** The `lt.lamp` event: the live part of a lamp. */
export type LampEvent = LiveLamp;

/** GET /cabinets items */
export type Cabinet = CabinetView;

/** GET /groups items */
export type Group = GroupView;

/** GET /schedules/:id/preview */
export type SchedulePreview = Preview;

/** POST /commands answer */
export type CommandAnswer = Answer;

// ---- how a lamp looks ----------------------------------------------------------------------

export type LampState = 'fault' | 'offline' | 'on' | 'dimmed' | 'off' | 'unknown';

/** Every state, worst first (a Record, so a state added to the type must be added here); each has
 *  a label in the dictionaries (`lampState.<state>`). */
const STATE_ORDER: Record<LampState, number> = { fault: 0, offline: 1, on: 2, dimmed: 3, off: 4, unknown: 5 };
export const LAMP_STATES = Object.keys(STATE_ORDER) as LampState[];

/** One state per lamp, worst first: an alarm beats silence beats what the lamp reports. */
/** The level a lamp reports in force: 0 when it is off, null when it has not said or is silent. */
export function inForceOf(l: Pick<Lamp, 'powerState' | 'dimLevel' | 'online' | 'ts'>): number | null {
  if (!l.online || l.ts === null || l.dimLevel === null || l.powerState === 'unknown') return null;
  return l.powerState === 'off' ? 0 : l.dimLevel;
}

export function lampState(l: Pick<Lamp, 'powerState' | 'dimLevel' | 'status' | 'online' | 'ts' | 'activeAlarm'>): LampState {
  if (l.activeAlarm || (l.status && l.status !== 'ok')) return 'fault';
  if (!l.online) return l.ts === null ? 'unknown' : 'offline';
  if (l.ts === null || l.dimLevel === null || l.powerState === 'unknown') return 'unknown';
  if (l.powerState === 'off' || l.dimLevel === 0) return 'off';
  return l.dimLevel < 100 ? 'dimmed' : 'on';
}

/** Fill of a lit lamp by its level: warm amber, paler as it dims (shape and text carry it too). */
export function lampFill(state: LampState, level: number | null): string {
  switch (state) {
    case 'on':
      return '#f5a70a';
    case 'dimmed': {
      const l = Math.max(10, Math.min(99, level ?? 50));
      // 10 % → light straw, 99 % → nearly full amber.
      const t = (l - 10) / 89;
      const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
      return `rgb(${mix(252, 245)}, ${mix(222, 167)}, ${mix(140, 10)})`;
    }
    case 'off':
      return '#5b6675';
    case 'fault':
      return '#d42a20';
    case 'offline':
    case 'unknown':
      return '#ffffff';
  }
}

export function applyLampEvents(lamps: readonly Lamp[], events: readonly LampEvent[]): Lamp[] {
  if (!events.length) return [...lamps];
  const byId = new Map(events.map((e) => [e.id, e]));
  return lamps.map((l) => {
    const e = byId.get(l.id);
    if (!e) return l;
    if (l.ts !== null && e.ts !== null && e.ts < l.ts) return l;
    return { ...l, ...e, activeAlarm: e.activeAlarm ?? null };
  });
}

export interface LampSummary {
  total: number;
  byState: Record<LampState, number>;
  /** Sum of the reported power of lamps that reported, W. */
  powerW: number;
}

export function summarizeLamps(lamps: readonly Lamp[]): LampSummary {
  const byState: Record<LampState, number> = { fault: 0, offline: 0, on: 0, dimmed: 0, off: 0, unknown: 0 };
  let powerW = 0;
  for (const l of lamps) {
    byState[lampState(l)]++;
    if (typeof l.activePower === 'number') powerW += l.activePower;
  }
  return { total: lamps.length, byState, powerW };
}

/** A street drawn through a group's lamps, in layout order along its longer axis. */
export function streetPath(points: readonly { x: number; y: number }[]): string {
  if (points.length < 2) return '';
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const alongX = Math.max(...xs) - Math.min(...xs) >= Math.max(...ys) - Math.min(...ys);
  const sorted = [...points].sort((a, b) => (alongX ? a.x - b.x : a.y - b.y));
  return sorted.map((p, i) => `${i ? 'L' : 'M'}${p.x} ${p.y}`).join(' ');
}

// ---- command progress ------------------------------------------------------------------------

/** The pilot's per-lamp statuses: the platform's `accepted` counts as delivered there
 *  (pilots/lighting/commands.ts). */
const lampStatus = (s: CommandStatus): LampCommandStatus => (s === 'accepted' ? 'delivered' : s);

export interface Progress {
  total: number;
  done: number;
  failed: number;
  pending: number;
  state: GroupCommandState;
}

/** Aggregate of a batch's lamp statuses: the pilot's aggregateGroupCommand, in the counts the
 *  console shows. */
export function progressOf(statuses: readonly CommandStatus[]): Progress {
  const { total, byStatus, state } = aggregateGroupCommand(statuses.map(lampStatus));
  const failed = byStatus.failed + byStatus.expired;
  return { total, done: byStatus.done, failed, pending: total - byStatus.done - failed, state };
}

/** The later of two reports of one lamp's command (lib/commands.ts), in the pilot's statuses. */
export function laterStatus(a: CommandStatus | undefined, b: CommandStatus): CommandStatus {
  return lampStatus(furthest(a, lampStatus(b))!);
}

/** Applies a live `command` event to a batch's statuses (by command id); never moves backwards
 *  out of a final status. */
export function applyCommand(statuses: Readonly<Record<string, CommandStatus>>, c: Pick<Command, 'id' | 'status'>): Record<string, CommandStatus> {
  const prev = statuses[c.id];
  if (prev === undefined) return { ...statuses };
  return { ...statuses, [c.id]: laterStatus(prev, c.status) };
}

/** Every state of a batch; each has a label in the dictionaries (`groupProgress.<state>`). */
const GROUP_STATE: Record<GroupCommandState, true> = { pending: true, done: true, partial: true, failed: true };
export const GROUP_COMMAND_STATES = Object.keys(GROUP_STATE) as GroupCommandState[];

// ---- schedules ---------------------------------------------------------------------------------

/** "Sunset", "Sunset + 30 min", "Sunrise − 15 min", "23:00" (in the language of `tr`). */
export function stepTimeLabel(t: StepTime, tr: Translate): string {
  if (t.kind === 'fixed') return t.time;
  const event = tr(`astro.${t.event}`);
  if (!t.offsetMinutes) return event;
  return tr(t.offsetMinutes > 0 ? 'stepTime.after' : 'stepTime.before', { event, minutes: Math.abs(t.offsetMinutes) });
}

export interface Segment {
  from: number;
  to: number;
  level: number;
}

/** Constant-level stretches of a preview, from its start to its end. */
export function timelineSegments(p: Pick<SchedulePreview, 'from' | 'to' | 'levelNow' | 'points'>): Segment[] {
  const out: Segment[] = [];
  let at = p.from;
  let level = p.levelNow;
  for (const pt of [...p.points].sort((a, b) => a.at - b.at)) {
    if (pt.at < p.from || pt.at > p.to) continue;
    if (pt.at > at) out.push({ from: at, to: pt.at, level });
    at = Math.max(at, pt.at);
    level = pt.level;
  }
  if (p.to > at) out.push({ from: at, to: p.to, level });
  // Merge neighbours with the same level (a step that does not change anything).
  return out.reduce<Segment[]>((acc, s) => {
    const last = acc[acc.length - 1];
    if (last && last.level === s.level && last.to === s.from) last.to = s.to;
    else acc.push({ ...s });
    return acc;
  }, []);
}

/** Hours of light and the energy share of a timeline, relative to full output all the time lit. */
export function litSummary(segments: readonly Segment[]): { litHours: number; fullEquivalentHours: number } {
  let lit = 0;
  let full = 0;
  for (const s of segments) {
    const h = (s.to - s.from) / 3_600_000;
    if (s.level > 0) lit += h;
    full += (h * s.level) / 100;
  }
  return { litHours: lit, fullEquivalentHours: full };
}

// ---- energy -------------------------------------------------------------------------------------

export interface EnergySeries {
  periods: string[];
  actual: number[];
  baseline: number[];
}

/** Totals per period over all rows of a report, in period order. */
export function energyByPeriod(r: Pick<EnergyReport, 'rows'>): EnergySeries {
  const sums = new Map<string, { actual: number; baseline: number }>();
  for (const row of r.rows) {
    for (const p of row.periods) {
      const e = sums.get(p.period) ?? { actual: 0, baseline: 0 };
      e.actual += p.kWh;
      e.baseline += p.baselineKWh;
      sums.set(p.period, e);
    }
  }
  const periods = [...sums.keys()].sort();
  return { periods, actual: periods.map((p) => sums.get(p)!.actual), baseline: periods.map((p) => sums.get(p)!.baseline) };
}

/** Midday UTC of a "YYYY-MM-DD" (or the 15th of a "YYYY-MM"), as chart x in seconds. */
export function periodX(period: string): number {
  const [y, m, d] = period.split('-').map(Number) as [number, number, number | undefined];
  return Date.UTC(y, m - 1, d ?? 15, 12) / 1000;
}

// ---- time axis in the installation's zone ---------------------------------------------------------

export interface HourTick {
  at: number;
  label: string;
  /** Local midnight: a day boundary, labelled with the date. */
  midnight: boolean;
  date?: string;
}

/** Hour ticks between two instants in a time zone, every `every` local hours (DST-safe: it walks
 *  real hours and reads the local clock, so a 23- or 25-hour day still labels correctly). */
export function hourTicks(from: number, to: number, timeZone: string, every = 3): HourTick[] {
  const hour = new Intl.DateTimeFormat(formatLocale(), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
  const date = new Intl.DateTimeFormat(formatLocale(), { weekday: 'short', day: 'numeric', month: 'short', timeZone });
  const out: HourTick[] = [];
  const H = 3_600_000;
  for (let t = Math.ceil(from / H) * H; t <= to; t += H) {
    const label = hour.format(t);
    if (!label.endsWith(':00')) continue; // zones with half-hour offsets: whole local hours only
    const h = Number(label.slice(0, 2));
    if (h % every !== 0) continue;
    out.push({ at: t, label, midnight: h === 0, ...(h === 0 ? { date: date.format(t) } : {}) });
  }
  return out;
}

/** What a switch command asked for, for people: "Switch on", "Switch off", "Dim to 40 %". */
export function switchLabel(payload: Record<string, unknown>, tr: Translate): string {
  const level = typeof payload.level === 'number' ? payload.level : undefined;
  if (payload.action === 'off' || level === 0) return tr('switchCommand.off');
  if (payload.action === 'on' && (level === undefined || level === 100)) return tr('switchCommand.on');
  return level === undefined ? tr('switchCommand.switch') : tr('switchCommand.dim', { level });
}

/** The level a switch command asks for: 0 is off. */
export function askedLevel(payload: Record<string, unknown>): number {
  return typeof payload.level === 'number' ? payload.level : payload.action === 'off' ? 0 : 100;
}
