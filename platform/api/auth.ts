// Authentication and authorisation as named steps (STYLE.md): `authenticate` resolves the
// session (cookie, or bearer token for tools), refuses principals of a suspended tenant, sets the
// tenant context from the principal — never from the request — and checks CSRF for
// cookie-authenticated writes; `allow(permission)`
// is the deny-by-default gate each route names on its own line.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { forbidden, unauthorized } from '../errors.ts';
import { asTenantId } from '../ids.ts';
import { hashToken } from '../identity/secrets.ts';
import type { Session, Sessions } from '../identity/sessions.ts';
import type { Logger } from '../logger.ts';
import type { AuditService } from '../services/index.ts';
import type { TenantRegistry } from '../tenancy/tenants.ts';
import { runInTenant, type Principal } from '../tenancy/context.ts';
import { timingSafeEqual } from 'node:crypto';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      session?: Session & { via: 'cookie' | 'bearer'; token: string };
    }
  }
}

export const SESSION_COOKIE = 'custodia_session';
export const CSRF_COOKIE = 'custodia_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      out[name] = decodeURIComponent(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
}

export function principalOf(s: Session): Principal {
  return { kind: 'user', id: s.userId, tenantId: s.tenantId === null ? null : asTenantId(s.tenantId), role: s.role, label: `user:${s.username}` };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The host of an Origin header, or null for `null`, opaque or malformed origins (a refusal, never a throw). */
export function originHost(origin: string): string | null {
  if (!URL.canParse(origin)) return null;
  const u = new URL(origin);
  return u.protocol === 'http:' || u.protocol === 'https:' ? u.host : null;
}

function sameToken(a: string, b: string) {
  const x = Buffer.from(hashToken(a));
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function authenticate(
  sessions: Sessions,
  audit: Pick<AuditService, 'record' | 'recordLimited'>,
  allowedOrigins: string[],
  tenants: Pick<TenantRegistry, 'get'>,
  logger: Pick<Logger, 'error'>,
): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const bearer = /^Bearer ([A-Za-z0-9_-]{20,128})$/.exec(req.headers.authorization ?? '')?.[1];
    const cookie = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    const token = bearer ?? cookie;
    if (!token) return next(unauthorized());
    const session = await sessions.resolve(token);
    if (!session) return next(unauthorized('session expired or unknown; log in again'));
    const principal = principalOf(session);
    // A suspended tenant acts no more (ASVS 3.3.1, 4.1.1): its sessions and bearer tokens are
    // refused here as its sockets, devices and tools are cut off (docs/security.md "Revocation
    // reaches live connections"). Audited through the rate limit per session, so a client
    // polling with it cannot flood the log.
    if (session.tenantId && (await tenants.get(session.tenantId))?.status !== 'active') {
      audit.recordLimited(session.tenantId, `tenant-suspended:${hashToken(token)}`, {
        actor: principal.label,
        action: 'api.tenant-suspended',
        target: `${req.method} ${req.path}`.slice(0, 200),
        outcome: 'denied',
      });
      return next(forbidden('this tenant is suspended'));
    }
    // CSRF (ASVS 4.2.2, 13.2.3): a cookie rides along with cross-site requests, a custom header
    // cannot; bearer tokens are never sent implicitly, so only cookie-authenticated writes are checked.
    if (!bearer && !SAFE.has(req.method)) {
      const origin = req.headers.origin;
      const host = req.headers.host;
      const originOk =
        !origin || allowedOrigins.includes(origin) || (host !== undefined && originHost(origin) === host);
      const header = req.headers[CSRF_HEADER];
      if (!originOk || typeof header !== 'string' || !sameToken(header, session.csrfHash)) {
        const scope = session.tenantId ?? '_platform';
        // The refusal stands either way; a lost audit entry must reach the operator's log (the
        // scope and method only: the user's name and the path may be personal data).
        void audit
          .record(scope, {
            actor: principal.label,
            action: 'api.csrf-rejected',
            target: `${req.method} ${req.path}`.slice(0, 200),
            outcome: 'denied',
          })
          .catch((err: unknown) => logger.error({ err, scope, action: 'api.csrf-rejected', method: req.method }, 'audit of a CSRF refusal failed'));
        return next(forbidden('missing or invalid CSRF token (send the X-CSRF-Token header from the login response)'));
      }
    }
    req.principal = principal;
    req.session = { ...session, via: bearer ? 'bearer' : 'cookie', token };
    // Everything after this runs in the principal's tenant context. platform-admin has none.
    if (principal.tenantId) runInTenant({ tenantId: principal.tenantId, principal }, () => next());
    else next();
  };
}

// The deny-by-default route guards are pure and shared with the pilots (platform/pilot.ts re-exports them).
export { allow, allowAny, tenantOf } from './guards.ts';
