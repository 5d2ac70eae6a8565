// Switching schedules: a programme of steps at fixed clock times or at astronomical events with an
// offset, dated exceptions, and the groups the schedule drives.
//
// How a programme is laid out in time (the rules the tests pin down):
// - A programme runs once per *programme day*. Programme day D spans [dayStart on D, dayStart on
//   D+1) in the installation's zone; with the default dayStart of 12:00 it is the night that starts
//   on the evening of D. So "dusk 100 %, 23:00 50 %, 05:00 50 %, dawn 0 %" for D yields dusk of D,
//   23:00 of D, 05:00 of D+1 and dawn of D+1, and an exception dated D governs that whole night.
// - A fixed time at or after dayStart falls on D, an earlier one on D+1.
// - An astronomical step uses the occurrence of its event inside the programme day's span, then
//   adds its offset. When the event does not happen (polar day or night): an evening event
//   (sunset, civilDusk) in permanent darkness fires at the start of the span and a morning event
//   (sunrise, civilDawn) in permanent daylight fires at the start of the span; the opposite cases
//   never happen, so the step is skipped. Lamps therefore stay lit through polar night and dark
//   through polar day. Fixed-time steps still run as programmed.
// - Daylight saving time: a fixed time that does not exist (spring forward) runs at the first valid
//   instant after it, the transition itself (02:30 on 2026-03-29 in Madrid runs at 03:00 CEST); a
//   time that happens twice (fall back) runs once, at its first occurrence (01:30 EDT on 2026-11-01
//   in New York). See zonedTimeToUtc in tz.ts.
// - Points of all programme days are merged and sorted by instant; at equal instants the earlier
//   programme day and then the lower step index come first, so the later one is the level in force.
import { z } from 'zod';
import { labelSchema, noteSchema } from '../../../platform/safe-text.ts';
import { sunEvents, type SunEvents, type SunEventName } from './astro.ts';
import { calendarDateSchema, levelSchema, type Installation } from './model.ts';
import { addDays, daysBetween, localDate, parseTime, zonedTimeToUtc } from './tz.ts';

export const astroEvents = ['sunset', 'sunrise', 'civilDusk', 'civilDawn'] as const;
export type AstroEvent = (typeof astroEvents)[number];
const EVENING: ReadonlySet<AstroEvent> = new Set(['sunset', 'civilDusk']);

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)');
/** Astronomical offsets are bounded so that a step stays near its programme day. */
export const MAX_OFFSET_MINUTES = 360;

export const stepTimeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), time: clockTime }),
  z.strictObject({
    kind: z.literal('astro'),
    event: z.enum(astroEvents),
    offsetMinutes: z.number().int().min(-MAX_OFFSET_MINUTES).max(MAX_OFFSET_MINUTES),
  }),
]);
export type StepTime = z.infer<typeof stepTimeSchema>;

export const scheduleStepSchema = z.strictObject({ at: stepTimeSchema, level: levelSchema });
export type ScheduleStep = z.infer<typeof scheduleStepSchema>;

export const programmeSchema = z.array(scheduleStepSchema).min(1).max(48);

export const scheduleExceptionSchema = z
  .strictObject({
    /** First programme day covered (inclusive). */
    from: calendarDateSchema,
    /** Last programme day covered (inclusive); absent = the single day `from`. */
    to: calendarDateSchema.optional(),
    /** off: lamps off all that programme day; skip: the schedule does nothing; programme: run `programme`. */
    action: z.enum(['off', 'skip', 'programme']),
    programme: programmeSchema.optional(),
    note: noteSchema(200).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.to !== undefined && e.to < e.from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'to is before from' });
    }
    if (e.action === 'programme' && !e.programme) {
      ctx.addIssue({ code: 'custom', path: ['programme'], message: 'action programme needs a programme' });
    }
    if (e.action !== 'programme' && e.programme) {
      ctx.addIssue({ code: 'custom', path: ['programme'], message: `action ${e.action} takes no programme` });
    }
  });
export type ScheduleException = z.infer<typeof scheduleExceptionSchema>;

export const scheduleSchema = z.strictObject({
  id: z.string().min(1).max(128),
  name: labelSchema(1, 200),
  steps: programmeSchema,
  exceptions: z.array(scheduleExceptionSchema).max(500).default([]),
  assignedGroups: z.array(z.string().min(1).max(128)).max(10_000).default([]),
  /** Local time at which a programme day starts; 12:00 keeps each night together. */
  dayStart: clockTime.default('12:00'),
});
export type Schedule = z.infer<typeof scheduleSchema>;
export type ScheduleInput = z.input<typeof scheduleSchema>;

