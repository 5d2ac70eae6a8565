// The smart public-lighting pilot: lamps and control cabinets as devices, inventory, schedules with
// an astronomical clock, switching commands with manual overrides, failure detection, energy and
// savings. It uses only its PilotContext (platform/pilot.ts). One runtime per tenant (runtime.ts)
// holds that tenant's inventory and live state; a background loop ticks every tenant that runs
// the pilot, and issues schedule steps only on the node that holds the pilot's scheduler job. `createLightingPilot` takes a clock and short intervals so tests run a night in seconds.
import { tenantOf, type AcceptedReading, type DemoProvision, type Pilot, type PilotContext } from '../../platform/pilot.ts';
import { cabinetTelemetrySchema, lampTelemetrySchema, lightingEventSchema, type CabinetTelemetry, type LampTelemetry, type LightingEvent } from './domain/index.ts';
import type { LightingEvents } from './contract.ts';
import { resolveOptions, type LightingOptions } from './options.ts';
import { lightingRoutes } from './routes.ts';
import { TenantRuntime } from './runtime.ts';
import { backfillDemo } from './demo-history.ts';
import type { LightingProvision } from './seed.ts';

export const PILOT_ID = 'lighting';

/** A reading of a lamp or cabinet, typed by the pilot's own schemas. */
export type LightingReading = AcceptedReading<LampTelemetry | CabinetTelemetry, LightingEvent>;

export function createLightingPilot(overrides: Partial<LightingOptions> = {}): Pilot<LampTelemetry | CabinetTelemetry, LightingEvent, LightingEvents> {
  const options = resolveOptions(overrides);
  return {
    id: PILOT_ID,
    title: 'Smart public lighting',
    deviceKinds: [
      { kind: 'lamp', description: 'street lamp controller (LED driver, DALI-style dimming, power metering)', telemetry: lampTelemetrySchema, events: lightingEventSchema },
      { kind: 'cabinet', description: 'control cabinet with energy meter, mains and door supervision', telemetry: cabinetTelemetrySchema, events: lightingEventSchema },
    ],
    create: (ctx) => startLighting(ctx, options),
  };
}

/** One runtime per tenant, loaded once in that tenant's context, and the loop that ticks them all. */
async function startLighting(ctx: PilotContext<LightingEvents>, options: LightingOptions) {
  const runtimes = new Map<string, Promise<TenantRuntime>>();
  let running: Promise<void> | undefined;
  const clock = () => (options.now ?? ctx.now)();
  // The scheduler runs on one node of a cluster at a time (schedule-runner.ts); embedded, here.
  const job = ctx.singleton('scheduler');
  const unwatch = job.onChange((held) =>
    ctx.logger.info({ job: job.name }, held ? 'lighting scheduler runs on this node' : 'lighting scheduler passed to another node'),
  );

  /** The tenant's runtime (the caller runs in that tenant's context). */
  const runtime = (tenantId: string): Promise<TenantRuntime> => {
    let rt = runtimes.get(tenantId);
    if (!rt) {
      rt = TenantRuntime.load(ctx, options, clock, tenantId, job);
      runtimes.set(tenantId, rt);
      rt.catch(() => runtimes.delete(tenantId));
    }
    return rt;
  };
  const current = () => {
    const tenantId = ctx.principal().tenantId;
    if (!tenantId) throw new Error('lighting needs a tenant context');
    return runtime(tenantId);
  };

  // Never rejects: a store that cannot even list the tenants (unreachable) fails this pass only;
  // a rejection here would be unhandled and end the process.
  const tickAll = () =>
    ctx
      .forEachTenant(async (tenantId) => {
        try {
          await (await runtime(tenantId)).tick();
        } catch (err) {
          ctx.logger.error({ err, tenantId }, 'lighting tick failed');
        }
      })
      .catch((err: unknown) => ctx.logger.error({ err }, 'lighting tick failed: tenants not readable'));

  // The energy roll-up of lamps from an older store is built in the background, per tenant in its
  // own context; until a lamp's is built, the report reads that lamp raw (energy-rollup.ts).
  const catchUps: Promise<unknown>[] = [];
  const catchUp = (rt: TenantRuntime, opts: { rebuild?: boolean } = {}) => {
    const run = rt.energy.catchUp(opts).then(
      (r) => (r.built || r.advanced) && ctx.logger.info({ tenantId: rt.tenantId, ...r }, 'energy roll-up caught up'),
      (err: unknown) => ctx.logger.error({ err, tenantId: rt.tenantId }, 'energy roll-up catch-up failed'),
    );
    catchUps.push(run);
    return run;
  };
  await ctx.forEachTenant(async (tenantId) => void catchUp(await runtime(tenantId)));
  const timer = setInterval(() => {
    if (running) return; // a slow tick is never overlapped by the next one
    running = tickAll().finally(() => (running = undefined));
  }, options.tickMs);
  timer.unref();

  return {
    routes: lightingRoutes({
      options,
      now: clock,
      // The platform lets only tenants that run the pilot reach these routes (platform/api/app.ts).
      runtime: (req) => runtime(tenantOf(req)),
    }),
    async onReadings(readings: LightingReading[]) {
      if (!readings.length) return;
      const rt = await current();
      await rt.checks.onReadings(readings);
      await rt.energy.onReadings(readings.filter((r) => r.family === 'telemetry' && r.kind === 'lamp'));
    },
    async onPresence(device: { tenantId: string; deviceId: string; kind: string }, online: boolean) {
      (await current()).checks.onPresence(device.deviceId, device.kind, online);
    },
    seedDemo: async ({ seed, size }: { seed: number; size: number }) => (await current()).provision({ seed, lamps: size }),
    backfillDemo: async (opts: { from: number; to: number; provision: DemoProvision }) => {
      const out = await backfillDemo(ctx, { ...opts, provision: opts.provision as LightingProvision });
      // The history went to the store without ingest: the roll-up is rebuilt from it.
      await catchUp(await current(), { rebuild: true });
      return out;
    },
    async stop() {
      clearInterval(timer);
      unwatch();
      for (const rt of runtimes.values()) void rt.then((r) => r.energy.stop(), () => undefined);
      await Promise.all(catchUps);
      await running;
      runtimes.clear();
    },
  };
}

/** The pilot as a deployment runs it (platform clock, production intervals). */
export const lightingPilot = createLightingPilot();
