// Least privilege per role (ASVS 4.1.3, 4.1.5): one table says what each role may do; every
// route names the permission it needs. Deny by default: a permission not listed is refused.
import type { Role } from './role-names.ts';

export type Permission =
  | 'tenants:manage' // create, list, suspend tenants (platform only)
  | 'platform:health' // platform metrics and health detail
  | 'platform:audit' // the platform's own audit chain
  | 'users:manage'
  | 'devices:manage'
  | 'devices:read'
  | 'keys:manage'
  | 'agreements:manage' // propose and amend agreements, see their state
  | 'agreements:sign' // sign or revoke an agreement on the tenant's behalf (the DPO, not the admin)
  | 'processing:read' // the tenant's records of processing (GDPR art. 30)
  | 'data:read' // live views and history of a tenant's data (personal data for healthcare)
  | 'alarms:read'
  | 'alarms:ack'
  | 'commands:send'
  | 'commands:read'
  | 'consent:manage'
  | 'sharing:consume' // query another tenant's data under an active agreement
  | 'export:fhir'
  | 'audit:read'
  | 'audit:verify'
  | 'validation:run'
  | 'validation:read'
  | 'compliance:read' // the compliance map: requirements, controls, tests and their results
  | 'backups:read' // the last scheduled backup and its verification
  | 'notifications:manage'; // alarm notification subscriptions and their dead letters

const GRANTS: Record<Role, readonly Permission[]> = {
  // The platform operator manages tenants but never reads tenant data (docs/architecture.md promise 1).
  'platform-admin': ['tenants:manage', 'platform:health', 'platform:audit', 'audit:verify', 'backups:read'],
  'tenant-admin': ['backups:read', 'users:manage', 'devices:manage', 'devices:read', 'keys:manage', 'agreements:manage', 'alarms:read', 'commands:read', 'notifications:manage', 'processing:read'],
  operator: ['data:read', 'devices:read', 'alarms:read', 'alarms:ack', 'commands:send', 'commands:read', 'consent:manage', 'export:fhir', 'sharing:consume'],
  auditor: ['audit:read', 'audit:verify', 'processing:read', 'compliance:read'],
  // Evaluators see validation runs and aggregate indicators, never personal data.
  evaluator: ['validation:run', 'validation:read', 'compliance:read'],
  // The data protection officer signs what leaves the tenant; administration stays with the admin
  // (separation of duties, ASVS 1.4.1 / 4.1.3): an admin cannot both propose and sign.
  dpo: ['agreements:sign', 'processing:read'],
};

export function can(role: Role | undefined, permission: Permission): boolean {
  return role !== undefined && GRANTS[role].includes(permission);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return GRANTS[role];
}
