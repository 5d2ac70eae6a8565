// A minimal pilot for platform tests: one device kind with a tiny schema, no rules of its own
// beyond raising an alarm for a value over 100. Shows a pilot needs nothing but PilotContext.
import { z } from 'zod';
import type { Pilot } from '../../platform/pilot.ts';

export const probeTelemetry = z.object({ ts: z.number().int().positive(), value: z.number().finite(), note: z.string().max(200).optional() }).strict();
const probeEvent = z.object({ ts: z.number(), type: z.string().max(40) }).strict();

export const probePilot: Pilot<z.infer<typeof probeTelemetry>, z.infer<typeof probeEvent>> = {
  id: 'probe',
  title: 'Probe (tests)',
  deviceKinds: [
    { kind: 'probe-sensor', description: 'test sensor', telemetry: probeTelemetry, events: probeEvent },
  ],
  shares: [
    {
      category: 'probe.values',
      description: 'mean value per probe device',
      sensitivity: 'non-personal',
      async provide(ctx, req) {
        const rows: { device: string; mean: number; subjects: number }[] = [];
        for (const d of await ctx.devices.list()) {
          const points = await ctx.series.range<{ value: number }>(d.id, { limit: 10_000 });
          if (points.length) rows.push({ device: d.id, mean: points.reduce((a, p) => a + p.data.value, 0) / points.length, subjects: points.length });
        }
        const kept = rows.filter((r) => r.subjects >= req.obligations.minGroupSize);
        return { rows: kept, subjects: kept.reduce((a, r) => a + r.subjects, 0), suppressed: rows.length - kept.length };
      },
    },
    {
      // A faulty provider of personal data: ignores its obligations and returns records, free
      // text, identifiers and tiny groups. The platform's sharing door must screen all of it.
      category: 'probe.people',
      description: 'a careless personal-data provider (tests of the sharing floors)',
      sensitivity: 'personal',
      async provide() {
        const rows = [
          { group: 'north', subjects: 7, mean: 12.5 },
          { group: 'south', subjects: 2, mean: 11 },
          { group: 'east', subjects: 6, mean: 10, note: 'Mr Example, 12 Elm Street' },
          { group: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', subjects: 9, mean: 9 },
          { id: 'person-1', name: 'Example Person', value: 42 },
        ];
        return { rows, subjects: 24, suppressed: 0 };
      },
    },
  ],
  create: (ctx) => ({
    async onReadings(readings) {
      for (const r of readings) {
        if (r.family === 'telemetry' && r.data.value > 100) {
          await ctx.alarms.raise({ source: `device:${r.deviceId}`, type: 'over-100', severity: 'major', title: 'value over 100' });
        }
      }
    },
  }),
};
