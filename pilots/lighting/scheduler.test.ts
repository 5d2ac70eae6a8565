import { describe, expect, it } from 'vitest';
import { sunEvents, zonedTimeToUtc, type Schedule } from './domain/index.ts';
import { activeOverride, overrideId, type StoredOverride } from './schedules.ts';
import { planTick, Scheduler, type LampRef, type PlannedSwitch, type SchedulerSnapshot } from './scheduler.ts';

const site = { latitude: 41.39, longitude: 2.17, timeZone: 'Europe/Madrid' };
/** Local wall time in Madrid on a January day (UTC+1). */
const at = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return zonedTimeToUtc(date, h * 60 + m, site.timeZone).ms;
};
const D = '2026-01-15';
const D1 = '2026-01-16';

const nightly: Schedule = {
  id: 'night',
  name: 'night',
  steps: [
    { at: { kind: 'fixed', time: '20:00' }, level: 100 },
    { at: { kind: 'fixed', time: '23:00' }, level: 50 },
    { at: { kind: 'fixed', time: '06:00' }, level: 0 },
  ],
  exceptions: [],
  assignedGroups: ['g1', 'g2'],
  dayStart: '12:00',
};

const lamps: LampRef[] = [
  { id: 'l1', groupId: 'g1', cabinetId: 'c1' },
  { id: 'l2', groupId: 'g1', cabinetId: 'c1' },
  { id: 'l3', groupId: 'g2', cabinetId: 'c2' },
  { id: 'l4', groupId: 'g3', cabinetId: 'c2' }, // a group without a schedule
];

function snapshot(schedules: Schedule[], overrides: StoredOverride[] = []): SchedulerSnapshot {
  return {
    site,
    schedules,
    lampsOfGroup: (g) => lamps.filter((l) => l.groupId === g),
    lampsCoveredBy: (o) =>
      lamps.filter((l) => (o.scope === 'lamp' ? l.id : o.scope === 'group' ? l.groupId : l.cabinetId) === o.targetId),
    overrideFor: (l, t) =>
      activeOverride(
        overrides.filter((o) => o.id === overrideId('lamp', l.id) || o.id === overrideId('group', l.groupId) || o.id === overrideId('cabinet', l.cabinetId)),
        t,
      ),
    expiredOverrides: (t) => overrides.filter((o) => o.until !== null && o.until <= t),
  };
}

const override = (scope: StoredOverride['scope'], targetId: string, level: number, until: number | null, createdAt = 0): StoredOverride => ({
  id: overrideId(scope, targetId),
  scope,
  targetId,
  level,
  until,
  createdAt,
  batchId: 'b',
  createdBy: 'user:op',
});

