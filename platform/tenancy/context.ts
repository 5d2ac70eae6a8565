// The tenant context, carried with AsyncLocalStorage: set once by the authenticating edge
// (REST auth middleware, socket.io handshake, MQTT client) and read by every data access.
// A tenant is never chosen by a body or query field: it comes from the authenticated principal.
import { AsyncLocalStorage } from 'node:async_hooks';
import { NoTenantContextError } from '../errors.ts';

import type { Role } from '../policy/role-names.ts';

export { ROLES, type Role } from '../policy/role-names.ts';

export interface Principal {
  kind: 'user' | 'device' | 'system';
  /** user id, device id, or a system component name */
  id: string;
  /** null only for platform-admin and system principals acting on the platform itself */
  tenantId: string | null;
  role?: Role;
  /** non-personal display handle for audit entries */
  label: string;
}

export interface TenantContext {
  tenantId: string;
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

export const systemPrincipal = (component: string, tenantId: string | null = null): Principal => ({
  kind: 'system',
  id: component,
  tenantId,
  label: `system:${component}`,
});
