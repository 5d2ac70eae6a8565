import { describe, expect, it } from 'vitest';
import { isDaylight, sunAltitude, sunEvents, type SunEventName } from './astro.ts';

// Reference times: U.S. Naval Observatory, Astronomical Applications API "rstt/oneday" (sun rise,
// set and civil twilight, UTC, rounded to the minute), for the coordinates below. A computed time
// must lie within 60 s of the published minute.
const places = {
  kyiv: { lat: 50.45466, lon: 30.5238, tz: 'Europe/Kyiv' },
  stockholm: { lat: 59.32938, lon: 18.06871, tz: 'Europe/Stockholm' },
  tromso: { lat: 69.6489, lon: 18.95508, tz: 'Europe/Oslo' },
  longyearbyen: { lat: 78.22334, lon: 15.64689, tz: 'Arctic/Longyearbyen' },
  reykjavik: { lat: 64.13548, lon: -21.89541, tz: 'Atlantic/Reykjavik' },
  buenosAires: { lat: -34.61315, lon: -58.37723, tz: 'America/Argentina/Buenos_Aires' },
  melbourne: { lat: -37.814, lon: 144.96332, tz: 'Australia/Melbourne' },
} as const;

type Ref = [place: keyof typeof places, localDate: string, event: SunEventName, utc: string];
const references: Ref[] = [
  ['kyiv', '2026-01-03', 'civilDawn', '2026-01-03T05:20Z'],
  ['kyiv', '2026-01-03', 'sunrise', '2026-01-03T05:58Z'],
  ['kyiv', '2026-01-03', 'sunset', '2026-01-03T14:07Z'],
  ['kyiv', '2026-01-03', 'civilDusk', '2026-01-03T14:45Z'],
  ['stockholm', '2026-12-21', 'civilDawn', '2026-12-21T06:48Z'],
  ['stockholm', '2026-12-21', 'sunrise', '2026-12-21T07:43Z'],
  ['stockholm', '2026-12-21', 'sunset', '2026-12-21T13:48Z'],
  ['stockholm', '2026-12-21', 'civilDusk', '2026-12-21T14:44Z'],
  ['stockholm', '2026-06-21', 'sunrise', '2026-06-21T01:31Z'],
  ['stockholm', '2026-06-21', 'sunset', '2026-06-21T20:08Z'],
  ['stockholm', '2026-06-21', 'civilDusk', '2026-06-21T21:40Z'],
  // High latitude: a short January day just after the polar night, and the equinox.
  ['tromso', '2026-01-18', 'civilDawn', '2026-01-18T07:48Z'],
  ['tromso', '2026-01-18', 'sunrise', '2026-01-18T09:52Z'],
  ['tromso', '2026-01-18', 'sunset', '2026-01-18T11:58Z'],
  ['tromso', '2026-01-18', 'civilDusk', '2026-01-18T14:02Z'],
  ['tromso', '2026-03-20', 'sunrise', '2026-03-20T04:44Z'],
  ['tromso', '2026-03-20', 'sunset', '2026-03-20T17:02Z'],
  ['tromso', '2026-12-21', 'civilDawn', '2026-12-21T08:31Z'],
  ['tromso', '2026-12-21', 'civilDusk', '2026-12-21T12:53Z'],
  // Southern hemisphere, winter and summer.
  ['buenosAires', '2026-06-21', 'civilDawn', '2026-06-21T10:32Z'],
  ['buenosAires', '2026-06-21', 'sunrise', '2026-06-21T11:00Z'],
  ['buenosAires', '2026-06-21', 'sunset', '2026-06-21T20:50Z'],
  ['buenosAires', '2026-06-21', 'civilDusk', '2026-06-21T21:18Z'],
  ['buenosAires', '2026-01-03', 'sunrise', '2026-01-03T08:46Z'],
  ['buenosAires', '2026-01-03', 'sunset', '2026-01-03T23:10Z'],
  // Melbourne (UTC+10): the local morning of 22 June is still 21 June in UTC.
  ['melbourne', '2026-06-21', 'sunset', '2026-06-21T07:08Z'],
  ['melbourne', '2026-06-21', 'civilDusk', '2026-06-21T07:38Z'],
  ['melbourne', '2026-06-22', 'civilDawn', '2026-06-21T21:06Z'],
  ['melbourne', '2026-06-22', 'sunrise', '2026-06-21T21:36Z'],
  // Midsummer in Reykjavík: the sunset of 20 June is at 00:03 on the 21st.
  ['reykjavik', '2026-06-20', 'sunset', '2026-06-21T00:03Z'],
];

