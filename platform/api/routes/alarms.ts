// Alarms of the caller's tenant: list, read, acknowledge with a note, resolve with a note.
import { Router } from 'express';
import { z } from 'zod';
import { ackSchema, resolveSchema } from '../../services/alarms.ts';
import type { PlatformServices } from '../../services/index.ts';
import { allow } from '../auth.ts';
import { body, params, query } from '../validate.ts';
import { doc, itemsOf } from '../route-doc.ts';
import { alarmResponse } from '../response-schemas.ts';

const idParam = z.object({ id: z.uuid() });
const listQuery = z
  .object({
    state: z.enum(['active', 'active-unacknowledged', 'active-acknowledged', 'cleared']).optional(),
    source: z.string().max(80).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

export function alarmRoutes(s: PlatformServices): Router {
  const r = Router();
  r.get('/alarms', allow('alarms:read'), doc({ summary: 'alarms of the tenant', query: listQuery, responses: { 200: itemsOf(alarmResponse) } }), async (req, res) => {
    const q = query(req, listQuery);
    res.json({ items: await s.alarms.list(q) });
  });
  r.get('/alarms/:id', allow('alarms:read'), doc({ summary: 'one alarm', params: idParam, responses: { 200: alarmResponse } }), async (req, res) => {
    res.json(await s.alarms.require(params(req, idParam).id));
  });
  r.post('/alarms/:id/ack', allow('alarms:ack'), doc({ summary: 'acknowledges an alarm with a note', params: idParam, body: ackSchema, responses: { 200: alarmResponse } }), async (req, res) => {
    const { id } = params(req, idParam);
    const { note } = body(req, ackSchema);
    res.json(await s.alarms.acknowledge(id, note));
  });
  r.post('/alarms/:id/resolve', allow('alarms:ack'), doc({ summary: 'resolves (clears) an active alarm with a note saying why', params: idParam, body: resolveSchema, responses: { 200: alarmResponse } }), async (req, res) => {
    const { id } = params(req, idParam);
    const { note } = body(req, resolveSchema);
    res.json(await s.alarms.resolve(id, note));
  });
  return r;
}
