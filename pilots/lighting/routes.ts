// The lighting pilot's routes, mounted by the platform at /api/v1/pilots/lighting behind
// authentication: one route per line with the permission it needs (platform/policy/roles.ts).
// Inventory is device information (tenant-admin and operator); live state, readings and energy are
// tenant data (operator); switching and schedules are commands (operator); provisioning creates
// devices (tenant-admin). Evaluators and auditors have none of these.
import { Router } from 'express';
import { z } from 'zod';
import { allow, anyObject, doc, itemsOf, noContent } from '../../platform/pilot.ts';
import { commandRequestSchema, historyQuery } from './commands.ts';
import { batchParams, energyQuery, handlers, idParams, lampsQuery, metersQuery, previewQuery, provisionInput, readingsQuery, scheduleInput, simulateInput, type HandlerDeps } from './handlers.ts';

export function lightingRoutes(deps: HandlerDeps): Router {
  const h = handlers(deps);
  const r = Router();
  r.get('/installation', allow('devices:read'), doc({ summary: 'the installation (site, time zone)', responses: { 200: anyObject } }), h.installation);
  r.get('/cabinets', allow('data:read'), doc({ summary: 'control cabinets with live state', responses: { 200: itemsOf(anyObject) } }), h.cabinets);
  r.get('/groups', allow('devices:read'), doc({ summary: 'lamp groups', responses: { 200: itemsOf(anyObject) } }), h.groups);
  r.get('/lamps', allow('data:read'), doc({ summary: 'lamps with live state', query: lampsQuery, responses: { 200: itemsOf(anyObject) } }), h.lamps);
  r.get('/lamps/:id', allow('data:read'), doc({ summary: 'one lamp', params: idParams, responses: { 200: anyObject } }), h.lamp);
  r.get('/lamps/:id/readings', allow('data:read'), doc({ summary: "a lamp's readings in a range", params: idParams, query: readingsQuery, responses: { 200: anyObject } }), h.readings);
  r.post('/commands', allow('commands:send'), doc({ summary: 'switches or dims lamps, a group or a cabinet', body: commandRequestSchema, responses: { 202: anyObject } }), h.sendCommand);
  r.get('/commands', allow('commands:read'), doc({ summary: "a lamp's or a group's command history, newest first, a page at a time", query: historyQuery, responses: { 200: z.object({ items: z.array(anyObject), next: z.number().int().nullable() }) } }), h.history);
  r.get('/commands/:batchId', allow('commands:read'), doc({ summary: 'delivery status of a command batch', params: batchParams, responses: { 200: anyObject } }), h.batch);
  r.get('/schedules', allow('data:read'), doc({ summary: 'dimming schedules', responses: { 200: itemsOf(anyObject) } }), h.schedules);
  r.post('/schedules', allow('commands:send'), doc({ summary: 'creates a schedule', body: scheduleInput, responses: { 201: anyObject } }), h.createSchedule);
  r.put('/schedules/:id', allow('commands:send'), doc({ summary: 'replaces a schedule', params: idParams, body: scheduleInput, responses: { 200: anyObject } }), h.replaceSchedule);
  r.delete('/schedules/:id', allow('commands:send'), doc({ summary: 'deletes a schedule', params: idParams, responses: { 204: noContent } }), h.deleteSchedule);
  r.get('/schedules/:id/preview', allow('data:read'), doc({ summary: 'what a schedule will do in the next hours', params: idParams, query: previewQuery, responses: { 200: anyObject } }), h.preview);
  r.get('/energy', allow('data:read'), doc({ summary: 'energy per lamp, group or cabinet per local day or month', query: energyQuery, responses: { 200: anyObject } }), h.energy);
  r.get('/energy.csv', allow('data:read'), doc({ summary: 'energy per lamp, group or cabinet as a CSV file', query: energyQuery, responses: { 200: { description: 'CSV, one line per entity and period', contentType: 'text/csv' } } }), h.energyCsv);
  r.get('/meters', allow('data:read'), doc({ summary: 'cabinet meter readings in a range', query: metersQuery, responses: { 200: z.object({ from: z.number(), to: z.number(), items: z.array(anyObject) }) } }), h.meters);
  r.post('/demo/provision', allow('devices:manage'), doc({ summary: 'creates a demo fleet (secrets shown once)', body: provisionInput, responses: { 201: anyObject } }), h.provision);
  r.post('/demo/simulate', allow('commands:send'), doc({ summary: 'simulates a lamp fault', body: simulateInput, responses: { 202: anyObject } }), h.simulate);
  return r;
}
