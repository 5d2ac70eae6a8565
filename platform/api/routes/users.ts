// Users of the caller's tenant: tenant-admin only. A user of another tenant is a 404.
import { Router } from 'express';
import { z } from 'zod';
import { badRequest, notFound } from '../../errors.ts';
import { newSecret } from '../../identity/secrets.ts';
import { publicUser } from '../../identity/users.ts';
import { userCreateSchema as createSchema, userPatchSchema as patchSchema } from '../../identity/schemas.ts';
import type { PlatformServices } from '../../services/index.ts';
import { allow, tenantOf } from '../auth.ts';
import { body, params } from '../validate.ts';
import { doc, itemsOf, noContent } from '../route-doc.ts';
import { userResponse } from '../response-schemas.ts';

const idParam = z.object({ id: z.uuid() });

/** How long a password drawn by a reset may be used to choose a new one: three days, enough to
 *  hand it over in person after a weekend. */
export const TEMPORARY_PASSWORD_TTL_MS = 72 * 3_600_000;

export function userRoutes(s: PlatformServices): Router {
  const r = Router();
  const own = async (tenantId: string, id: string) => {
    const u = await s.users.get(id);
    if (!u || u.tenantId !== tenantId) throw notFound(`no user ${id}`);
    return u;
  };
  r.get('/users', allow('users:manage'), doc({ summary: 'users of the tenant', responses: { 200: itemsOf(userResponse) } }), async (req, res) => {
    res.json({ items: (await s.users.list(tenantOf(req))).map(publicUser) });
  });
  r.post('/users', allow('users:manage'), doc({ summary: 'creates a user', body: createSchema, responses: { 201: userResponse } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const input = body(req, createSchema);
    const tenant = await s.tenants.require(tenantId);
    if ((await s.users.list(tenantId)).length >= tenant.quotas.maxUsers) throw badRequest('user quota of this tenant reached');
    const user = await s.users.create({ ...input, tenantId });
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'user.create', target: `user:${user.id}`, outcome: 'success', details: { role: user.role } });
    res.status(201).json(publicUser(user));
  });
  // A password the administrator chooses here is handed over like a reset one, so it is one-time
  // too (ASVS 2.3.1): it opens no session, only the change to the user's own (POST /auth/password),
  // for TEMPORARY_PASSWORD_TTL_MS. One's own password is changed there, proving the current one.
  r.patch('/users/:id', allow('users:manage'), doc({ summary: "changes a user (ends their sessions on password, role or status change); a password set here is one-time: the user must replace it within 72 hours (POST /auth/password)", params: idParam, body: patchSchema, responses: { 200: userResponse } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const { id } = params(req, idParam);
    await own(tenantId, id);
    const patch = body(req, patchSchema);
    if (patch.password && id === req.principal!.id) throw badRequest('change your own password with POST /auth/password, proving the current one');
    const user = await s.users.update(id, patch.password ? { ...patch, temporaryUntil: Date.now() + TEMPORARY_PASSWORD_TTL_MS } : patch);
    // A changed password, role or a disabled account ends existing sessions (ASVS 3.3.3).
    if (patch.password || patch.role || patch.disabled) await s.sessions.revokeAllFor(id);
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'user.update', target: `user:${id}`, outcome: 'success', details: { fields: Object.keys(patch) } });
    res.json(publicUser(user));
  });
  // A forgotten password: the server draws a new one (144 random bits, ASVS 2.3.1) and returns it
  // once, never stored readable and never logged; the user's sessions end. It is a one-time
  // password: it opens no session, only the change to one of the user's own choosing
  // (POST /auth/password), and only for TEMPORARY_PASSWORD_TTL_MS. Not for one's own account
  // (that is a change, which proves the current password).
  r.post('/users/:id/reset-password', allow('users:manage'), doc({ summary: 'resets a user\'s password to a new random one, shown once (ends their sessions)', params: idParam, responses: { 200: z.object({ user: userResponse, password: z.string() }) } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const { id } = params(req, idParam);
    await own(tenantId, id);
    if (id === req.principal!.id) throw badRequest('you cannot reset your own password here');
    const password = newSecret(18);
    const user = await s.users.update(id, { password, temporaryUntil: Date.now() + TEMPORARY_PASSWORD_TTL_MS });
    await s.sessions.revokeAllFor(id);
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'user.password-reset', target: `user:${id}`, outcome: 'success' });
    res.set('cache-control', 'no-store').json({ user: publicUser(user), password });
  });
  r.delete('/users/:id', allow('users:manage'), doc({ summary: 'deletes a user', params: idParam, responses: { 204: noContent } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const { id } = params(req, idParam);
    await own(tenantId, id);
    if (id === req.principal!.id) throw badRequest('you cannot delete your own account');
    await s.sessions.revokeAllFor(id);
    await s.users.remove(id);
    await s.audit.record(tenantId, { actor: req.principal!.label, action: 'user.delete', target: `user:${id}`, outcome: 'success' });
    res.status(204).end();
  });
  return r;
}
