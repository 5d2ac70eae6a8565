// The scheduler as a once-across-the-cluster job: which planned switch a group's step marker makes
// new, incomplete or done (table); and two runners over one in-memory store standing for two
// nodes: only the holder issues, the node that takes over resumes from the stored mark and markers
// (a step due while no one held the job fires once; a step the earlier holder issued is completed,
// never doubled), a stale holder writes nothing, and in cluster mode a schedule changed on another
// node reaches the holder. The real lease and store are test/lighting/cluster.int.test.ts.
import { describe, expect, it } from 'vitest';
import { StaleLeaseError } from '../../platform/errors.ts';
import type { PilotSingleton } from '../../platform/pilot.ts';
import { sunEvents, zonedTimeToUtc, type Schedule } from './domain/index.ts';
import { RECORD } from './inventory.ts';
import { ScheduleRunner, changedGroups, stepAction, type StepMarker } from './schedule-runner.ts';
import type { PlannedSwitch } from './scheduler.ts';
import { DEMO_SITE } from './seed.ts';
import { testTenant } from './testing.ts';

const DAY = '2026-01-15';
const local = (hhmm: string) => {
  const [hh, mm] = hhmm.split(':').map(Number) as [number, number];
  return zonedTimeToUtc(DAY, hh * 60 + mm, DEMO_SITE.timeZone).ms;
};
const SUNSET = sunEvents(DAY, DEMO_SITE.latitude, DEMO_SITE.longitude, DEMO_SITE.timeZone).sunset!;

const sw = (o: Partial<PlannedSwitch> = {}): PlannedSwitch => ({ groupId: 'g', scheduleId: 's', level: 100, at: 1000, reason: 'schedule', lampIds: ['l1'], ...o });
const marker = (o: Partial<StepMarker> = {}): StepMarker => ({ groupId: 'g', scheduleId: 's', level: 100, at: 1000, reason: 'schedule', batchId: 'b', ...o });

describe('stepAction', () => {
  it.each([
    ['no marker: a new step', null, sw(), 'issue'],
    ['marker of an earlier step', marker({ at: 900 }), sw(), 'issue'],
    ['marker of another schedule', marker({ scheduleId: 'other' }), sw(), 'issue'],
    ['marker of this very step: complete its batch', marker(), sw(), 'complete'],
    ['marker of a later step: done', marker({ at: 1100 }), sw(), 'skip'],
    ['same instant, another level (a resync marked it): done', marker({ level: 50 }), sw(), 'skip'],
    ['a resync is always sent', marker({ at: 5000 }), sw({ reason: 'resync' }), 'issue'],
    ['a lapsed override resumed at the marked instant: complete', marker({ reason: 'override-expired' }), sw({ reason: 'override-expired' }), 'complete'],
  ] as const)('%s', (_what, m, s, expected) => {
    expect(stepAction(m, s)).toBe(expected);
  });
});

describe('changedGroups', () => {
  const s = (id: string, groups: string[], level = 100): Schedule => ({
    id,
    name: id,
    steps: [{ at: { kind: 'fixed', time: '20:00' }, level }],
    exceptions: [],
    assignedGroups: groups,
    dayStart: '12:00',
  });
  it.each([
    ['nothing changed', [s('a', ['g1'])], [s('a', ['g1'])], []],
    ['a new schedule', [], [s('a', ['g1', 'g2'])], ['g1', 'g2']],
    ['an edited step', [s('a', ['g1'])], [s('a', ['g1'], 60)], ['g1']],
    ['a group added', [s('a', ['g1'])], [s('a', ['g1', 'g3'])], ['g1', 'g3']],
    ['a schedule deleted (its groups keep their level)', [s('a', ['g1'])], [], []],
  ] as const)('%s', (_what, before, after, groups) => {
    const map = (list: readonly Schedule[]) => new Map(list.map((x) => [x.id, x]));
    expect([...changedGroups(map(before), map(after))].sort()).toEqual(groups);
  });
});

// ---- two runners over one store ----------------------------------------------------------------

/** A job driven by hand: held or not, a new epoch on each gain, stale when the store moved on. */
function handJob(shared: boolean) {
  const s = { held: false, epoch: 0, stale: false };
  const job: PilotSingleton = {
    name: 'scheduler',
    shared,
    held: () => s.held,
    epoch: () => s.epoch,
    onChange: () => () => undefined,
    fence: async (write) => {
      if (!s.held || s.stale) throw new StaleLeaseError('lost');
      return write();
    },
  };
  return {
    job,
    gain: () => Object.assign(s, { held: true, epoch: s.epoch + 1, stale: false }),
    lose: () => Object.assign(s, { held: false }),
    goStale: () => Object.assign(s, { stale: true }),
  };
}

async function world() {
  const t = await testTenant({ start: local('13:00'), options: { clusterRescanMs: 100 } });
  async function node(shared = true) {
    const hand = handJob(shared);
    const parts = await t.parts();
    const runner = await ScheduleRunner.start(parts, hand.job, t.clock.t);
    return { ...hand, runner, parts };
  }
  const lamps = t.inv.lamps.map((l) => l.id).sort();
  const sentAt = (level: number) => t.commands.sent.filter((c) => c.payload.level === level).map((c) => c.deviceId).sort();
  return { ...t, node, lamps, sentAt };
}

