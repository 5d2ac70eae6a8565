import { describe, expect, it } from 'vitest';
import {
  cabinetTelemetrySchema,
  commandLevel,
  installationSchema,
  lampModelSchema,
  lampSchema,
  lampTelemetrySchema,
  lightingCommandSchema,
  lightingEventSchema,
  groupSchema,
} from './model.ts';

const lampReading = {
  ts: 1_768_500_000_000,
  powerState: 'on',
  dimLevel: 80,
  activePower: 84.2,
  voltage: 231.4,
  current: 0.389,
  powerFactor: 0.935,
  driverTemperature: 47.5,
  burningHours: 12_345.6,
};
const cabinetReading = {
  ts: 1_768_500_000_000,
  activeEnergy: 15_234.25,
  activePower: 3_105.2,
  voltageL1: 229.8,
  voltageL2: 231.1,
  voltageL3: 230.4,
  currentL1: 4.7,
  currentL2: 4.8,
  currentL3: 4.6,
  mainsPresent: true,
  doorOpen: false,
};

describe('lamp telemetry', () => {
  it('accepts a plausible reading', () => {
    expect(lampTelemetrySchema.parse(lampReading)).toEqual(lampReading);
  });

  it.each([
    ['a dim level above 100', { dimLevel: 101 }],
    ['a negative power', { activePower: -1 }],
    ['a power factor above 1', { powerFactor: 1.2 }],
    ['an unknown power state', { powerState: 'dimmed' }],
    ['a fractional timestamp', { ts: 1.5 }],
    ['an extra field', { colour: 'amber' }],
    ['a voltage from another planet', { voltage: 1000 }],
  ])('rejects %s', (_, patch) => {
    expect(lampTelemetrySchema.safeParse({ ...lampReading, ...patch }).success).toBe(false);
  });

  it('rejects a reading with a field missing', () => {
    const { driverTemperature: _omitted, ...rest } = lampReading;
    expect(lampTelemetrySchema.safeParse(rest).success).toBe(false);
  });
});

describe('cabinet telemetry and events', () => {
  it('accepts a plausible cabinet reading and rejects a negative register', () => {
    expect(cabinetTelemetrySchema.safeParse(cabinetReading).success).toBe(true);
    expect(cabinetTelemetrySchema.safeParse({ ...cabinetReading, activeEnergy: -1 }).success).toBe(false);
    expect(cabinetTelemetrySchema.safeParse({ ...cabinetReading, mainsPresent: 'yes' }).success).toBe(false);
  });

  it.each([
    [{ ts: 1, type: 'door-open' }, true],
    [{ ts: 1, type: 'fault', detail: 'driver reports open LED string' }, true],
    [{ ts: 1, type: 'explosion' }, false],
    [{ ts: 1, type: 'fault', detail: '' }, false],
    [{ ts: 1, type: 'fault', severity: 'high' }, false],
  ])('event %j valid: %s', (e, ok) => {
    expect(lightingEventSchema.safeParse(e).success).toBe(ok);
  });
});

describe('commands', () => {
  it.each([
    [{ action: 'on' }, true, 100],
    [{ action: 'on', level: 60 }, true, 60],
    [{ action: 'dim', level: 30 }, true, 30],
    [{ action: 'off' }, true, 0],
    [{ action: 'dim' }, false, null],
    [{ action: 'off', level: 50 }, false, null],
    [{ action: 'on', level: 0 }, false, null],
    [{ action: 'dim', level: 101 }, false, null],
    [{ action: 'dim', level: 33.3 }, false, null],
    [{ action: 'blink' }, false, null],
    [{ action: 'on', extra: 1 }, false, null],
  ])('%j valid: %s, level %s', (c, ok, level) => {
    const r = lightingCommandSchema.safeParse(c);
    expect(r.success).toBe(ok);
    if (r.success) expect(commandLevel(r.data)).toBe(level);
  });
});

describe('assets', () => {
  it('an installation needs a real IANA zone', () => {
    const base = { id: 'inst-1', name: 'Synthetic town', latitude: 40.4, longitude: -3.7 };
    expect(installationSchema.safeParse({ ...base, timeZone: 'Europe/Madrid' }).success).toBe(true);
    expect(installationSchema.safeParse({ ...base, timeZone: 'Europe/Atlantis' }).success).toBe(false);
    expect(installationSchema.safeParse({ ...base, timeZone: 'Europe/Madrid', latitude: 91 }).success).toBe(false);
  });

  it('a lamp model gets the documented defaults', () => {
    const m = lampModelSchema.parse({
      id: 'led-100',
      name: 'LED 100 W',
      lampTechnology: 'LED',
      powerRating: 100,
      minDimLevel: 10,
      luminousFlux: 14_000,
    });
    expect(m).toMatchObject({ driverLoss: 0, standbyPower: 0.5, maxDriverTemperature: 85 });
  });

  it('a new lamp starts ok, off, with no burning hours', () => {
    const l = lampSchema.parse({
      id: 'lamp-1',
      installationId: 'inst-1',
      modelId: 'led-100',
      cabinetId: 'cab-1',
      groupId: 'grp-1',
      position: { x: 10, y: 20 },
      latitude: 40.41,
      longitude: -3.7,
    });
    expect(l).toMatchObject({ status: 'ok', powerState: 'off', illuminanceLevel: 0, burningHours: 0, switchCount: 0 });
    expect(lampSchema.safeParse({ ...l, id: 'lamp 1' }).success).toBe(false);
  });
});

describe('names and event details refuse unsafe characters (ASVS 5.1.3, 5.1.4)', () => {
  it.each([['NUL', 'Elm\u0000Street'], ['right-to-left override', 'Elm \u202EStreet'], ['lone surrogate', 'Elm\uD800']])('%s', (_what, text) => {
    expect(groupSchema.safeParse({ id: 'g-1', installationId: 'inst-1', name: text, kind: 'street' }).success).toBe(false);
    expect(lightingEventSchema.safeParse({ ts: 1_700_000_000_000, type: 'fault', detail: text }).success).toBe(false);
  });
  it('ordinary names stay allowed', () => {
    expect(groupSchema.safeParse({ id: 'g-1', installationId: 'inst-1', name: 'Rue de l’Église', kind: 'street' }).success).toBe(true);
  });
});