describe('planTick: what a tick window makes due', () => {
  const cases: { name: string; from: number; to: number; expected: { groupId: string; level: number; lampIds: string[] }[] }[] = [
    { name: 'nothing before the first step of the night', from: at(D, '18:00'), to: at(D, '19:59'), expected: [] },
    {
      name: 'crossing 20:00 switches every lamp of each assigned group on, one batch per group',
      from: at(D, '19:59'),
      to: at(D, '20:01'),
      expected: [
        { groupId: 'g1', level: 100, lampIds: ['l1', 'l2'] },
        { groupId: 'g2', level: 100, lampIds: ['l3'] },
      ],
    },
    {
      name: 'a window holding several steps sends only the level last in force',
      from: at(D, '19:00'),
      to: at(D, '23:30'),
      expected: [
        { groupId: 'g1', level: 50, lampIds: ['l1', 'l2'] },
        { groupId: 'g2', level: 50, lampIds: ['l3'] },
      ],
    },
    {
      name: 'a step exactly at the end of the window is due (the window is (from, to])',
      from: at(D1, '05:00'),
      to: at(D1, '06:00'),
      expected: [
        { groupId: 'g1', level: 0, lampIds: ['l1', 'l2'] },
        { groupId: 'g2', level: 0, lampIds: ['l3'] },
      ],
    },
    { name: 'a step exactly at the start of the window was the previous tick’s', from: at(D1, '06:00'), to: at(D1, '07:00'), expected: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planTick(snapshot([nightly]), c.from, c.to);
      expect(plan.switches.map(({ groupId, level, lampIds }) => ({ groupId, level, lampIds }))).toEqual(c.expected);
      expect(plan.switches.every((s) => s.reason === 'schedule' && s.scheduleId === 'night')).toBe(true);
    });
  }

  it('the switch carries the instant of the step that made it due', () => {
    const [sw] = planTick(snapshot([nightly]), at(D, '19:00'), at(D, '23:30')).switches;
    expect(sw?.at).toBe(at(D, '23:00'));
  });

  it('a lamp held by a manual override is left out, its group mates are switched', () => {
    const plan = planTick(snapshot([nightly], [override('lamp', 'l1', 30, at(D, '22:00'))]), at(D, '19:59'), at(D, '20:01'));
    expect(plan.switches.find((s) => s.groupId === 'g1')?.lampIds).toEqual(['l2']);
  });

  it('a group override holds the whole group; the other group still follows the schedule', () => {
    const plan = planTick(snapshot([nightly], [override('group', 'g1', 20, null)]), at(D, '19:59'), at(D, '20:01'));
    expect(plan.switches.map((s) => s.groupId)).toEqual(['g2']);
  });

  it('when an override lapses its lamps get the level the schedule has in force then', () => {
    const o = override('group', 'g1', 20, at(D, '21:00'));
    const plan = planTick(snapshot([nightly], [o]), at(D, '20:30'), at(D, '21:05'));
    expect(plan.switches).toEqual([
      { groupId: 'g1', scheduleId: 'night', level: 100, at: at(D, '21:00'), reason: 'override-expired', lampIds: ['l1', 'l2'] },
    ]);
    expect(plan.dropOverrides).toEqual([o.id]);
  });

  it('a lapsed group override does not resume a lamp that its own newer override still holds', () => {
    const plan = planTick(
      snapshot([nightly], [override('group', 'g1', 20, at(D, '21:00'), 1), override('lamp', 'l2', 70, at(D, '23:59'), 2)]),
      at(D, '20:30'),
      at(D, '21:05'),
    );
    expect(plan.switches.map((s) => s.lampIds)).toEqual([['l1']]);
  });

  it('a lapsed override of a lamp in an unscheduled group is dropped without a command', () => {
    const o = override('lamp', 'l4', 100, at(D, '21:00'));
    const plan = planTick(snapshot([nightly], [o]), at(D, '20:30'), at(D, '21:05'));
    expect(plan.switches).toEqual([]);
    expect(plan.dropOverrides).toEqual([o.id]);
  });

  it('a resynchronised group gets the level in force even with no step in the window, held lamps excepted', () => {
    const plan = planTick(snapshot([nightly], [override('lamp', 'l2', 30, null)]), at(D, '21:00'), at(D, '21:00'), new Set(['g1']));
    expect(plan.switches).toEqual([
      { groupId: 'g1', scheduleId: 'night', level: 100, at: at(D, '21:00'), reason: 'resync', lampIds: ['l1'] },
    ]);
    const all = planTick(snapshot([nightly]), at(D1, '10:00'), at(D1, '10:05'), 'all');
    expect(all.switches.map((s) => [s.groupId, s.level, s.reason])).toEqual([
      ['g1', 0, 'resync'],
      ['g2', 0, 'resync'],
    ]);
  });

  it('an astronomical step fires when the window crosses that day’s sunset', () => {
    const dusk: Schedule = { ...nightly, steps: [{ at: { kind: 'astro', event: 'sunset', offsetMinutes: 0 }, level: 100 }] };
    const sunset = sunEvents(D, site.latitude, site.longitude, site.timeZone).sunset!;
    expect(planTick(snapshot([dusk]), sunset - 120_000, sunset - 1).switches).toEqual([]);
    const sw = planTick(snapshot([dusk]), sunset - 1, sunset + 60_000).switches;
    expect(sw.map((s) => [s.groupId, s.level, s.at])).toEqual([
      ['g1', 100, sunset],
      ['g2', 100, sunset],
    ]);
  });
});

