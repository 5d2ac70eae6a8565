// POST /auth/login, POST /auth/logout, GET /auth/me.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { tooMany, unauthorized } from '../../errors.ts';
import { dummyHash, verifyPassword } from '../../identity/passwords.ts';
import { publicUser } from '../../identity/users.ts';
import { permissionsOf } from '../../policy/roles.ts';
import type { PlatformServices } from '../../services/index.ts';
import { CSRF_COOKIE, SESSION_COOKIE, authenticate } from '../auth.ts';
import { body } from '../validate.ts';
import { doc, noContent } from '../route-doc.ts';
import { loginResponse, meResponse, tokenResponse } from '../response-schemas.ts';

export const loginSchema = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(128) })
  .strict();

export function authRoutes(s: PlatformServices): Router {
  const r = Router();
  const auth = authenticate(s.sessions, s.audit, s.config.allowedOrigins, s.tenants, s.logger);
  const secure = (req: Request) => req.secure;

  // Shared by the cookie login (browsers) and the bearer-token login (tools, scripts).
  async function attemptLogin(req: Request) {
    const { username, password } = body(req, loginSchema);
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
        action: locked ? 'auth.lockout' : 'auth.login',
        target: user ? `user:${user.id}` : 'user:unknown',
        outcome: 'failure',
        details: { reason: !user ? 'unknown-user' : user.disabled ? 'disabled' : 'bad-password' },
      });
      throw unauthorized('wrong username or password');
    }
    await s.loginGuard.succeeded(username);
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
