import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serviceRig } from '../../test/support/services.ts';

let rig: Awaited<ReturnType<typeof serviceRig>>;
beforeEach(async () => {
  rig = await serviceRig();
});
afterEach(async () => {
  await rig.close();
});

describe('alarm lifecycle', () => {
  it('one active alarm per source and type; severity only rises while active', async () => {
    await rig.inTenant('t-one', async () => {
      const a = await rig.alarms.raise({ source: 's1', type: 'x', severity: 'minor', title: 'first' });
      expect(a.change).toBe('raised');
      expect((await rig.alarms.raise({ source: 's1', type: 'x', severity: 'minor', title: 'again' })).change).toBe('unchanged');
      const up = await rig.alarms.raise({ source: 's1', type: 'x', severity: 'critical', title: 'worse' });
      expect(up.change).toBe('escalated');
      expect(up.alarm.id).toBe(a.alarm.id);
      expect((await rig.alarms.raise({ source: 's1', type: 'x', severity: 'major', title: 'better' })).change).toBe('unchanged');
      expect((await rig.alarms.raise({ source: 's1', type: 'y', severity: 'minor', title: 'other type' })).change).toBe('raised');
      expect(await rig.alarms.list({ state: 'active' })).toHaveLength(2);
    });
  });

  it('unacknowledged → acknowledged (who, when, note) → cleared; a second acknowledgement is a conflict', async () => {
    await rig.inTenant('t-one', async () => {
      const { alarm } = await rig.alarms.raise({ source: 's1', type: 'x', severity: 'major', title: 't' });
      const acked = await rig.alarms.acknowledge(alarm.id, 'called the patient');
      expect(acked).toMatchObject({ state: 'active-acknowledged', acknowledgedBy: 'system:test', note: 'called the patient' });
      await expect(rig.alarms.acknowledge(alarm.id)).rejects.toMatchObject({ status: 409 });
      const cleared = await rig.alarms.clear('s1', 'x');
      expect(cleared?.state).toBe('cleared');
      expect(await rig.alarms.findActive('s1', 'x')).toBeNull();
      // a new raise after clearing is a new alarm
      expect((await rig.alarms.raise({ source: 's1', type: 'x', severity: 'minor', title: 't' })).alarm.id).not.toBe(alarm.id);
    });
    expect(rig.audited.map((e) => e.action)).toEqual(['alarm.raise', 'alarm.acknowledge', 'alarm.clear', 'alarm.raise']);
  });

  it('a person resolves an active alarm with a note, acknowledged or not; resolving twice is a conflict', async () => {
    await rig.inTenant('t-one', async () => {
      const { alarm } = await rig.alarms.raise({ source: 's1', type: 'x', severity: 'critical', title: 't', escalateAfterMs: 60_000 });
      const done = await rig.alarms.resolve(alarm.id, 'sensor re-seated, readings normal');
      expect(done).toMatchObject({ state: 'cleared', clearedBy: 'system:test', resolutionNote: 'sensor re-seated, readings normal' });
      expect(done.escalateAt).toBeUndefined();
      expect(await rig.alarms.findActive('s1', 'x')).toBeNull();
      await expect(rig.alarms.resolve(alarm.id, 'again')).rejects.toMatchObject({ status: 409 });
      const second = (await rig.alarms.raise({ source: 's1', type: 'x', severity: 'minor', title: 't' })).alarm;
      await rig.alarms.acknowledge(second.id, 'seen');
      expect(await rig.alarms.resolve(second.id, 'fixed')).toMatchObject({ state: 'cleared', note: 'seen', resolutionNote: 'fixed' });
    });
    rig.advance(120_000);
    expect(await rig.alarms.tick()).toBe(0);
    expect(rig.audited.map((e) => e.action)).toEqual(['alarm.raise', 'alarm.resolve', 'alarm.raise', 'alarm.acknowledge', 'alarm.resolve']);
  });

  it('an unacknowledged alarm escalates once after its deadline; an acknowledged one never', async () => {
    const fired: string[] = [];
    rig.alarms.onEscalation((_t, a) => void fired.push(a.title));
    await rig.inTenant('t-one', async () => {
      await rig.alarms.raise({ source: 'a', type: 'x', severity: 'critical', title: 'ignored', escalateAfterMs: 60_000 });
      const { alarm } = await rig.alarms.raise({ source: 'b', type: 'x', severity: 'critical', title: 'handled', escalateAfterMs: 60_000 });
      await rig.alarms.acknowledge(alarm.id);
    });
    rig.advance(59_999);
    expect(await rig.alarms.tick()).toBe(0);
    rig.advance(1);
    expect(await rig.alarms.tick()).toBe(1);
    rig.advance(600_000);
    expect(await rig.alarms.tick()).toBe(0);
    expect(fired).toEqual(['ignored']);
    expect(rig.audited.filter((e) => e.action === 'alarm.escalation')).toHaveLength(1);
  });

  it('tells the notifier of every change after it is saved: raised, escalated (severity, deadline), acknowledged, resolved', async () => {
    const heard: string[] = [];
    rig.alarms.setNotifier({ alarmEvent: (t, n) => void heard.push(`${t} ${n.event}${n.reason ? `/${n.reason}` : ''} ${n.alarm.severity} ${n.alarm.state}`) });
    await rig.inTenant('t-one', async () => {
      await rig.alarms.raise({ source: 's', type: 'x', severity: 'major', title: 't', escalateAfterMs: 1000 });
      await rig.alarms.raise({ source: 's', type: 'x', severity: 'major', title: 'same' });
      await rig.alarms.raise({ source: 's', type: 'x', severity: 'critical', title: 'worse', escalateAfterMs: 1000 });
    });
    rig.advance(1000);
    await rig.alarms.tick();
    await rig.inTenant('t-one', async () => {
      const active = (await rig.alarms.findActive('s', 'x'))!;
      await rig.alarms.acknowledge(active.id);
      await rig.alarms.clear('s', 'x');
    });
    expect(heard).toEqual([
      't-one raised major active-unacknowledged',
      't-one escalated/severity critical active-unacknowledged',
      't-one escalated/unacknowledged critical active-unacknowledged',
      't-one acknowledged critical active-acknowledged',
      't-one resolved critical cleared',
    ]);
  });

  it('alarms of one tenant are invisible to another', async () => {
    await rig.inTenant('t-one', () => rig.alarms.raise({ source: 's', type: 'x', severity: 'minor', title: 't' }));
    expect(await rig.inTenant('t-two', () => rig.alarms.list())).toEqual([]);
  });

  it('without a tenant context the service refuses to work', async () => {
    await expect(rig.alarms.list()).rejects.toThrow(/tenant context/);
  });
});