describe('Scheduler: ticks on an injected clock into a command sink', () => {
  function rig(overrides: StoredOverride[] = []) {
    let now = at(D, '19:00');
    const sent: PlannedSwitch[] = [];
    const dropped: string[] = [];
    const marks: number[] = [];
    const list = [...overrides];
    const scheduler = new Scheduler(
      {
        now: () => now,
        snapshot: () => snapshot([nightly], list),
        issue: async (sw) => void sent.push(sw),
        dropOverrides: async (ids) => {
          dropped.push(...ids);
          for (const id of ids) list.splice(list.findIndex((o) => o.id === id), 1);
        },
        saveMark: async (m) => void marks.push(m),
      },
      now,
    );
    return { scheduler, sent, dropped, marks, set: (t: number) => (now = t) };
  }

  it('a night of ticks sends on, dim and off once each per group, in order', async () => {
    const r = rig();
    for (let t = at(D, '19:00'); t <= at(D1, '08:00'); t += 15 * 60_000) {
      r.set(t);
      await r.scheduler.tick();
    }
    expect(r.sent.filter((s) => s.groupId === 'g1').map((s) => s.level)).toEqual([100, 50, 0]);
    expect(r.sent).toHaveLength(6);
    expect(r.marks).toHaveLength(3); // the mark moves only when something was sent
  });

  it('an override expiring mid-night resumes the schedule and is removed', async () => {
    const r = rig([override('group', 'g1', 10, at(D, '21:00'))]);
    r.set(at(D, '20:05'));
    await r.scheduler.tick();
    expect(r.sent.map((s) => s.groupId)).toEqual(['g2']);
    r.set(at(D, '21:01'));
    await r.scheduler.tick();
    expect(r.sent.at(-1)).toMatchObject({ groupId: 'g1', level: 100, reason: 'override-expired' });
    expect(r.dropped).toEqual(['group:g1']);
    r.set(at(D, '21:30'));
    expect(await r.scheduler.tick()).toEqual([]);
  });

  it('a resync asked for between ticks is carried out on the next tick, even if the clock stood still', async () => {
    const r = rig();
    r.set(at(D, '21:00'));
    await r.scheduler.tick();
    r.scheduler.resync(['g2']);
    expect((await r.scheduler.tick()).map((s) => [s.groupId, s.level, s.reason])).toEqual([['g2', 100, 'resync']]);
    expect(await r.scheduler.tick()).toEqual([]); // once only
  });

  it('a clock that steps back replays nothing and starts again from the new present', async () => {
    const r = rig();
    r.set(at(D, '20:30'));
    await r.scheduler.tick();
    r.set(at(D, '19:30'));
    expect(await r.scheduler.tick()).toEqual([]);
    expect(r.scheduler.mark).toBe(at(D, '19:30'));
  });

  it('a failing sink for one group does not stop the other group’s switch', async () => {
    const errors: string[] = [];
    const sent: string[] = [];
    let now = at(D, '19:59');
    const s = new Scheduler(
      {
        now: () => now,
        snapshot: () => snapshot([nightly]),
        issue: async (sw) => {
          if (sw.groupId === 'g1') throw new Error('store down');
          sent.push(sw.groupId);
        },
        dropOverrides: async () => undefined,
        onError: (_err, sw) => void errors.push(sw.groupId),
      },
      now,
    );
    now = at(D, '20:01');
    await s.tick();
    expect(sent).toEqual(['g2']);
    expect(errors).toEqual(['g1']);
  });
});
