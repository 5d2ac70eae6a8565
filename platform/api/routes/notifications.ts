// Alarm notification subscriptions of the caller's tenant and their dead letters (tenant-admin).
// A webhook's signing secret is returned once, at creation.
import { Router } from 'express';
import { z } from 'zod';
import { publicSubscription, subscriptionCreateSchema, subscriptionPatchSchema } from '../../notify/message.ts';
import type { PlatformServices } from '../../services/index.ts';
import { allow, tenantOf } from '../auth.ts';
import { body, params, query } from '../validate.ts';

const idParam = z.object({ id: z.uuid() });
const deadQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).optional() });

export function notificationRoutes(s: PlatformServices): Router {
  const r = Router();
  const n = s.notifications;
  r.get('/notifications/subscriptions', allow('notifications:manage'), async (req, res) => {
    res.json({ items: (await n.list(tenantOf(req))).map(publicSubscription) });
  });
  r.post('/notifications/subscriptions', allow('notifications:manage'), async (req, res) => {
    const input = body(req, subscriptionCreateSchema);
    const { subscription, secret } = await n.create(tenantOf(req), input, req.principal!.label);
    res.status(201).json({ subscription: publicSubscription(subscription), ...(secret ? { secret } : {}) });
  });
  r.get('/notifications/subscriptions/:id', allow('notifications:manage'), async (req, res) => {
    res.json(publicSubscription(await n.require(tenantOf(req), params(req, idParam).id)));
  });
  r.patch('/notifications/subscriptions/:id', allow('notifications:manage'), async (req, res) => {
    const { id } = params(req, idParam);
    const patch = body(req, subscriptionPatchSchema);
    res.json(publicSubscription(await n.update(tenantOf(req), id, patch, req.principal!.label)));
  });
  r.post('/notifications/subscriptions/:id/rotate-secret', allow('notifications:manage'), async (req, res) => {
    const { id } = params(req, idParam);
    res.json({ secret: await n.rotateSecret(tenantOf(req), id, req.principal!.label) });
  });
  r.delete('/notifications/subscriptions/:id', allow('notifications:manage'), async (req, res) => {
    await n.remove(tenantOf(req), params(req, idParam).id, req.principal!.label);
    res.status(204).end();
  });
  r.get('/notifications/dead-letters', allow('notifications:manage'), async (req, res) => {
    const q = query(req, deadQuery);
    res.json({ items: await n.deadLetters(tenantOf(req), q.limit) });
  });
  r.post('/notifications/dead-letters/:id/retry', allow('notifications:manage'), async (req, res) => {
    const { id } = params(req, idParam);
    res.json(await n.retry(tenantOf(req), id, req.principal!.label));
  });
  return r;
}