describe('concurrent raises', () => {
  it('raises of one (source, type) arriving together leave one active alarm, escalated once', async () => {
    const results = await rig.inTenant('t-one', () =>
      Promise.all([
        rig.alarms.raise({ source: 's1', type: 'x', severity: 'minor', title: 'a' }),
        rig.alarms.raise({ source: 's1', type: 'x', severity: 'minor', title: 'b' }),
        rig.alarms.raise({ source: 's1', type: 'x', severity: 'critical', title: 'c' }),
        rig.alarms.raise({ source: 's1', type: 'x', severity: 'minor', title: 'd' }),
        rig.alarms.raise({ source: 's1', type: 'y', severity: 'minor', title: 'other type' }),
      ]),
    );
    expect(results.map((r) => r.change)).toEqual(['raised', 'unchanged', 'escalated', 'unchanged', 'raised']);
    const active = await rig.inTenant('t-one', () => rig.alarms.list({ state: 'active' }));
    expect(active.filter((a) => a.type === 'x')).toHaveLength(1);
    expect(active.find((a) => a.type === 'x')!.severity).toBe('critical');
    expect(new Set(results.slice(0, 4).map((r) => r.alarm.id)).size).toBe(1);
  });

  it('the same (source, type) in two tenants does not wait on or merge with the other', async () => {
    const [one, two] = await Promise.all([
      rig.inTenant('t-one', () => rig.alarms.raise({ source: 's1', type: 'x', severity: 'minor', title: 'a' })),
      rig.inTenant('t-two', () => rig.alarms.raise({ source: 's1', type: 'x', severity: 'minor', title: 'a' })),
    ]);
    expect([one.change, two.change]).toEqual(['raised', 'raised']);
    expect(one.alarm.id).not.toBe(two.alarm.id);
  });
});
