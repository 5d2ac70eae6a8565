// The healthcare pilot (docs/architecture.md "Pilots"): home telemonitoring of synthetic patients — device
// kinds and their schemas, the consent gate, NEWS2 rules and alarms, REST routes, demo seeding.
// Everything goes through the PilotContext; nothing here touches storage, the broker or keys.
import type { Pilot } from '../../platform/pilot.ts';
import type { HealthcareEvents } from './contract.ts';
import { createGate } from './consent.ts';
import { DEVICE_KIND_DISPLAY, DEVICE_KINDS, eventPayload, telemetrySchemas, type EventPayload, type TelemetryPayload } from './domain/vitals.ts';
import { PILOT_ID } from './model.ts';
import { resolveOptions, type HealthcareOptions } from './options.ts';
import { fhirMount } from './fhir-routes.ts';
import { healthcareRoutes } from './routes.ts';
import { createRules } from './rules.ts';
import { Runtime } from './runtime.ts';
import { seedDemo } from './seed.ts';
import { backfillDemo } from './demo-history.ts';
import { vitalsShare } from './sharing.ts';
import { VitalsRollup } from './vitals-rollup.ts';

export type { HealthcareOptions } from './options.ts';

export function createHealthcarePilot(options: Partial<HealthcareOptions> = {}): Pilot<TelemetryPayload, EventPayload, HealthcareEvents> {
  const resolved = resolveOptions(options);
  return {
    id: PILOT_ID,
    title: 'Home healthcare telemonitoring',
    deviceKinds: DEVICE_KINDS.map((kind) => ({
      kind,
      description: DEVICE_KIND_DISPLAY[kind],
      telemetry: telemetrySchemas[kind],
      events: eventPayload,
    })),
    shares: [vitalsShare],
    create(ctx) {
      const rt = new Runtime(resolved);
      rt.reset();
      const rules = createRules(rt);
      const rollup = new VitalsRollup(ctx, rt);
      ctx.alarms.onEscalation((tenantId, alarm) =>
        rules.onEscalation(ctx, tenantId, alarm).catch((err: unknown) => ctx.logger.error({ err }, 'escalation hook failed')),
      );
      return {
        routes: healthcareRoutes(ctx, rt),
        mounts: [fhirMount(ctx, rt)],
        gate: createGate(ctx, rt),
        async onReadings(readings) {
          await rules.onReadings(ctx, readings);
          // Late readings recompute the hours of the vitals roll-up they fall in (vitals-rollup.ts).
          await rollup.onReadings(readings).catch((err: unknown) => ctx.logger.error({ err }, 'vitals roll-up: late readings not counted'));
        },
        onPresence: (device, online, at) => rules.onPresence(ctx, device, online, at),
        // The hours made from readings that retention deleted go with them.
        onRetention: (cutoff) => rollup.onRetention(cutoff),
        seedDemo: (opts) => seedDemo(ctx, rt, opts),
        backfillDemo: (opts) => backfillDemo(ctx, { ...opts, hysteresis: resolved.hysteresis }),
        async stop() {
          rt.stop();
        },
      };
    },
  };
}

export const healthcarePilot = createHealthcarePilot();
