// The demo's speed from the dashboard: read by anyone of a demo tenant who reads commands, changed
// by its operators (commands:send), audited in the tenant's chain. Other tenants get 403: the
// simulators are the demo's, not theirs.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { isDemoTenant } from '../../demo-history.ts';
import { MAX_DEMO_SPEED, type DemoSpeed } from '../../demo-speed.ts';
import { forbidden } from '../../errors.ts';
import type { PlatformServices } from '../../services/index.ts';
import { allow, tenantOf } from '../auth.ts';
import { body } from '../validate.ts';
import { doc } from '../route-doc.ts';

export const demoSpeedInput = z.strictObject({ speed: z.number().positive().max(MAX_DEMO_SPEED) });
const demoSpeedResponse = z.object({
  speed: z.number(),
  changes: z.array(z.object({ at: z.number(), speed: z.number() })),
  deteriorationMs: z.number(),
  simulators: z.boolean(),
});

function demoTenant(req: Request): string {
  const tenantId = tenantOf(req);
  if (!isDemoTenant(tenantId)) throw forbidden('the demo speed belongs to the demo tenants');
  return tenantId;
}

export function demoRoutes(s: PlatformServices, speed: DemoSpeed): Router {
  const r = Router();
  r.get('/demo/speed', allow('commands:read'), doc({ summary: "the demo simulators' speed and its changes (demo tenants)", responses: { 200: demoSpeedResponse } }), (req, res) => {
    demoTenant(req);
    res.json(speed.state());
  });
  r.put('/demo/speed', allow('commands:send'), doc({ summary: "changes the demo simulators' speed (demo tenants)", body: demoSpeedInput, responses: { 200: demoSpeedResponse } }), async (req, res) => {
    const tenantId = demoTenant(req);
    const input = body(req, demoSpeedInput);
    const from = speed.state().speed;
    const state = await speed.set(input.speed);
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'demo.speed', target: `tenant:${tenantId}`, outcome: 'success', details: { from, to: input.speed } });
    res.json(state);
  });
  return r;
}
