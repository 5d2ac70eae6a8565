// POST /auth/login, POST /auth/logout, GET /auth/me.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError, badRequest, tooMany, unauthorized } from '../../errors.ts';
import { dummyHash, verifyPassword } from '../../identity/passwords.ts';
import { passwordSchema, publicUser, type User } from '../../identity/users.ts';
import { permissionsOf } from '../../policy/roles.ts';
import type { PlatformServices } from '../../services/index.ts';
import { CSRF_COOKIE, SESSION_COOKIE, authenticate } from '../auth.ts';
import { body } from '../validate.ts';
import { doc, noContent } from '../route-doc.ts';
import { loginResponse, meResponse, tokenResponse } from '../response-schemas.ts';

export const loginSchema = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(128) })
  .strict();

/** A change of one's own password proves the current one (ASVS 2.1.6); it needs no session, so a
 *  user holding a one-time password from a reset can make it their own. */
export const passwordChangeSchema = z
  .object({ username: z.string().min(1).max(64), currentPassword: z.string().min(1).max(128), newPassword: passwordSchema })
  .strict();

/** Problem codes the console acts on: a one-time password must be replaced, or has run out. */
export const PASSWORD_CHANGE_REQUIRED = 'password-change-required';
export const TEMPORARY_PASSWORD_EXPIRED = 'temporary-password-expired';