export interface SwitchPoint {
  /** Epoch ms. */
  at: number;
  level: number;
  /** Index of the step in the programme that produced it; -1 for an exception's "off". */
  stepIndex: number;
  source: 'fixed' | 'astro' | 'exception';
  /** Local calendar date of `at` in the installation's zone. */
  localDate: string;
  /** The programme day (see the header) this point belongs to. */
  programmeDate: string;
  /** Index into schedule.exceptions when an exception shaped this programme day. */
  exceptionIndex?: number;
  /** Why the point is not simply at its nominal time. */
  adjustment?: 'dstGap' | 'dstOverlap' | 'polarDay' | 'polarNight';
}

type Site = Pick<Installation, 'latitude' | 'longitude' | 'timeZone'>;

// sunEvents is pure, and schedules ask for the same few days over and over (levelAt, previews), so
// results are memoised; the cache is bounded and keyed by everything the result depends on.
const sunCache = new Map<string, SunEvents>();
function cachedSunEvents(date: string, site: Site): SunEvents {
  const key = `${date}|${site.latitude}|${site.longitude}|${site.timeZone}`;
  let e = sunCache.get(key);
  if (!e) {
    if (sunCache.size >= 4096) sunCache.clear();
    e = sunEvents(date, site.latitude, site.longitude, site.timeZone);
    sunCache.set(key, e);
  }
  return e;
}

const eventKey: Record<AstroEvent, SunEventName> = {
  sunset: 'sunset',
  sunrise: 'sunrise',
  civilDusk: 'civilDusk',
  civilDawn: 'civilDawn',
};

/** The exception governing programme day `date`: the narrowest range wins, then the earliest listed. */
export function exceptionFor(schedule: Pick<Schedule, 'exceptions'>, date: string): number | undefined {
  let best: number | undefined;
  let bestWidth = Infinity;
  schedule.exceptions.forEach((e, i) => {
    const to = e.to ?? e.from;
    if (date < e.from || date > to) return;
    const width = daysBetween(e.from, to);
    if (width < bestWidth) {
      best = i;
      bestWidth = width;
    }
  });
  return best;
}

/** Start and end (exclusive) of programme day `date`. */
export function programmeDaySpan(schedule: Pick<Schedule, 'dayStart'>, date: string, timeZone: string) {
  const start = parseTime(schedule.dayStart);
  return {
    start: zonedTimeToUtc(date, start, timeZone).ms,
    end: zonedTimeToUtc(addDays(date, 1), start, timeZone).ms,
  };
}

/** All switch points of one programme day, unsorted. */
export function programmeDayPoints(schedule: Schedule, site: Site, date: string): SwitchPoint[] {
  const exIndex = exceptionFor(schedule, date);
  const ex = exIndex === undefined ? undefined : schedule.exceptions[exIndex];
  const span = programmeDaySpan(schedule, date, site.timeZone);
  const tag = exIndex === undefined ? {} : { exceptionIndex: exIndex };
  if (ex?.action === 'skip') return [];
  if (ex?.action === 'off') {
    return [
      {
        at: span.start,
        level: 0,
        stepIndex: -1,
        source: 'exception',
        localDate: localDate(span.start, site.timeZone),
        programmeDate: date,
        ...tag,
      },
    ];
  }
  const steps = ex?.action === 'programme' && ex.programme ? ex.programme : schedule.steps;
  const dayStartMinutes = parseTime(schedule.dayStart);
  const points: SwitchPoint[] = [];
  steps.forEach((step, stepIndex) => {
    let at: number;
    let adjustment: SwitchPoint['adjustment'];
    if (step.at.kind === 'fixed') {
      const minutes = parseTime(step.at.time);
      const day = minutes >= dayStartMinutes ? date : addDays(date, 1);
      const r = zonedTimeToUtc(day, minutes, site.timeZone);
      at = r.ms;
      if (r.resolution === 'gap') adjustment = 'dstGap';
      if (r.resolution === 'overlap') adjustment = 'dstOverlap';
    } else {
      const name = eventKey[step.at.event];
      const evening = EVENING.has(step.at.event);
      let found: number | null = null;
      for (const d of [date, addDays(date, 1), addDays(date, -1)]) {
        const t = cachedSunEvents(d, site)[name];
        if (t !== null && t >= span.start && t < span.end) {
          found = t;
          break;
        }
      }
      // Which solar day's reason applies: with an afternoon dayStart an evening event of programme
      // day D belongs to solar day D and a morning one to D+1; otherwise both belong to D.
      const ownFirst = evening || dayStartMinutes < 12 * 60 ? [date, addDays(date, 1)] : [addDays(date, 1), date];
      const missing = ownFirst.map((d) => cachedSunEvents(d, site).missing[name]).find((r) => r !== undefined);
      if (found === null) {
        if (!missing) return; // the event falls outside this span (polar transition days): skip
        const fires = evening ? missing === 'sunAlwaysBelow' : missing === 'sunAlwaysAbove';
        if (!fires) return;
        found = span.start;
        adjustment = missing === 'sunAlwaysBelow' ? 'polarNight' : 'polarDay';
      }
      at = found + step.at.offsetMinutes * 60_000;
    }
    points.push({
      at,
      level: step.level,
      stepIndex,
      source: step.at.kind,
      localDate: localDate(at, site.timeZone),
      programmeDate: date,
      ...tag,
      ...(adjustment ? { adjustment } : {}),
    });
  });
  return points;
}

