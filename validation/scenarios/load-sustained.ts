// Sustained ingest at a set rate for a set time, from a device fleet running as its own process:
// every acknowledged reading must be stored, the fleet must keep the rate, and the PUBACK latency
// (which includes the durable group commit, docs/architecture.md "Data path of one reading") is reported.
import { missing, provisionProbes, storedValues } from '../support/fleet.ts';
import { spawnLoadSim } from '../support/processes.ts';
import type { Scenario } from '../types.ts';

export const LOAD = {
  fast: { devices: 10, rate: 300, seconds: 4 },
  full: { devices: 50, rate: 1000, seconds: 60 },
} as const;
const P99_LIMIT_MS = 1000;

export const loadSustained: Scenario = {
  id: 'load.sustained-ingest',
  title: 'Sustained QoS 1 ingest at a set rate: zero loss, p99 latency',
  requirement: 'docs/architecture.md promise 3 and "Data path of one reading" (group commit before PUBACK)',
  indicator: 'acknowledged readings lost; achieved rate; p99 publish→PUBACK latency',
  criterion: `0 lost, ≥ 95 % of the set rate sustained, p99 ≤ ${P99_LIMIT_MS} ms (fast: ${LOAD.fast.rate}/s × ${LOAD.fast.seconds} s from ${LOAD.fast.devices} devices; full: ${LOAD.full.rate}/s × ${LOAD.full.seconds} s from ${LOAD.full.devices})`,
  profile: 'fast',
  timeoutMs: 180_000,
  async run(ctx) {
    const p = LOAD[ctx.profile];
    const h = await ctx.boot({ probe: true, apiRateLimitPerMinute: 0 });
    const devices = await provisionProbes(h, 'a', 'load', p.devices);
    const fleet = spawnLoadSim(ctx, {
      url: `mqtt://127.0.0.1:${h.platform.mqttPort}`,
      devices,
      rate: p.rate,
      durationMs: p.seconds * 1000,
      window: 200,
    });
    await fleet.ready;
    const report = await fleet.done;
    const stored = await storedValues(h, 'tenant-a', devices.map((d) => d.id));
    const lost = missing(report.ackedSeqs, stored);
    const storedTotal = [...stored.values()].reduce((n, s) => n + s.size, 0);
    const target = p.rate;
    const sustained = report.achievedRate >= 0.95 * target;
    const latencyOk = report.latencyMs.p99 <= P99_LIMIT_MS;
    return {
      measured: `${lost.length} lost · ${report.achievedRate}/s · p99 ${report.latencyMs.p99} ms`,
      pass: lost.length === 0 && sustained && latencyOk && report.failed === 0 && !report.connectionLost && report.unresolved === 0,
      evidence: {
        setRatePerSecond: target,
        seconds: p.seconds,
        devices: p.devices,
        issued: report.issued,
        acknowledged: report.acked,
        stored: storedTotal,
        lost: lost.length,
        lostSample: lost.slice(0, 20),
        failedPublishes: report.failed,
        unacknowledgedAtEnd: report.unresolved,
        disconnects: report.disconnects,
        achievedRatePerSecond: report.achievedRate,
        latencyMs: report.latencyMs,
        brokerStats: h.platform.ingest.broker.stats(),
      },
      series: { label: 'Acknowledged readings per second', kind: 'line', xLabel: 's', yLabel: 'readings/s', points: report.perSecond, threshold: target },
    };
  },
};
