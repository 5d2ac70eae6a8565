// The tenant context, carried with AsyncLocalStorage: set once by the authenticating edge
// (REST auth middleware, socket.io handshake, MQTT client) and read by every data access.
// A tenant is never chosen by a body or query field: it comes from the authenticated principal.
import { AsyncLocalStorage } from 'node:async_hooks';
import { forbidden, NoTenantContextError } from '../errors.ts';

import type { TenantId } from '../ids.ts';
import type { Role } from '../policy/role-names.ts';

export { ROLES, type Role } from '../policy/role-names.ts';

export interface Principal {
  kind: 'user' | 'device' | 'system';
  /** user id, device id, or a system component name */
  id: string;
  /** null only for platform-admin and system principals acting on the platform itself */
  tenantId: TenantId | null;
  role?: Role;
  /** non-personal display handle for audit entries */
  label: string;
}

export interface TenantContext {
  tenantId: TenantId;
  principal: Principal;
}

const storage = new AsyncLocalStorage<TenantContext>();

export function runInTenant<T>(ctx: TenantContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The active tenant context; throws when none is active (fail loudly, never default). */
export function currentTenant(what = 'data access'): TenantContext {
  const ctx = storage.getStore();
  if (!ctx) throw new NoTenantContextError(what);
  return ctx;
}

export function maybeTenant(): TenantContext | undefined {
  return storage.getStore();
}

export const systemPrincipal = (component: string, tenantId: TenantId | null = null): Principal => ({
  kind: 'system',
  id: component,
  tenantId,
  label: `system:${component}`,
});

/** The context of a platform job or tool acting for one tenant as a system principal. */
export const systemContext = (component: string, tenantId: TenantId): TenantContext => ({
  tenantId,
  principal: systemPrincipal(component, tenantId),
});

/** Guards the admin APIs that name a tenant explicitly (`…ForTenant`, `audit.admin`): they serve
 *  the platform operator and the platform's own jobs (start-up loading, deadlines, ingest), never
 *  a tenant's principal, who reaches its own tenant through the context instead. Without a context
 *  the caller is the process itself (start-up, a job, a tool): tenant principals always run in one
 *  (platform/api/auth.ts, the socket handshake, the MQTT client). */
export function requireAdmin(tenantId: string, what: string): void {
  const ctx = storage.getStore();
  if (!ctx) return;
  const p = ctx.principal;
  if (p.role === 'platform-admin') return;
  if (p.kind === 'system' && (p.tenantId === null || p.tenantId === tenantId)) return;
  throw forbidden(`${what} is for the platform operator and system jobs, not ${p.label}`);
}