describe('sunEvents against published USNO times', () => {
  it.each(references)('%s %s %s is within a minute of %s', (place, date, event, utc) => {
    const p = places[place];
    const got = sunEvents(date, p.lat, p.lon, p.tz)[event];
    expect(got).not.toBeNull();
    expect(Math.abs(got! - Date.parse(utc))).toBeLessThanOrEqual(60_000);
  });
});

describe('sunEvents when the sun does not rise or set', () => {
  it('Tromsø at the December solstice: polar night, yet civil twilight around noon', () => {
    const p = places.tromso;
    const e = sunEvents('2026-12-21', p.lat, p.lon, p.tz);
    expect(e.condition).toBe('polarNight');
    expect(e.sunrise).toBeNull();
    expect(e.sunset).toBeNull();
    expect(e.missing).toEqual({ sunrise: 'sunAlwaysBelow', sunset: 'sunAlwaysBelow' });
    expect(e.civilDawn).not.toBeNull();
  });

  it('Tromsø at the June solstice: midnight sun, nothing sets', () => {
    const p = places.tromso;
    const e = sunEvents('2026-06-21', p.lat, p.lon, p.tz);
    expect(e.condition).toBe('polarDay');
    expect(e.missing).toEqual({
      sunrise: 'sunAlwaysAbove',
      sunset: 'sunAlwaysAbove',
      civilDawn: 'sunAlwaysAbove',
      civilDusk: 'sunAlwaysAbove',
    });
  });

  it('Longyearbyen at the December solstice: not even civil twilight', () => {
    const p = places.longyearbyen;
    const e = sunEvents('2026-12-21', p.lat, p.lon, p.tz);
    expect(e.condition).toBe('polarNight');
    expect(e.missing.civilDawn).toBe('sunAlwaysBelow');
    expect(e.missing.civilDusk).toBe('sunAlwaysBelow');
  });

  it('Reykjavík at midsummer: the sun sets but it never gets darker than civil twilight', () => {
    const p = places.reykjavik;
    const e = sunEvents('2026-06-20', p.lat, p.lon, p.tz);
    expect(e.condition).toBe('normal');
    expect(e.sunset).not.toBeNull();
    expect(e.civilDusk).toBeNull();
    expect(e.missing.civilDusk).toBe('sunAlwaysAbove');
  });
});

describe('isDaylight', () => {
  const kyiv = places.kyiv;
  const e = sunEvents('2026-01-03', kyiv.lat, kyiv.lon, kyiv.tz);

  it.each([
    ['a minute before sunrise', e.sunrise! - 60_000, false],
    ['a minute after sunrise', e.sunrise! + 60_000, true],
    ['solar noon', e.solarNoon, true],
    ['a minute before sunset', e.sunset! - 60_000, true],
    ['a minute after sunset', e.sunset! + 60_000, false],
    ['solar midnight', e.nadir, false],
  ])('in Kyiv on 3 January, %s is daylight: %s', (_, at, expected) => {
    expect(isDaylight(at, kyiv.lat, kyiv.lon)).toBe(expected);
  });

  it('flips exactly at the computed sunrise (same altitude definition)', () => {
    expect(sunAltitude(e.sunrise!, kyiv.lat, kyiv.lon)).toBeCloseTo(-0.833, 2);
    expect(sunAltitude(e.civilDusk!, kyiv.lat, kyiv.lon)).toBeCloseTo(-6, 2);
  });

  it('Tromsø noon in polar night is not daylight, but is civil twilight with a -6° threshold', () => {
    const p = places.tromso;
    const noon = sunEvents('2026-12-21', p.lat, p.lon, p.tz).solarNoon;
    expect(isDaylight(noon, p.lat, p.lon)).toBe(false);
    expect(isDaylight(noon, p.lat, p.lon, -6)).toBe(true);
  });

  it('Tromsø midnight at midsummer is daylight', () => {
    const p = places.tromso;
    expect(isDaylight(Date.parse('2026-06-21T22:00:00Z'), p.lat, p.lon)).toBe(true);
  });
});
