// Route guards of the pilot, beside the platform's `allow` (platform/api/auth.ts).
import type { RequestHandler } from 'express';
import { forbidden, notFound, unauthorized } from '../../../platform/errors.ts';
import type { PilotContext } from '../../../platform/pilot.ts';
import { can, type Permission } from '../../../platform/policy/roles.ts';

/** Like `allow`, for routes two roles may use for different reasons (deny by default still). */
export function allowAny(...permissions: Permission[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.principal) return next(unauthorized());
    if (!permissions.some((p) => can(req.principal!.role, p))) {
      return next(forbidden(`role ${req.principal.role} may not ${permissions.join(' or ')}`));
    }
    next();
  };
}

/**
 * The pilot's routes exist only for tenants that enabled it: for any other tenant they are as
 * absent as an unknown path (404). The list is cached briefly and refreshed on a miss.
 */
export function pilotEnabled(ctx: PilotContext, refreshMs = 1000): RequestHandler {
  let enabled = new Set<string>();
  let loadedAt = -Infinity;
  const load = async () => {
    const next = new Set<string>();
    await ctx.forEachTenant(async (t) => {
      next.add(t);
    });
    enabled = next;
    loadedAt = Date.now();
  };
  return async (req, _res, next) => {
    const tenantId = req.principal?.tenantId;
    if (!req.principal) return next(unauthorized());
    // The platform operator has no tenant; `allow` on each route answers 403 for it.
    if (!tenantId) return next();
    if (!enabled.has(tenantId) && Date.now() - loadedAt >= refreshMs) await load();
    if (!enabled.has(tenantId)) return next(notFound(`no route ${req.method} ${req.baseUrl}${req.path}`));
    next();
  };
}
