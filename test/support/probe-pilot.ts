// A minimal pilot for platform tests: one device kind with a tiny schema, no rules of its own
// beyond raising an alarm for a value over 100. Shows a pilot needs nothing but PilotContext.
import { Router } from 'express';
import { z } from 'zod';
import type { Pilot } from '../../platform/pilot.ts';

export const probeTelemetry = z.object({ ts: z.number().int().positive(), value: z.number().finite(), note: z.string().max(200).optional() }).strict();

export const probePilot: Pilot = {
  id: 'probe',
  title: 'Probe (tests)',
  deviceKinds: [
    { kind: 'probe-sensor', description: 'test sensor', telemetry: probeTelemetry, events: z.object({ ts: z.number(), type: z.string().max(40) }).strict() },
  ],
  routes: () => Router(),
  async onReadings(ctx, readings) {
    for (const r of readings) {
      if (r.family === 'telemetry' && typeof r.data.value === 'number' && r.data.value > 100) {
        await ctx.alarms.raise({ source: `device:${r.deviceId}`, type: 'over-100', severity: 'major', title: 'value over 100' });
      }
    }
  },
};
