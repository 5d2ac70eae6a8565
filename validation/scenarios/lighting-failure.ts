// Lighting pilot: a lamp whose LED string dies behind a live driver keeps reporting "on" but draws
// a few watts instead of tens. The failure must be detected within two reporting intervals of its
// onset (pilots/lighting/domain/failures.ts, "Timing requirement"). The lamps are held at full
// output by a manual command, report every interval, and one fails half-way between two reports.
import { eventually, listen } from '../support/healthcare.ts';
import { connectLamp, handPower, lampReading, LT, modelOf, provisionTown, type LampNode } from '../support/lighting.ts';
import type { Scenario } from '../types.ts';

const INTERVAL_MS = 1000;

interface AlarmEvent {
  id: string;
  source: string;
  type: string;
  raisedAt: number;
}

export const lightingFailure: Scenario = {
  id: 'lighting.lamp-failure',
  title: 'Lamp failure detected within two reporting intervals',
  requirement: 'Lighting pilot (docs/architecture.md "Pilots": failure detection from power deviation); TALQ lamp failure',
  indicator: 'time from the failure’s onset to the lamp-failure alarm, in reporting intervals',
  criterion: '≤ 2 intervals for the failed lamp; no alarm on the healthy lamps',
  profile: 'fast',
  needs: ['lighting'],
  timeoutMs: 60_000,
  async run(ctx) {
    const h = await ctx.boot({ pilots: ['lighting'], pilotOptions: { lighting: { reportIntervalMs: INTERVAL_MS, commsLossIntervals: 0, tickMs: 200 } } });
    const admin = await h.as(h.tenants.a.users['tenant-admin']);
    const operator = await h.as(h.tenants.a.users.operator);
    const town = await provisionTown(admin, 10);
    const lampIds = town.extra.lamps.slice(0, 4).map((l) => l.id);
    const nodes: LampNode[] = [];
    for (const id of lampIds) nodes.push(await connectLamp(h.platform.mqttPort, town.tenantId, town.devices.find((d) => d.id === id)!));
    ctx.defer(async () => {
      for (const n of nodes) await n.close().catch(() => undefined);
    });
    const ward = await listen(h, h.tenants.a.users.operator);
    ctx.defer(() => ward.close());
    const held = await operator.post(`${LT}/commands`, { target: { groupId: town.extra.lamps[0]!.groupId }, action: 'on', level: 100, overrideMinutes: 60 });
    if (held.status !== 202) throw new Error(`hold command refused: ${held.status} ${JSON.stringify(held.body)}`);
    await eventually(() => nodes.every((n) => n.commands.length > 0), 'the hold command at every lamp', 3000);

    const failing = nodes[0]!;
    let onset = 0;
    let firstFaulty = 0;
    const healthyRounds = 2;
    const faultyRounds = 4;
    for (let round = 0; round < healthyRounds + faultyRounds; round++) {
      const ts = Date.now();
      if (round === healthyRounds) {
        // The lamp died half an interval before this report.
        onset = ts - INTERVAL_MS / 2;
        firstFaulty = ts;
      }
      await Promise.all(
        nodes.map((n) => {
          const watts = n === failing && round >= healthyRounds ? 2.1 : handPower(modelOf(town, n.id), 100);
          return n.report(lampReading(ts, 100, watts));
        }),
      );
      const alarm = ward.events.find((e) => e.type === 'alarm' && (e.payload as AlarmEvent).type === 'lamp-failure');
      if (alarm) break;
      await new Promise((r) => setTimeout(r, Math.max(0, ts + INTERVAL_MS - Date.now())));
    }
    await new Promise((r) => setTimeout(r, 300));
    const alarms = ward.events.filter((e) => e.type === 'alarm' && (e.payload as AlarmEvent).type === 'lamp-failure').map((e) => e.payload as AlarmEvent);
    const mine = alarms.find((a) => a.source === `lamp:${failing.id}`);
    const others = alarms.filter((a) => a.source !== `lamp:${failing.id}`);
    const delayMs = mine ? mine.raisedAt - onset : null;
    const intervals = delayMs === null ? null : Math.round((delayMs / INTERVAL_MS) * 100) / 100;
    return {
      measured: intervals ?? 'not detected',
      unit: intervals === null ? '' : 'intervals',
      pass: intervals !== null && intervals <= 2 && others.length === 0,
      evidence: {
        reportIntervalMs: INTERVAL_MS,
        lampsReporting: nodes.length,
        onsetToFirstFaultyReportMs: firstFaulty - onset,
        onsetToAlarmMs: delayMs,
        alarmId: mine?.id ?? null,
        falseAlarmsOnHealthyLamps: others.length,
      },
    };
  },
};
