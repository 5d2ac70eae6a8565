// Alarm notification subscriptions of the caller's tenant and their dead letters (tenant-admin).
// A webhook's signing secret is returned once, at creation.
import { Router } from 'express';
import { z } from 'zod';
import { publicSubscription, subscriptionCreateSchema, subscriptionPatchSchema } from '../../notify/message.ts';
import type { PlatformServices } from '../../services/index.ts';
import { allow } from '../auth.ts';
import { body, params, query } from '../validate.ts';
import { anyObject, doc, itemsOf, noContent } from '../route-doc.ts';

const idParam = z.object({ id: z.uuid() });
const deadQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).optional() });

export function notificationRoutes(s: PlatformServices): Router {
  const r = Router();
  const n = s.notifications;
  r.get('/notifications/subscriptions', allow('notifications:manage'), doc({ summary: "the tenant's alarm notification subscriptions", responses: { 200: itemsOf(anyObject) } }), async (req, res) => {
    res.json({ items: (await n.list()).map(publicSubscription) });
  });
  r.post('/notifications/subscriptions', allow('notifications:manage'), doc({ summary: 'subscribes a webhook or an e-mail address to alarm changes (a webhook secret shown once)', body: subscriptionCreateSchema, responses: { 201: anyObject } }), async (req, res) => {
    const input = body(req, subscriptionCreateSchema);
    const { subscription, secret } = await n.create(input);
    res.status(201).json({ subscription: publicSubscription(subscription), ...(secret ? { secret } : {}) });
  });
  r.get('/notifications/subscriptions/:id', allow('notifications:manage'), doc({ summary: 'one subscription', params: idParam, responses: { 200: anyObject } }), async (req, res) => {
    res.json(publicSubscription(await n.require(params(req, idParam).id)));
  });
  r.patch('/notifications/subscriptions/:id', allow('notifications:manage'), doc({ summary: 'changes a subscription', params: idParam, body: subscriptionPatchSchema, responses: { 200: anyObject } }), async (req, res) => {
    const { id } = params(req, idParam);
    const patch = body(req, subscriptionPatchSchema);
    res.json(publicSubscription(await n.update(id, patch)));
  });
  r.post('/notifications/subscriptions/:id/rotate-secret', allow('notifications:manage'), doc({ summary: "a new webhook signing secret, shown once", params: idParam, responses: { 200: z.object({ secret: z.string() }) } }), async (req, res) => {
    const { id } = params(req, idParam);
    res.json({ secret: await n.rotateSecret(id) });
  });
  r.delete('/notifications/subscriptions/:id', allow('notifications:manage'), doc({ summary: 'removes a subscription', params: idParam, responses: { 204: noContent } }), async (req, res) => {
    await n.remove(params(req, idParam).id);
    res.status(204).end();
  });
  r.get('/notifications/dead-letters', allow('notifications:manage'), doc({ summary: 'notifications given up after the last retry', query: deadQuery, responses: { 200: itemsOf(anyObject) } }), async (req, res) => {
    const q = query(req, deadQuery);
    res.json({ items: await n.deadLetters(q.limit) });
  });
  r.post('/notifications/dead-letters/:id/retry', allow('notifications:manage'), doc({ summary: 'delivers a dead letter once more', params: idParam, responses: { 200: anyObject } }), async (req, res) => {
    const { id } = params(req, idParam);
    res.json(await n.retry(id));
  });
  return r;
}
