// A device floods the platform with malformed messages (bad JSON, wrong types, unknown fields,
// binary garbage, oversize payloads) while healthy devices keep reporting. Each bad message is
// acknowledged, refused, counted and never stored; the flooding device is told why on its
// errors topic; the healthy devices lose nothing (docs/architecture.md "Data path of one reading":
// "bad payload: rejected, counted, audited, device told on …/errors").
import { missing, provisionProbes, storedValues } from '../support/fleet.ts';
import { spawnLoadSim } from '../support/processes.ts';
import type { Scenario } from '../types.ts';

const STORM = { fast: 2_000, full: 10_000 } as const;

export const securityStorm: Scenario = {
  id: 'security.malformed-storm',
  title: 'A 10,000-message malformed storm while healthy devices lose nothing',
  requirement: 'ETSI EN 303 645 provision 5.13-1 (validate input data); ASVS 4.0.3 5.1.3; docs/architecture.md promise 3',
  indicator: 'healthy readings lost; malformed messages stored; malformed messages not refused and counted',
  criterion: `0 healthy readings lost; of the ${STORM.full.toLocaleString('en')} malformed messages (fast profile: ${STORM.fast.toLocaleString('en')}) 0 stored, all refused and counted; the flooding device stays connected`,
  profile: 'fast',
  timeoutMs: 120_000,
  async run(ctx) {
    const h = await ctx.boot({ probe: true, apiRateLimitPerMinute: 0 });
    const healthy = await provisionProbes(h, 'a', 'healthy', 5);
    const [attacker] = await provisionProbes(h, 'a', 'storm', 1);
    const url = `mqtt://127.0.0.1:${h.platform.mqttPort}`;
    const before = h.platform.ingest.broker.stats();
    const good = spawnLoadSim(ctx, { url, devices: healthy, rate: 100, durationMs: 90_000, window: 100 });
    const count = STORM[ctx.profile];
    const storm = spawnLoadSim(ctx, { url, devices: [attacker!], mode: 'malformed', rate: 0, count, window: 200, drainMs: 10_000 });
    await Promise.all([good.ready, storm.ready]);
    // The healthy fleet keeps reporting for the whole storm and a moment after it.
    const stormReport = await storm.done;
    await new Promise((r) => setTimeout(r, 500));
    good.stop();
    const goodReport = await good.done;
    const after = h.platform.ingest.broker.stats();
    const stored = await storedValues(h, 'tenant-a', [...healthy.map((d) => d.id), attacker!.id]);
    const lost = missing(goodReport.ackedSeqs, stored);
    const stormStored = stored.get(attacker!.id)?.size ?? 0;
    const refused = after.rejected - before.rejected;
    return {
      measured: `${lost.length} lost · ${stormStored} stored · ${refused} refused`,
      pass:
        lost.length === 0 &&
        goodReport.failed === 0 &&
        !goodReport.connectionLost &&
        goodReport.acked > 0 &&
        stormStored === 0 &&
        stormReport.issued === count &&
        refused === count &&
        !stormReport.connectionLost,
      evidence: {
        malformedSent: stormReport.issued,
        malformedAcknowledged: stormReport.acked,
        refusedByPlatform: refused,
        malformedStored: stormStored,
        errorNoticesReceived: stormReport.notices,
        noticeReasons: stormReport.noticeReasons,
        stormSeconds: Math.round(stormReport.issuingMs / 100) / 10,
        stormDeviceStayedConnected: !stormReport.connectionLost,
        healthyAcknowledged: goodReport.acked,
        healthyLost: lost.length,
        healthyLatencyMs: goodReport.latencyMs,
        brokerStats: after,
      },
      series: { label: 'Healthy readings acknowledged per second during the storm', kind: 'line', xLabel: 's', yLabel: 'readings/s', points: goodReport.perSecond },
    };
  },
};
