// Astronomical clock: sunrise, sunset and civil twilight for a local calendar day, from SunCalc
// (Meeus, Astronomical Algorithms ch. 15 and 25). Sunrise/sunset is the instant the sun's centre
// is 0.833° below the geometric horizon (34' refraction + 16' semi-diameter); civil dawn/dusk is
// 6° below it. These are the USNO definitions the tests compare against.
import { getPosition, getTimes } from 'suncalc';
import { zonedTimeToUtc } from './tz.ts';

export type SunEventName = 'sunrise' | 'sunset' | 'civilDawn' | 'civilDusk';
export const sunEventNames: readonly SunEventName[] = ['civilDawn', 'sunrise', 'sunset', 'civilDusk'];
/** Why an event does not happen that day: the sun stays above (polar day, white night) or below it. */
export type MissingReason = 'sunAlwaysAbove' | 'sunAlwaysBelow';

export const SUNRISE_ALTITUDE = -0.833;
export const CIVIL_TWILIGHT_ALTITUDE = -6;

export interface SunEvents {
  date: string;
  timeZone: string;
  /** Epoch ms, or null when the event does not occur (see `missing`). */
  sunrise: number | null;
  sunset: number | null;
  civilDawn: number | null;
  civilDusk: number | null;
  solarNoon: number;
  /** Solar midnight before `solarNoon`. */
  nadir: number;
  missing: Partial<Record<SunEventName, MissingReason>>;
  condition: 'normal' | 'polarDay' | 'polarNight';
}

const RAD = Math.PI / 180;

// Refraction for a geometric altitude h (radians), the Sæmundsson form of Meeus 16.4 that SunCalc
// uses for its apparent altitude; clamped at the horizon as SunCalc does.
function refractionRad(h: number): number {
  const hh = Math.max(h, 0);
  return 0.0002967 / Math.tan(hh + 0.00312536 / (hh + 0.08901179));
}

/** Geometric altitude of the sun's centre in degrees (SunCalc reports the apparent one). */
export function sunAltitude(at: number, lat: number, lon: number): number {
  const apparent = getPosition(new Date(at), lat, lon).altitude * RAD;
  // apparent = h + R(h); below the horizon R is constant, above it one fixed-point step is exact
  // to far better than an arc-second for the thresholds used here.
  let h = apparent - refractionRad(0);
  if (h > 0) h = apparent - refractionRad(apparent - refractionRad(apparent));
  return h / RAD;
}

/**
 * Sun events of the local calendar day `date` ('YYYY-MM-DD') in `timeZone`.
 *
 * The events are those of the solar day whose solar noon falls on that local date. Near the polar
 * circles an evening event can therefore land just after local midnight (Reykjavík's sunset at
 * midsummer is 00:03 the next day); the schedule relies on this to keep each night together.
 */
export function sunEvents(date: string, lat: number, lon: number, timeZone: string): SunEvents {
  const localNoon = zonedTimeToUtc(date, 12 * 60, timeZone).ms;
  // SunCalc anchors to the solar transit nearest the given instant: local noon picks that day's.
  const t = getTimes(new Date(localNoon), lat, lon);
  const solarNoon = t.solarNoon.getTime();
  const ms = (d: Date | null) => (d ? d.getTime() : null);
  const out: SunEvents = {
    date,
    timeZone,
    sunrise: ms(t.sunrise),
    sunset: ms(t.sunset),
    civilDawn: ms(t.dawn),
    civilDusk: ms(t.dusk),
    solarNoon,
    nadir: t.nadir.getTime(),
    missing: {},
    condition: 'normal',
  };
  const noonAltitude = sunAltitude(solarNoon, lat, lon);
  const reason = (threshold: number): MissingReason =>
    noonAltitude > threshold ? 'sunAlwaysAbove' : 'sunAlwaysBelow';
  if (out.sunrise === null || out.sunset === null) {
    const r = reason(SUNRISE_ALTITUDE);
    if (out.sunrise === null) out.missing.sunrise = r;
    if (out.sunset === null) out.missing.sunset = r;
    out.condition = r === 'sunAlwaysAbove' ? 'polarDay' : 'polarNight';
  }
  if (out.civilDawn === null || out.civilDusk === null) {
    const r = reason(CIVIL_TWILIGHT_ALTITUDE);
    if (out.civilDawn === null) out.missing.civilDawn = r;
    if (out.civilDusk === null) out.missing.civilDusk = r;
  }
  return out;
}

/**
 * True when the sun's centre is above `thresholdDeg` of geometric altitude at instant `at`.
 * The default is the sunrise altitude, so this turns true exactly at `sunEvents().sunrise`.
 */
export function isDaylight(at: number, lat: number, lon: number, thresholdDeg = SUNRISE_ALTITUDE): boolean {
  return sunAltitude(at, lat, lon) > thresholdDeg;
}
