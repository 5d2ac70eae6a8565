// Shapes of what the platform API and its realtime link return, as the console uses them. They are
// the server's own types, imported type-only (erased at build, so no server code reaches the
// browser bundle); where the console sees a JSON answer or a public subset, it is derived here.
import type { ChainVerdict } from '../../../platform/audit/verify.ts';
import type { PublicDevice } from '../../../platform/identity/devices.ts';
import type { PublicUser } from '../../../platform/identity/users.ts';
import type { Permission } from '../../../platform/policy/roles.ts';
import type { Role } from '../../../platform/tenancy/context.ts';
import type { Tenant as TenantRecord } from '../../../platform/tenancy/tenants.ts';

export type { Alarm, AlarmState, Severity } from '../../../platform/services/alarms.ts';
export type { Command, CommandStatus } from '../../../platform/services/commands.ts';
export type { KeyInfo } from '../../../platform/crypto/types.ts';
export type { Permission, PublicUser, Role };

export const ROLE_LABEL: Record<Role, string> = {
  'platform-admin': 'Platform administrator',
  'tenant-admin': 'Tenant administrator',
  operator: 'Operator',
  auditor: 'Auditor',
  evaluator: 'Evaluator',
};

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

/** GET /audit items: platform/storage/port.ts StoredAuditEntry (details is canonical JSON). */
export type { StoredAuditEntry as AuditEntry } from '../../../platform/storage/port.ts';

/** POST /audit/verify: platform/audit/verify.ts ChainVerdict plus the chain's name. */
export type VerifyResult = { chain: string } & ChainVerdict;
