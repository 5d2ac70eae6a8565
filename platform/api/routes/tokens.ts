// Scoped MQTT tokens for operators' tools (read-only presence); the secret is shown once.
import { Router } from 'express';
import { z } from 'zod';
import { notFound } from '../../errors.ts';
import type { PlatformServices } from '../../services/index.ts';
import { allow, tenantOf } from '../auth.ts';
import { body } from '../validate.ts';
import { doc, noContent } from '../route-doc.ts';

const issueSchema = z.object({ ttlMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60) }).strict();
const revokeSchema = z.object({ token: z.string().min(1).max(128) }).strict();

export function tokenRoutes(s: PlatformServices): Router {
  const r = Router();
  r.post('/tokens/mqtt', allow('data:read'), doc({ summary: 'a read-only MQTT token for tools, shown once', body: issueSchema, responses: { 201: z.object({ username: z.literal('token'), password: z.string(), topics: z.array(z.string()), expiresAt: z.number().int() }) } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const { ttlMinutes } = body(req, issueSchema);
    const { token, info } = await s.toolTokens.issue({ tenantId, createdBy: req.principal!.id, ttlMs: ttlMinutes * 60_000 });
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'token.issue', target: 'mqtt-token', outcome: 'success', details: { ttlMinutes } });
    res.status(201).json({ username: 'token', password: token, topics: info.topics, expiresAt: info.expiresAt });
  });
  // Revoking a token also disconnects the tools connected with it (docs/security.md).
  r.post('/tokens/mqtt/revoke', allow('data:read'), doc({ summary: 'revokes an MQTT token and disconnects its tools', body: revokeSchema, responses: { 204: noContent } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const { token } = body(req, revokeSchema);
    if (!(await s.toolTokens.revoke(tenantId, token))) throw notFound('no such token');
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'token.revoke', target: 'mqtt-token', outcome: 'success' });
    res.status(204).end();
  });
  return r;
}