const byTime = (a: SwitchPoint, b: SwitchPoint) =>
  a.at - b.at || a.programmeDate.localeCompare(b.programmeDate) || a.stepIndex - b.stepIndex;

/** Switch points with fromMs <= at < toMs, sorted (see the header for ties). */
export function switchPoints(schedule: Schedule, installation: Site, fromMs: number, toMs: number): SwitchPoint[] {
  if (!(toMs > fromMs)) return [];
  const tz = installation.timeZone;
  // A programme day's points lie within its 24 h span widened by the largest offset (6 h), so the
  // days from two before `from` to one after `to` cover the window.
  const first = addDays(localDate(fromMs, tz), -2);
  const last = addDays(localDate(toMs, tz), 1);
  const out: SwitchPoint[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) {
    for (const p of programmeDayPoints(schedule, installation, d)) {
      if (p.at >= fromMs && p.at < toMs) out.push(p);
    }
  }
  return out.sort(byTime);
}

/** The last switch point at or before `at`, looking back up to `maxLookbackDays`; null if none. */
export function lastSwitchPoint(
  schedule: Schedule,
  installation: Site,
  at: number,
  maxLookbackDays = 400,
): SwitchPoint | null {
  // Most schedules switch daily: look back two days first, then widen (exceptions may skip weeks).
  for (let days = 2; ; days = Math.min(days * 4, maxLookbackDays)) {
    const pts = switchPoints(schedule, installation, at - days * 86_400_000, at + 1);
    if (pts.length > 0) return pts[pts.length - 1]!;
    if (days >= maxLookbackDays) return null;
  }
}

/** The level in force at `at`: that of the last switch point at or before it (0 when none). */
export function levelAt(schedule: Schedule, installation: Site, at: number): number {
  return lastSwitchPoint(schedule, installation, at)?.level ?? 0;
}

/** Level in force at `at` from an already computed, sorted list of points (for bulk evaluation). */
export function levelFromPoints(points: readonly SwitchPoint[], at: number, before = 0): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.at <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? before : points[lo - 1]!.level;
}

export interface SchedulePreview {
  from: number;
  to: number;
  /** Level in force at `from`. */
  levelNow: number;
  points: SwitchPoint[];
}

/** What the schedule will do over the next `hours` from `now`. */
export function preview(schedule: Schedule, installation: Site, now: number, hours = 48): SchedulePreview {
  const to = now + hours * 3_600_000;
  return {
    from: now,
    to,
    levelNow: levelAt(schedule, installation, now),
    points: switchPoints(schedule, installation, now, to),
  };
}

/** Groups assigned to more than one schedule (a group must follow a single schedule). */
export function assignmentConflicts(schedules: readonly Pick<Schedule, 'id' | 'assignedGroups'>[]) {
  const owners = new Map<string, string[]>();
  for (const s of schedules) {
    for (const g of new Set(s.assignedGroups)) owners.set(g, [...(owners.get(g) ?? []), s.id]);
  }
  return [...owners].filter(([, ids]) => ids.length > 1).map(([groupId, scheduleIds]) => ({ groupId, scheduleIds }));
}
