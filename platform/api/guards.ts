// The route guards every router names on its own line (`allow(permission)`), and the tenant of an
// authenticated request. Pure: they read the principal `authenticate` (api/auth.ts) put on the
// request, so pilots get them through the pilot interface (platform/pilot.ts) without reaching the
// session machinery.
import type { RequestHandler, Request } from 'express';
import { forbidden, unauthorized } from '../errors.ts';
import { can, type Permission } from '../policy/roles.ts';
import type { Principal } from '../tenancy/context.ts';
import { asTenantId, type TenantId } from '../ids.ts';
import { withPermissions } from './route-doc.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      principal?: Principal;
    }
  }
}

// Each guard is marked with its permissions so the API contract names them (api/openapi.ts).
export function allow(permission: Permission): RequestHandler {
  return withPermissions((req, _res, next) => {
    if (!req.principal) return next(unauthorized());
    if (!can(req.principal.role, permission)) return next(forbidden(`role ${req.principal.role} may not ${permission}`));
    next();
  }, [permission]);
}

export function allowAny(...permissions: Permission[]): RequestHandler {
  return withPermissions((req, _res, next) => {
    if (!req.principal) return next(unauthorized());
    if (!permissions.some((p) => can(req.principal!.role, p))) {
      return next(forbidden(`role ${req.principal.role} may not ${permissions.join(' or ')}`));
    }
    next();
  }, permissions);
}

/** The caller's tenant id; routes under a tenant refuse principals without one (platform-admin). */
export function tenantOf(req: Request): TenantId {
  const t = req.principal?.tenantId;
  if (!t) throw forbidden('this route belongs to a tenant; the platform operator has no tenant data');
  return asTenantId(t);
}
