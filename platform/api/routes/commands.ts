// Commands to the caller's tenant devices: to one device or a list (a batch), then status.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { deviceIdSchema } from '../../identity/devices.ts';
import { COMMAND_STATUSES } from '../../services/commands.ts';
import type { PlatformServices } from '../../services/index.ts';
import { allow, tenantOf } from '../auth.ts';
import { body, params, query } from '../validate.ts';
import { doc } from '../route-doc.ts';
import { commandResponse } from '../response-schemas.ts';

export const commandInputSchema = z
  .object({
    deviceId: deviceIdSchema.optional(),
    deviceIds: z.array(deviceIdSchema).min(1).max(5000).optional(),
    name: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
    payload: z.record(z.string(), z.unknown()).default({}),
    ttlSeconds: z.number().int().min(1).max(7 * 24 * 3600).default(3600),
  })
  .strict()
  .refine((v) => Boolean(v.deviceId) !== Boolean(v.deviceIds), { message: 'give exactly one of deviceId or deviceIds' });

const idParam = z.object({ id: z.uuid() });
const listQuery = z
  .object({
    deviceId: deviceIdSchema.optional(),
    batchId: z.uuid().optional(),
    status: z.enum(COMMAND_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    /** Paging: commands to skip, newest first (with `limit`; the answer's `next` is the next page's). */
    offset: z.coerce.number().int().min(0).max(10_000).optional(),
  })
  .strict();
const commandPage = z.object({ items: z.array(commandResponse), next: z.number().int().nullable() });

export function commandRoutes(s: PlatformServices): Router {
  const r = Router();
  r.post('/commands', allow('commands:send'), doc({ summary: 'sends a command to one device or a batch', body: commandInputSchema, responses: { 202: z.union([commandResponse, z.object({ batchId: z.string(), items: z.array(commandResponse) })]) } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const input = body(req, commandInputSchema);
    const ids = input.deviceIds ?? [input.deviceId!];
    // Every target must be a device of this tenant: one foreign id refuses the whole request.
    for (const id of ids) await s.devices.require(id);
    const batchId = ids.length > 1 ? randomUUID() : null;
    const items = [];
    for (const deviceId of ids) {
      items.push(await s.commands.create({ deviceId, name: input.name, payload: input.payload, ttlMs: input.ttlSeconds * 1000, batchId }));
    }
    res.status(202).json(batchId ? { batchId, items } : items[0]);
  });
  r.get('/commands', allow('commands:read'), doc({ summary: 'commands of the tenant, newest first, by device, batch or status, a page at a time', query: listQuery, responses: { 200: commandPage } }), async (req, res) => {
    const q = query(req, listQuery);
    const limit = q.limit ?? 200;
    const offset = q.offset ?? 0;
    // One more than asked tells whether another page follows.
    const rows = await s.commands.list({ ...q, limit: limit + 1, offset });
    res.json({ items: rows.slice(0, limit), next: rows.length > limit ? offset + limit : null });
  });
  r.get('/commands/:id', allow('commands:read'), doc({ summary: 'one command and its history', params: idParam, responses: { 200: commandResponse } }), async (req, res) => {
    res.json(await s.commands.require(params(req, idParam).id));
  });
  return r;
}