export function authRoutes(s: PlatformServices): Router {
  const r = Router();
  const auth = authenticate(s.sessions, s.audit, s.config.allowedOrigins, s.tenants, s.logger);
  const secure = (req: Request) => req.secure;

  /** The user whose username and password these are, counted by the login guard (ASVS 2.2.1);
   *  shared by the logins and the password change. */
  async function checkCredentials(req: Request, username: string, password: string, action: string): Promise<User> {
    const address = req.ip ?? 'unknown';
    const verdict = await s.loginGuard.check(username, address);
    if (!verdict.allowed) {
      s.audit.recordLimited('_platform', `login:${verdict.reason}:${address}`, {
        actor: 'anonymous',
        action: 'auth.login',
        target: 'user',
        outcome: 'denied',
        details: { reason: verdict.reason },
      });
      throw tooMany(
        verdict.reason === 'locked'
          ? 'too many failed logins: this account is temporarily locked'
          : 'too many login attempts from this address',
        verdict.retryAfter,
      );
    }
    const user = await s.users.findByUsername(username);
    // Same work whether or not the user exists (ASVS 2.2.1: no account enumeration by timing).
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
    if (!user || !ok || user.disabled) {
      const locked = await s.loginGuard.failed(username);
      await s.audit.record(user?.tenantId ?? '_platform', {
        actor: user ? `user:${user.username}` : 'anonymous',
        action: locked ? 'auth.lockout' : action,
        target: user ? `user:${user.id}` : 'user:unknown',
        outcome: 'failure',
        details: { reason: !user ? 'unknown-user' : user.disabled ? 'disabled' : 'bad-password' },
      });
      throw unauthorized('wrong username or password');
    }
    await s.loginGuard.succeeded(username);
    // A one-time password from a reset runs out (ASVS 2.3.1); said only to who knows it.
    if (user.passwordTemporaryUntil !== undefined && user.passwordTemporaryUntil <= Date.now()) {
      await s.audit.record(user.tenantId ?? '_platform', { actor: `user:${user.username}`, action, target: `user:${user.id}`, outcome: 'denied', details: { reason: TEMPORARY_PASSWORD_EXPIRED } });
      throw new AppError(401, 'Unauthorized', 'this one-time password has expired; ask your administrator for a new one', { code: TEMPORARY_PASSWORD_EXPIRED });
    }
    return user;
  }

  // Shared by the cookie login (browsers) and the bearer-token login (tools, scripts).
  async function attemptLogin(req: Request) {
    const { username, password } = body(req, loginSchema);
    const user = await checkCredentials(req, username, password, 'auth.login');
    // A one-time password never becomes the long-term one (ASVS 2.3.1): it opens no session.
    if (user.passwordTemporaryUntil !== undefined) {
      await s.audit.record(user.tenantId ?? '_platform', { actor: `user:${user.username}`, action: 'auth.login', target: `user:${user.id}`, outcome: 'denied', details: { reason: PASSWORD_CHANGE_REQUIRED } });
      throw new AppError(403, 'Forbidden', 'this is a one-time password: choose a password of your own to sign in', { code: PASSWORD_CHANGE_REQUIRED, until: user.passwordTemporaryUntil });
    }
    const issued = await s.sessions.issue(user);
    await s.audit.record(user.tenantId ?? '_platform', {
      actor: `user:${user.username}`,
      action: 'auth.login',
      target: `user:${user.id}`,
      outcome: 'success',
    });
    return { user, issued };
  }

  r.post('/auth/login', doc({ summary: 'browser login: sets the session cookie, returns the CSRF token', public: true, body: loginSchema, responses: { 200: loginResponse } }), async (req, res) => {
    const { user, issued } = await attemptLogin(req);
    const maxAge = issued.session.expiresAt - issued.session.createdAt;
    // ASVS 3.4.1–3.4.3: HttpOnly, SameSite=Strict, Secure when served over TLS.
    res.cookie(SESSION_COOKIE, issued.token, { httpOnly: true, sameSite: 'strict', secure: secure(req), path: '/', maxAge });
    res.cookie(CSRF_COOKIE, issued.csrfToken, { httpOnly: false, sameSite: 'strict', secure: secure(req), path: '/', maxAge });
    res.json({
      user: publicUser(user),
      permissions: permissionsOf(user.role),
      csrfToken: issued.csrfToken,
      expiresAt: issued.session.expiresAt,
    });
  });

  // Tools and scripts: the same check, but the session token comes back in the body for an
  // Authorization: Bearer header, and no cookie is set (so no CSRF exposure).
  r.post('/auth/token', doc({ summary: 'tool login: returns a bearer token', public: true, body: loginSchema, responses: { 200: tokenResponse } }), async (req, res) => {
    const { user, issued } = await attemptLogin(req);
    res.json({ token: issued.token, tokenType: 'Bearer', role: user.role, expiresAt: issued.session.expiresAt });
  });

  r.post('/auth/password', doc({ summary: "changes one's own password: proves the current (or one-time) one, sets a new one and ends every session", public: true, body: passwordChangeSchema, responses: { 204: noContent } }), async (req, res) => {
    const { username, currentPassword, newPassword } = body(req, passwordChangeSchema);
    const user = await checkCredentials(req, username, currentPassword, 'user.password-change');
    if (newPassword === currentPassword) throw badRequest('the new password must differ from the current one');
    await s.users.update(user.id, { password: newPassword, temporaryUntil: null });
    // Whoever held a session on the old password holds none now (ASVS 3.3.3).
    await s.sessions.revokeAllFor(user.id);
    await s.audit.record(user.tenantId ?? '_platform', { actor: `user:${user.username}`, action: 'user.password-change', target: `user:${user.id}`, outcome: 'success', details: { wasTemporary: user.passwordTemporaryUntil !== undefined } });
    res.status(204).end();
  });

  r.post('/auth/logout', auth, doc({ summary: 'ends the session', responses: { 204: noContent } }), async (req, res) => {
    await s.sessions.revoke(req.session!.token);
    await s.audit.record(req.principal!.tenantId ?? '_platform', {
      actor: req.principal!.label,
      action: 'auth.logout',
      target: `user:${req.principal!.id}`,
      outcome: 'success',
    });
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.clearCookie(CSRF_COOKIE, { path: '/' });
    res.status(204).end();
  });

  r.get('/auth/me', auth, doc({ summary: 'the caller, their tenant and permissions', responses: { 200: meResponse } }), async (req: Request, res: Response) => {
    const user = await s.users.get(req.principal!.id);
    if (!user) throw unauthorized();
    const tenant = user.tenantId ? await s.tenants.get(user.tenantId) : null;
    res.json({
      user: publicUser(user),
      tenant: tenant ? { id: tenant.id, name: tenant.name, region: tenant.region, pilots: tenant.pilots } : null,
      permissions: permissionsOf(user.role),
      expiresAt: req.session!.expiresAt,
    });
  });
  return r;
}
