// Lighting pilot: an astronomical schedule ("on at sunset, dim to 40 % at sunset + 30 min") is
// assigned to one group only, and the pilot's clock is driven through the installation's sunset
// in steps (5 pilot minutes, 1 minute near the due times), each step held until the scheduler has
// ticked and the commands it issued have arrived: virtual time, so that a busy machine delays the
// run but not the pilot-clock instants measured. Every lamp of that group must receive the switch
// commands at the right pilot-clock time, and the lamps of the other group none. The expected
// instants come from SunCalc directly for the installation's coordinates (what is checked is the
// pilot's whole path: schedule, programme day, scheduler tick, commands, MQTT delivery).
import { getTimes } from 'suncalc';
import { connectLamp, LT, provisionTown, type LampNode } from '../support/lighting.ts';
import type { Scenario } from '../types.ts';

const TICK_MS = 50;
const DIM_AFTER_MIN = 30;
const TOLERANCE_MS = 2 * 60_000;
const DAY = '2026-03-20'; // equinox: sunset near 18:40 local in the demo town

export const lightingAstroSchedule: Scenario = {
  id: 'lighting.astro-schedule',
  title: 'An astronomical schedule switches and dims the right group at the right (accelerated) time',
  requirement: 'Lighting pilot (docs/architecture.md "Pilots": astronomical clock, dimming programmes); TALQ calendar/astro control programme',
  indicator: 'latest deviation of a lamp’s switch command from its astronomical due time (pilot clock); commands to lamps of other groups',
  criterion: `every lamp of the scheduled group gets "on" at sunset and "dim 40 %" at sunset + ${DIM_AFTER_MIN} min, each within 0…${TOLERANCE_MS / 60_000} min; 0 commands to other groups`,
  profile: 'fast',
  needs: ['lighting'],
  timeoutMs: 60_000,
  async run(ctx) {
    // The pilot's clock stands still until the town is ready, then moves only in steps.
    const clock = { at: Date.parse(`${DAY}T12:00:00Z`) };
    const now = () => clock.at;
    const h = await ctx.boot({ pilots: ['lighting'], pilotOptions: { lighting: { now, tickMs: TICK_MS, commsLossIntervals: 0 } } });
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const operator = await h.as(h.tenants.a.users.operator);
    const town = await provisionTown(admin, 20);
    const site = town.extra.installation;
    const sunsetDate = getTimes(new Date(`${DAY}T12:00:00Z`), site.latitude, site.longitude).sunset as Date | null;
    if (!sunsetDate) throw new Error(`no sunset at ${site.latitude}, ${site.longitude} on ${DAY}`);
    const sunset = sunsetDate.getTime();
    clock.at = sunset - 10 * 60_000;
    const groups = [...new Set(town.extra.lamps.map((l) => l.groupId))];
    if (groups.length < 2) throw new Error('the demo town needs two groups');
    const [target, other] = groups as [string, string];

    // Only our schedule: the demo programme is removed first.
    for (const s of (await operator.get(`${LT}/schedules`)).body.items as { id: string }[]) await operator.delete(`${LT}/schedules/${s.id}`);
    const created = await operator.post(`${LT}/schedules`, {
      name: 'Validation: on at sunset, dim after 30 min',
      steps: [
        { at: { kind: 'astro', event: 'sunset', offsetMinutes: 0 }, level: 100 },
        { at: { kind: 'astro', event: 'sunset', offsetMinutes: DIM_AFTER_MIN }, level: 40 },
        { at: { kind: 'astro', event: 'sunrise', offsetMinutes: 0 }, level: 0 },
      ],
      assignedGroups: [target],
    });
    if (created.status !== 201) throw new Error(`schedule refused: ${created.status} ${JSON.stringify(created.body)}`);

    const lampsOf = (g: string) => town.extra.lamps.filter((l) => l.groupId === g).slice(0, 4);
    const nodes: { group: string; node: LampNode }[] = [];
    for (const l of [...lampsOf(target), ...lampsOf(other)]) {
      nodes.push({ group: l.groupId, node: await connectLamp(h.platform.mqttPort, town.tenantId, town.devices.find((d) => d.id === l.id)!, now) });
    }
    ctx.defer(async () => {
      for (const n of nodes) await n.node.close().catch(() => undefined);
    });

    // Commands queued before the clock moves (the level in force at provisioning, "off" in
    // daylight) are delivered on connect; only what the schedule does from now on counts.
    const received = () => nodes.reduce((k, n) => k + n.node.commands.length, 0);
    const settle = async () => {
      // At least two scheduler ticks, then until no command has arrived for 100 ms.
      await new Promise((r) => setTimeout(r, 3 * TICK_MS));
      for (let seen = -1; seen !== received(); ) {
        seen = received();
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await settle();
    const beforeStart = received();
    for (const n of nodes) n.node.commands.length = 0;

    const due = [
      { level: 100, at: sunset },
      { level: 40, at: sunset + DIM_AFTER_MIN * 60_000 },
    ];
    const endAt = sunset + (DIM_AFTER_MIN + 8) * 60_000;
    let steps = 0;
    while (clock.at < endAt) {
      const near = due.some((d) => Math.abs(d.at - clock.at) <= 3 * 60_000);
      clock.at += near ? 60_000 : 5 * 60_000;
      steps++;
      await settle();
    }
    const rows = nodes
      .filter((n) => n.group === target)
      .map(({ node }) => ({
        lamp: node.id,
        steps: due.map((d) => {
          const got = node.commands.find((c) => c.name === 'switch' && c.params['level'] === d.level);
          return { level: d.level, deviationMs: got ? got.at - d.at : null };
        }),
      }));
    const deviations = rows.flatMap((r) => r.steps.map((s) => s.deviationMs));
    const missing = deviations.filter((d) => d === null).length;
    const present = deviations.filter((d): d is number => d !== null);
    const early = present.filter((d) => d < 0).length;
    const worst = present.length ? Math.max(...present.map(Math.abs)) : null;
    const strays = nodes.filter((n) => n.group !== target).reduce((k, n) => k + n.node.commands.length, 0);
    return {
      measured: missing ? `${missing} switch(es) missing` : `${Math.round((worst ?? 0) / 1000)} s`,
      unit: missing ? '' : 'latest deviation (pilot clock)',
      pass: missing === 0 && early === 0 && worst !== null && worst <= TOLERANCE_MS && strays === 0,
      evidence: {
        date: DAY,
        site: { latitude: site.latitude, longitude: site.longitude, timeZone: site.timeZone },
        sunsetUtc: new Date(sunset).toISOString(),
        sunsetLocal: new Date(sunset).toLocaleString('en-GB', { timeZone: site.timeZone }),
        clockSteps: steps,
        scheduledGroup: target,
        lamps: rows,
        earlySwitches: early,
        commandsDeliveredBeforeClockStart: beforeStart,
        commandsToOtherGroup: strays,
        otherGroupCommands: nodes.filter((n) => n.group !== target).flatMap((n) => n.node.commands.map((c) => ({ lamp: n.node.id, name: c.name, params: c.params, atMinutesAfterSunset: Math.round((c.at - sunset) / 60_000) }))).slice(0, 10),
      },
      series: {
        label: 'Deviation of each switch from its due time (pilot clock)',
        kind: 'bar',
        xLabel: 'lamp × step',
        yLabel: 's',
        points: present.map((d, i) => [i + 1, Math.round(d / 1000)]),
        threshold: TOLERANCE_MS / 1000,
      },
    };
  },
};
