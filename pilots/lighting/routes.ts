// The lighting pilot's routes, mounted by the platform at /api/v1/pilots/lighting behind
// authentication: one route per line with the permission it needs (platform/policy/roles.ts).
// Inventory is device information (tenant-admin and operator); live state, readings and energy are
// tenant data (operator); switching and schedules are commands (operator); provisioning creates
// devices (tenant-admin). Evaluators and auditors have none of these.
import { Router } from 'express';
import { allow } from '../../platform/pilot.ts';
import { handlers, type HandlerDeps } from './handlers.ts';

export function lightingRoutes(deps: HandlerDeps): Router {
  const h = handlers(deps);
  const r = Router();
  r.get('/installation', allow('devices:read'), h.installation);
  r.get('/cabinets', allow('data:read'), h.cabinets);
  r.get('/groups', allow('devices:read'), h.groups);
  r.get('/lamps', allow('data:read'), h.lamps);
  r.get('/lamps/:id', allow('data:read'), h.lamp);
  r.get('/lamps/:id/readings', allow('data:read'), h.readings);
  r.post('/commands', allow('commands:send'), h.sendCommand);
  r.get('/commands/:batchId', allow('commands:read'), h.batch);
  r.get('/schedules', allow('data:read'), h.schedules);
  r.post('/schedules', allow('commands:send'), h.createSchedule);
  r.put('/schedules/:id', allow('commands:send'), h.replaceSchedule);
  r.delete('/schedules/:id', allow('commands:send'), h.deleteSchedule);
  r.get('/schedules/:id/preview', allow('data:read'), h.preview);
  r.get('/energy', allow('data:read'), h.energy);
  r.get('/energy.csv', allow('data:read'), h.energyCsv);
  r.get('/meters', allow('data:read'), h.meters);
  r.post('/demo/provision', allow('devices:manage'), h.provision);
  r.post('/demo/simulate', allow('commands:send'), h.simulate);
  return r;
}
