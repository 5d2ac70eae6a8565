// POST …/demo/provision — seeds synthetic patients in the caller's tenant and returns the fleet
// (devices with their one-time secrets) in the shape of the fleet file the simulator reads
// (scripts/demo-fleets.ts), so `npm run sim:healthcare` can drive a running platform.
import type { RequestHandler } from 'express';
import { body } from '../../../platform/api/validate.ts';
import type { PilotContext } from '../../../platform/pilot.ts';
import { PILOT_ID, provisionSchema } from '../model.ts';
import type { Runtime } from '../runtime.ts';
import { seedDemo } from '../seed.ts';

export function provisionHandler(ctx: PilotContext, rt: Runtime): RequestHandler {
  return async (req, res) => {
    const { patients, seed } = body(req, provisionSchema);
    const tenantId = ctx.principal().tenantId!;
    const provision = await seedDemo(ctx, rt, { seed, size: patients });
    res.status(201).json({ tenantId, pilot: PILOT_ID, ...provision });
  };
}
