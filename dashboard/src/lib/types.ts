// Shapes of what the platform API and its realtime link return, as the console uses them. They are
// the server's own types from its pure contract modules (platform/contract.ts and the like: no Node
// or express import, so the dashboard's tsconfig checks them), imported type-only; where the
// console sees a JSON answer or a public subset, it is derived here.
import type { ChainVerdict, PublicDevice, PublicUser } from '../../../platform/contract.ts';
import type { Permission } from '../../../platform/policy/roles.ts';
import type { Role } from '../../../platform/policy/role-names.ts';
import type { Tenant as TenantRecord } from '../../../platform/tenancy/tenant-schema.ts';

export type { Alarm, AlarmState, Severity, Command, CommandStatus, KeyInfo } from '../../../platform/contract.ts';
export type { Permission, PublicUser, Role };

/** GET /auth/me (platform/api/routes/auth.ts; tenant.pilots when the platform reports it). */
export interface Me {
  user: PublicUser;
  tenant: (Pick<TenantRecord, 'id' | 'name'> & Partial<Pick<TenantRecord, 'region' | 'pilots'>>) | null;
  permissions: Permission[];
  expiresAt: number;
}

/** POST /auth/login */
export interface LoginAnswer {
  user: PublicUser;
  permissions: Permission[];
  csrfToken: string;
  expiresAt: number;
}

/** platform/identity/devices.ts publicDevice: the registry entry without its secret's hash. */
export type Device = PublicDevice;

/** POST /devices and /devices/:id/rotate: the secret is in this answer and nowhere else, ever. */
export interface DeviceWithSecret {
  device: PublicDevice;
  secret: string;
  mqtt: { username: string; clientId: string; telemetryTopic: string; commandsTopic: string };
}

/** GET /tenants items: the registry entry and its device count (platform/api/routes/tenants.ts). */
export type Tenant = TenantRecord & { devices?: number };

/** GET /audit items (details is canonical JSON). */
export type { AuditEntry } from '../../../platform/contract.ts';

/** POST /audit/verify: platform/audit/verify.ts ChainVerdict plus the chain's name. */
export type VerifyResult = { chain: string } & ChainVerdict;
