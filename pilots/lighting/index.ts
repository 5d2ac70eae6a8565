// The smart public-lighting pilot: lamps and control cabinets as devices, inventory, schedules with
// an astronomical clock, switching commands with manual overrides, failure detection, energy and
// savings. It uses only its PilotContext (platform/pilot.ts). One runtime per tenant (runtime.ts)
// holds that tenant's inventory and live state; a background loop ticks every tenant that runs
// the pilot. `createLightingPilot` takes a clock and short intervals so tests run a night in seconds.
import type { Request } from 'express';
import { tenantOf, type Pilot, type PilotContext } from '../../platform/pilot.ts';
import { cabinetTelemetrySchema, lampTelemetrySchema, lightingEventSchema } from './domain/index.ts';
import { resolveOptions, type LightingOptions } from './options.ts';
import { lightingRoutes } from './routes.ts';
import { TenantRuntime } from './runtime.ts';

export const PILOT_ID = 'lighting';

export function createLightingPilot(overrides: Partial<LightingOptions> = {}): Pilot {
  const options = resolveOptions(overrides);
  let context: PilotContext | undefined;
  let runtimes = new Map<string, Promise<TenantRuntime>>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const clock = () => (options.now ?? context?.now ?? Date.now)();

  /** The tenant's runtime, loaded once (in that tenant's context: the caller's). */
  const runtime = (ctx: PilotContext, tenantId: string): Promise<TenantRuntime> => {
    let rt = runtimes.get(tenantId);
    if (!rt) {
      rt = TenantRuntime.load(ctx, options, clock, tenantId);
      runtimes.set(tenantId, rt);
      rt.catch(() => runtimes.delete(tenantId));
    }
    return rt;
  };

  const tickAll = async (ctx: PilotContext) => {
    await ctx.forEachTenant(async (tenantId) => {
      try {
        await (await runtime(ctx, tenantId)).tick();
      } catch (err) {
        ctx.logger.error({ err, tenantId }, 'lighting tick failed');
      }
    });
  };

  return {
    id: PILOT_ID,
    title: 'Smart public lighting',
    deviceKinds: [
      { kind: 'lamp', description: 'street lamp controller (LED driver, DALI-style dimming, power metering)', telemetry: lampTelemetrySchema, events: lightingEventSchema },
      { kind: 'cabinet', description: 'control cabinet with energy meter, mains and door supervision', telemetry: cabinetTelemetrySchema, events: lightingEventSchema },
    ],

    routes(ctx) {
      context ??= ctx;
      return lightingRoutes({
        options,
        now: clock,
        // The platform lets only tenants that run the pilot reach these routes (platform/api/app.ts).
        runtime: (req: Request) => runtime(ctx, tenantOf(req)),
      });
    },

    async onReadings(ctx, readings) {
      const tenantId = readings[0]?.tenantId;
      if (!tenantId) return;
      await (await runtime(ctx, tenantId)).onReadings(readings);
    },

    async onPresence(ctx, device, online) {
      (await runtime(ctx, device.tenantId)).onPresence(device.deviceId, device.kind, online);
    },

    async start(ctx) {
      context = ctx;
      runtimes = new Map();
      await ctx.forEachTenant(async (tenantId) => void (await runtime(ctx, tenantId)));
      timer = setInterval(() => {
        if (running) return; // a slow tick is never overlapped by the next one
        running = tickAll(ctx).finally(() => (running = undefined));
      }, options.tickMs);
      timer.unref();
    },

    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
      runtimes = new Map();
    },

    async seedDemo(ctx, { seed, size }) {
      const tenantId = ctx.principal().tenantId;
      if (!tenantId) throw new Error('seedDemo needs a tenant context');
      return (await runtime(ctx, tenantId)).provision({ seed, lamps: size });
    },
  };
}

/** The pilot as a deployment runs it (platform clock, production intervals). */
export const lightingPilot: Pilot = createLightingPilot();
