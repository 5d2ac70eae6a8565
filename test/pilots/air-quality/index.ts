// A third, tiny pilot (docs/architecture.md "Pilots", worked example): one device kind, one rule
// raising an alarm over a threshold, one REST route. It imports nothing from the platform but the
// pilot interface, and adding it touched no file under platform/.
import { Router } from 'express';
import { z } from 'zod';
import { allow, type Pilot } from '../../../platform/pilot.ts';
import type { StationsResponse } from './contract.ts';
import { PM25_ALARM, pm25Verdict } from './rules.ts';

const telemetry = z.strictObject({ ts: z.number().int().positive(), pm25: z.number().finite().min(0).max(1000) });
type AirTelemetry = z.infer<typeof telemetry>;

export function createAirQualityPilot(opts: { pm25Threshold?: number } = {}): Pilot<AirTelemetry, never> {
  const threshold = opts.pm25Threshold ?? 35;
  return {
    id: 'air-quality',
    title: 'Air quality (example)',
    deviceKinds: [{ kind: 'air-sensor', description: 'fine-dust sensor (PM2.5)', telemetry }],
    create(ctx) {
      const routes = Router();
      routes.get('/stations', allow('data:read'), async (_req, res) => {
        const alarms = await ctx.alarms.list({ state: 'active' });
        const body: StationsResponse = { items: [] };
        for (const d of await ctx.devices.list({ kind: 'air-sensor' })) {
          const last = await ctx.series.latest<AirTelemetry>(d.id);
          body.items.push({
            deviceId: d.id,
            label: d.label,
            pm25: last?.data.pm25 ?? null,
            ts: last?.ts ?? null,
            alarm: alarms.some((a) => a.source === `device:${d.id}` && a.type === PM25_ALARM),
          });
        }
        res.json(body);
      });
      return {
        routes,
        async onReadings(readings) {
          for (const r of readings) {
            if (r.family !== 'telemetry') continue;
            const source = `device:${r.deviceId}`;
            if (pm25Verdict(r.data.pm25, threshold) === 'raise') {
              await ctx.alarms.raise({ source, type: PM25_ALARM, severity: 'major', title: `PM2.5 over ${threshold} µg/m³`, detail: { pm25: r.data.pm25 } });
            } else {
              await ctx.alarms.clear(source, PM25_ALARM);
            }
          }
        },
      };
    },
  };
}