describe('ScheduleRunner across two nodes', () => {
  it('only the holder issues; the node that takes over issues a step due in between, once', async () => {
    const w = await world();
    const a = await w.node();
    const b = await w.node();
    a.gain();
    expect((await a.runner.tick()).map((s) => s.reason)).toContain('resync');
    expect(await b.runner.tick()).toEqual([]);
    expect(w.sentAt(0)).toEqual(w.lamps);

    w.clock.t = SUNSET + 60_000;
    await a.runner.tick();
    await b.runner.tick();
    expect(w.sentAt(100)).toEqual(w.lamps);

    // The holder goes; the 23:00 step falls due while no one holds the job; b takes it over.
    a.lose();
    w.clock.t = local('23:05');
    expect(await a.runner.tick()).toEqual([]);
    b.gain();
    expect((await b.runner.tick()).map((s) => [s.reason, s.level])).toEqual(w.inv.groups.map(() => ['schedule', 50]));
    expect(await b.runner.tick()).toEqual([]);
    expect([w.sentAt(0), w.sentAt(100), w.sentAt(50)]).toEqual([w.lamps, w.lamps, w.lamps]);
    expect(w.commands.sent).toHaveLength(3 * w.lamps.length);
  });

  it('the node that takes over resumes from the store: its own start-up resync is dropped, its stale inventory re-read', async () => {
    const w = await world();
    // Both started with no mark: each would put every group at the level in force on its first pass.
    const a = await w.node();
    const b = await w.node();
    b.gain();
    await b.runner.tick();
    expect(w.sentAt(0)).toEqual(w.lamps);
    b.lose();
    w.clock.t += 30 * 60_000;
    a.gain();
    expect(await a.runner.tick()).toEqual([]);
    expect(w.commands.sent).toHaveLength(w.lamps.length);
    // A lamp added on b after a loaded its inventory: a takes the job back and switches it too.
    a.lose();
    b.gain();
    const lamp = { ...w.inv.lamps[0]!, id: 'tenant-a-lamp-new' };
    await b.parts.inventory.save(w.records, { lamps: [lamp] }, w.clock.t);
    b.lose();
    a.gain();
    w.clock.t = SUNSET + 60_000;
    await a.runner.tick();
    expect(w.sentAt(100)).toEqual([...w.lamps, lamp.id].sort());
  });

  it('a step the earlier holder issued in part before it stopped is completed, never doubled', async () => {
    const w = await world();
    const a = await w.node();
    const b = await w.node();
    a.gain();
    await a.runner.tick();
    const mark = (await w.records.get(RECORD.schedulerMark, 'mark'))!.data;
    w.clock.t = SUNSET + 60_000;
    w.commands.failAfter(2); // the node stops after two of the dusk commands
    await a.runner.tick();
    expect(w.sentAt(100)).toHaveLength(2);
    expect((await w.records.get(RECORD.schedulerMark, 'mark'))!.data).toEqual(mark);
    a.lose();
    w.commands.failAfter(Infinity);
    b.gain();
    await b.runner.tick();
    const dusk = w.commands.sent.filter((c) => c.payload.level === 100);
    expect(dusk.map((c) => c.deviceId).sort()).toEqual(w.lamps);
    // One batch per group, the one the marker named.
    const markers = await w.records.find<StepMarker>(RECORD.scheduleStep);
    expect(new Set(dusk.map((c) => c.batchId))).toEqual(new Set(markers.map((m) => m.data.batchId)));
  });

  it('a step issued whole whose mark was not recorded is not issued again', async () => {
    const w = await world();
    const a = await w.node();
    const b = await w.node();
    a.gain();
    await a.runner.tick();
    const mark = (await w.records.get(RECORD.schedulerMark, 'mark'))!.data;
    w.clock.t = SUNSET + 60_000;
    await a.runner.tick();
    expect(w.sentAt(100)).toEqual(w.lamps);
    await w.records.put(RECORD.schedulerMark, 'mark', mark); // as if a stopped before recording it
    a.lose();
    b.gain();
    expect(await b.runner.tick()).toEqual([]);
    expect(w.sentAt(100)).toEqual(w.lamps);
  });

  it('a holder whose lease passed to another node writes nothing', async () => {
    const w = await world();
    const a = await w.node();
    a.gain();
    await a.runner.tick();
    const sent = w.commands.sent.length;
    a.goStale();
    w.clock.t = SUNSET + 60_000;
    expect(await a.runner.tick()).toEqual([]);
    expect(w.commands.sent).toHaveLength(sent);
    expect(await w.records.find(RECORD.scheduleStep)).toHaveLength(w.inv.groups.length); // the resync's markers only
    expect((await w.records.find<StepMarker>(RECORD.scheduleStep)).every((m) => m.data.reason === 'resync')).toBe(true);
  });

  it('in cluster mode the holder applies a schedule changed on another node; embedded, no re-read', async () => {
    for (const shared of [true, false]) {
      const w = await world();
      const a = await w.node(shared);
      a.gain();
      w.clock.t = local('21:00');
      await a.runner.tick();
      expect(w.sentAt(100)).toEqual(w.lamps);
      // Another node sets dusk to 70 % (records only: this node's cache does not see it).
      const edited = { ...w.inv.schedule, steps: w.inv.schedule.steps.map((s, i) => (i === 0 ? { ...s, level: 70 } : s)) };
      await w.records.put(RECORD.schedule, edited.id, edited);
      w.clock.platform += 100;
      w.clock.t += 60_000;
      await a.runner.tick();
      expect(w.sentAt(70)).toEqual(shared ? w.lamps : []);
      expect(a.parts.book.schedules.get(edited.id)!.steps[0]!.level).toBe(shared ? 70 : 100);
    }
  });
});
