// The demo's past days for the lighting pilot: each lamp's readings as its group's night programme
// drove it (the demo schedule of seed.ts, switch points from domain/schedule.ts, power from
// domain/power.ts), and the programme's switch commands of the last day. Generation is pure (same
// provision and range, same history); `backfillDemo` writes it through the demo history port.
//
// Energy is integrated only across readings at most three report intervals apart (domain/energy.ts),
// so the last `FINE_MS` are written every three minutes; older history is hourly, enough for the
// level and power charts but counted as gaps by the energy report. A whole week at three minutes
// for the demo's lamps would be most of a minute of start-up.
import { createHash } from 'node:crypto';
import type { DemoBackfill, PastCommand, PastReading, PilotContext } from '../../platform/pilot.ts';
import { historyTimes } from '../../platform/pilot.ts';
import { expectedPower } from './domain/power.ts';
import { levelFromPoints, switchPoints, type SwitchPoint } from './domain/schedule.ts';
import type { LampModel } from './domain/model.ts';
import { commandForLevel, SWITCH_COMMAND } from './commands.ts';
import { demoSchedule, type LightingProvision } from './seed.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** How far back lamp readings are fine enough for the energy report. */
export const FINE_MS = 6 * HOUR;
const FINE_STEP_MS = 3 * MIN;
const OLDER_STEP_MS = HOUR;
/** Switch commands are written for the last day only (one per lamp per switch point). */
const COMMANDS_MS = 24 * HOUR;
const MAINS_V = 230;

/** A name-based UUID (version 5 layout) for a group's switch point: batch ids are UUIDs, and the
 *  same history must give the same ids. */
export function historyBatchId(groupId: string, at: number): string {
  const h = createHash('sha1').update(`custodia-demo-history|${groupId}|${at}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface LightingHistory {
  readings: PastReading[];
  commands: PastCommand[];
}

/** A lamp's telemetry at a level (the shape of lampTelemetrySchema), burning hours as given. */
export function lampPayload(model: Pick<LampModel, 'powerRating' | 'driverLoss' | 'standbyPower' | 'minDimLevel'>, level: number, t: number, burningHours: number): Record<string, unknown> {
  const power = Math.round(expectedPower(model, level) * 10) / 10;
  const lit = level > 0;
  const powerFactor = lit ? 0.95 : 0.5;
  return {
    ts: t,
    powerState: lit ? 'on' : 'off',
    dimLevel: level,
    activePower: power,
    voltage: MAINS_V,
    current: Math.round((power / (MAINS_V * powerFactor)) * 1000) / 1000,
    powerFactor,
    driverTemperature: Math.round((8 + (lit ? power * 0.4 : 0)) * 10) / 10,
    burningHours: Math.round(burningHours * 1000) / 1000,
  };
}

/** Readings and switch commands of the demo lamps over [from, to) (pure). */
export function lightingHistory(opts: { tenantId: string; from: number; to: number; provision: LightingProvision }): LightingHistory {
  const { extra } = opts.provision;
  const groups = [...new Set(extra.lamps.map((l) => l.groupId))];
  const schedule = demoSchedule(opts.tenantId, groups);
  // One day of lookback so the first reading knows the level in force.
  const points: SwitchPoint[] = switchPoints(schedule, extra.installation, opts.from - 24 * HOUR, opts.to);
  const models = new Map(extra.models.map((m) => [m.id, m]));
  const times = historyTimes({ from: opts.from, to: opts.to, intervalMs: FINE_STEP_MS, recentMs: FINE_MS, olderStepMs: OLDER_STEP_MS });
  const levels = times.map((t) => levelFromPoints(points, t));
  const out: LightingHistory = { readings: [], commands: [] };
  for (const lamp of extra.lamps) {
    const model = models.get(lamp.modelId);
    if (!model) continue;
    let burning = 0;
    times.forEach((t, i) => {
      if (i > 0 && levels[i - 1]! > 0) burning += (t - times[i - 1]!) / HOUR;
      out.readings.push({ deviceId: lamp.id, family: 'telemetry', ts: t, data: lampPayload(model, levels[i]!, t, burning) });
    });
  }
  for (const p of points) {
    if (p.at < Math.max(opts.from, opts.to - COMMANDS_MS) || p.at >= opts.to) continue;
    for (const g of groups) {
      const batchId = historyBatchId(g, p.at);
      for (const lamp of extra.lamps) {
        if (lamp.groupId === g) out.commands.push({ deviceId: lamp.id, name: SWITCH_COMMAND, payload: { ...commandForLevel(p.level) }, at: p.at, batchId });
      }
    }
  }
  return out;
}

const BATCH = 2_000;

export async function backfillDemo(ctx: PilotContext, opts: { from: number; to: number; provision: LightingProvision }): Promise<DemoBackfill> {
  const tenantId = ctx.principal().tenantId;
  if (!tenantId) throw new Error('backfillDemo needs a tenant context');
  const h = lightingHistory({ tenantId, ...opts });
  let readings = 0;
  for (let i = 0; i < h.readings.length; i += BATCH) readings += await ctx.demoHistory.readings(h.readings.slice(i, i + BATCH));
  await ctx.demoHistory.commands(h.commands);
  return { readings, records: 0, alarms: 0, commands: h.commands.length };
}
