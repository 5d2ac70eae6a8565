// Shapes of what the platform API and its realtime link return, as the console uses them.
// Kept here (not imported from the server) so the browser bundle never pulls in server code;
// the routes they mirror are named on each type.

/** platform/policy/roles.ts */
export type Permission =
  | 'tenants:manage'
  | 'platform:health'
  | 'platform:audit'
  | 'users:manage'
  | 'devices:manage'
  | 'devices:read'
  | 'keys:manage'
  | 'agreements:manage'
  | 'data:read'
  | 'alarms:read'
  | 'alarms:ack'
  | 'commands:send'
  | 'commands:read'
  | 'consent:manage'
  | 'export:fhir'
  | 'audit:read'
  | 'audit:verify'
  | 'validation:run'
  | 'validation:read';

export type Role = 'platform-admin' | 'tenant-admin' | 'operator' | 'auditor' | 'evaluator';

export const ROLE_LABEL: Record<Role, string> = {
  'platform-admin': 'Platform administrator',
  'tenant-admin': 'Tenant administrator',
  operator: 'Operator',
  auditor: 'Auditor',
  evaluator: 'Evaluator',
};

export interface PublicUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  tenantId: string | null;
  disabled: boolean;
  createdAt: number;
}

/** GET /auth/me (tenant.pilots when the platform reports it). */
export interface Me {
  user: PublicUser;
  tenant: { id: string; name: string; region?: string; pilots?: string[] } | null;
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

export type Severity = 'info' | 'minor' | 'major' | 'critical';
export type AlarmState = 'active-unacknowledged' | 'active-acknowledged' | 'cleared';

/** platform/services/alarms.ts */
export interface Alarm {
  id: string;
  source: string;
  type: string;
  category: string;
  severity: Severity;
  state: AlarmState;
  title: string;
  detail: Record<string, unknown>;
  subject: string | null;
  raisedAt: number;
  updatedAt: number;
  acknowledgedBy?: string;
  acknowledgedAt?: number;
  note?: string;
  clearedAt?: number;
  clearedBy?: string;
  escalateAt?: number;
  escalatedAt?: number;
}

export type CommandStatus = 'queued' | 'sent' | 'delivered' | 'accepted' | 'done' | 'failed' | 'expired';

/** platform/services/commands.ts */
export interface Command {
  id: string;
  deviceId: string;
  name: string;
  payload: Record<string, unknown>;
  status: CommandStatus;
  batchId: string | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  history: { status: CommandStatus; at: number; detail?: string }[];
}

/** platform/identity/devices.ts publicDevice */
export interface Device {
  id: string;
  tenantId: string;
  kind: string;
  label: string;
  subject: string | null;
  attributes: Record<string, string | number | boolean>;
  status: 'active' | 'revoked';
  createdAt: number;
  rotatedAt: number;
}

/** POST /devices and /devices/:id/rotate: the secret is in this answer and nowhere else, ever. */
export interface DeviceWithSecret {
  device: Device;
  secret: string;
  mqtt: { username: string; clientId: string; telemetryTopic: string; commandsTopic: string };
}

export interface Tenant {
  id: string;
  name: string;
  region?: string;
  status: 'active' | 'suspended';
  pilots: string[];
  quotas?: Record<string, number>;
  createdAt?: number;
  devices?: number;
}

/** GET /audit items (platform/storage/port.ts StoredAuditEntry; details is canonical JSON). */
export interface AuditEntry {
  seq: number;
  ts: number;
  actor: string;
  action: string;
  target: string;
  outcome: 'success' | 'failure' | 'denied';
  details: string;
  prevHash: string;
  hash: string;
}

/** POST /audit/verify (platform/audit/verify.ts ChainVerdict plus the chain's name). */
export type VerifyResult =
  | { chain: string; ok: true; entries: number; checkpoints: number; headSeq: number; headHash: string }
  | { chain: string; ok: false; firstBrokenSeq: number; reason: string; detail: string; entriesChecked: number };

/** GET /keys items (platform/crypto/keyring.ts describe: versions, never key material). */
export interface KeyInfo {
  scope: string;
  version: number;
  createdAt: number;
  wrappedBy?: string;
  current: boolean;
}
