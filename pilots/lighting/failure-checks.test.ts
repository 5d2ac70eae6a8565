// Failure detection wired to a tenant, over in-memory ports: the level a lamp should show is the
// last commanded one, else its schedule's; a lamp gone silent gets a comms-loss alarm that its
// reconnection and readings clear; every reading of a lamp is announced on `lt.lamp`.
import { describe, expect, it } from 'vitest';
import { levelAt, type LevelSource } from './domain/index.ts';
import { sourceOf } from './detection.ts';
import { FailureChecks } from './failure-checks.ts';
import type { LightingReading } from './index.ts';
import { testTenant } from './testing.ts';
import { LightingViews } from './views.ts';

const START = Date.UTC(2026, 0, 15, 12);
const levelOf = (src: LevelSource, ts: number) => (typeof src === 'number' ? src : src(ts));
const MINUTE = 60_000;

async function setup() {
  const t = await testTenant({ lamps: 4, start: START, options: { commsLossIntervals: 3, reportIntervalMs: MINUTE } });
  const parts = await t.parts();
  return { t, parts, checks: new FailureChecks(parts, new LightingViews(parts)) };
}

const reading = (deviceId: string, ts: number, dimLevel: number): LightingReading =>
  ({
    tenantId: 'tenant-a',
    deviceId,
    kind: 'lamp',
    subject: null,
    id: `r-${ts}`,
    ts,
    receivedAt: ts,
    family: 'telemetry',
    data: { ts, powerState: dimLevel ? 'on' : 'off', dimLevel, activePower: dimLevel ? 60 : 0.5, voltage: 230, current: 0.3, powerFactor: 0.95, driverTemperature: 40, burningHours: 10 },
  }) as unknown as LightingReading;

describe('FailureChecks', () => {
  it('judges a lamp by its last command, else by its schedule', async () => {
    const { t, parts, checks } = await setup();
    const lamp = t.inv.lamps[0]!;
    const night = START + 12 * 3_600_000;
    const scheduled = levelAt(t.inv.schedule, t.inv.installation, night);
    expect(scheduled).toBeGreaterThan(0);
    expect(levelOf(checks.levelSource(lamp), night)).toBe(scheduled);
    parts.state.commanded(lamp.id, 35, START);
    expect(levelOf(checks.levelSource(lamp), night)).toBe(35);
  });

  it('learns at rescan the switch commands another node issued, in time order with its own', async () => {
    const { t, parts, checks } = await setup();
    const [lamp, other] = t.inv.lamps as [(typeof t.inv.lamps)[number], (typeof t.inv.lamps)[number]];
    const night = START + 12 * 3_600_000;
    const scheduled = levelAt(t.inv.schedule, t.inv.installation, night);
    // Another node switched the lamp off without a hold: only the store knows.
    t.clock.platform = 5_000;
    await parts.ctx.commands.create({ deviceId: lamp.id, name: 'switch', payload: { action: 'off', level: 0 }, ttlMs: MINUTE });
    await parts.ctx.commands.create({ deviceId: other.id, name: 'simulate', payload: { scenario: 'lamp-failure', level: 7 }, ttlMs: MINUTE });
    expect(levelOf(checks.levelSource(lamp), night)).toBe(scheduled);
    await checks.rescan();
    expect(levelOf(checks.levelSource(lamp), night)).toBe(0);
    expect(levelOf(checks.levelSource(other), night)).toBe(scheduled); // not a switch command
    // A command issued here later wins over the one learnt; learning again changes nothing.
    parts.state.commanded(lamp.id, 40, parts.now() + MINUTE);
    await checks.rescan();
    expect(levelOf(checks.levelSource(lamp), night)).toBe(40);
    expect(parts.state.lamps.get(lamp.id)?.commanded.map((c) => c.level)).toEqual([0, 40]);
  });

  it('a lamp silent for three intervals gets a comms-loss alarm; heard again, it is cleared', async () => {
    const { t, parts, checks } = await setup();
    const lamp = t.inv.lamps[0]!;
    const source = sourceOf('lamp', lamp.id);
    for (const l of t.inv.lamps) await checks.onReadings([reading(l.id, START, 0)]);
    for (const c of t.inv.cabinets) checks.onPresence(c.id, 'cabinet', true);
    expect(t.events.filter((e) => e.type === 'lt.lamp')).toHaveLength(t.inv.lamps.length);
    t.clock.t = START + 2 * MINUTE;
    for (const l of t.inv.lamps.slice(1)) checks.onPresence(l.id, 'lamp', true);
    for (const c of t.inv.cabinets) checks.onPresence(c.id, 'cabinet', true);
    t.clock.t = START + 4 * MINUTE;
    await parts.serial(() => checks.sweepComms());
    expect(parts.alarms.activeFor(source).map((a) => a.type)).toEqual(['comms-loss']);
    expect(parts.alarms.activeFor(sourceOf('lamp', t.inv.lamps[1]!.id))).toEqual([]);
    checks.onPresence(lamp.id, 'lamp', true);
    await parts.serial(() => checks.sweepComms());
    expect(parts.alarms.activeFor(source)).toEqual([]);
  });
});
