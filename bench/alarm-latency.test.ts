import { describe, expect, it } from 'vitest';
import { alarmLatencies, renderAlarm, summariseAlarms } from './alarm-latency.ts';
import { parseOptions } from './options.ts';

const sent = new Map([
  ['device:a', 1000],
  ['device:b', 2000],
]);

describe('alarm latency', () => {
  it('measures each socket from the publish of its alarm, counting the first hearing only', () => {
    const r = alarmLatencies(
      sent,
      [
        { socket: 0, source: 'device:a', at: 1040 },
        { socket: 1, source: 'device:a', at: 1060 },
        { socket: 0, source: 'device:a', at: 1500 }, // the same alarm updated: not a second delivery
        { socket: 0, source: 'device:b', at: 2100 },
        { socket: 1, source: 'device:b', at: 2300 },
        { socket: 1, source: 'device:other', at: 2400 }, // not a probe
      ],
      2,
    );
    expect(r.latencies.sort((x, y) => x - y)).toEqual([40, 60, 100, 300]);
    expect(r.missed).toBe(0);
  });
  it('counts the deliveries a socket never heard', () => {
    expect(alarmLatencies(sent, [{ socket: 0, source: 'device:a', at: 1010 }], 3)).toEqual({ latencies: [10], missed: 5 });
  });
  it('meets the target only with every delivery heard and the p95 at most 250 ms', () => {
    const rest = { loadShare: 0.8, offeredPerS: 800, ackedPerS: 790, dashboards: 2, probes: 2 };
    expect(summariseAlarms([40, 60, 100, 250], 0, rest)).toMatchObject({ met: true, latencyMs: { p95: 250 }, heard: 4 });
    expect(summariseAlarms([40, 60, 100, 251], 0, rest)).toMatchObject({ met: false });
    expect(summariseAlarms([40, 60, 100], 1, rest)).toMatchObject({ met: false, missed: 1 });
    expect(renderAlarm(summariseAlarms([40, 60, 100], 1, rest))[0]).toMatch(/p95 100 ms.*1 missed.*NOT met/);
  });
  it('below the target load share the figure is shown but never judged met', () => {
    const light = { loadShare: 0.5, offeredPerS: 500, ackedPerS: 500, dashboards: 2, probes: 2 };
    expect(summariseAlarms([10, 20], 0, light)).toMatchObject({ met: false, latencyMs: { p95: 20 } });
    expect(renderAlarm(summariseAlarms([10, 20], 0, light))[0]).toMatch(/50 % of the maximum\); not judged \(the target is at 80 %\)/);
  });
  it('takes --alarm-probes and --dashboards, bounded', () => {
    const r = parseOptions(['--alarm-probes', '10', '--dashboards', '5']);
    expect(r.ok && r.options).toMatchObject({ alarmProbes: 10, dashboards: 5 });
    expect(parseOptions([]).ok && (parseOptions([]) as { options: { alarmProbes: number; dashboards: number } }).options).toMatchObject({ alarmProbes: 40, dashboards: 20 });
    for (const argv of [['--alarm-probes', '501'], ['--dashboards', '0']]) {
      const bad = parseOptions(argv);
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.error).toMatch(/^--(alarm-probes|dashboards): /);
    }
  });
});
