// The services the composition root (platform/server.ts) builds once and hands to the API,
// the realtime layer, the broker glue and the pilots.
import type { Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { Keyring, MasterKeyProvider } from '../crypto/types.ts';
import type { EventBus, IdentityEvents } from '../events.ts';
import type { Devices } from '../identity/devices.ts';
import type { DeviceCertificates } from '../identity/device-certs.ts';
import type { LoginGuardPort } from '../identity/login-guard.ts';
import type { Sessions } from '../identity/sessions.ts';
import type { Users } from '../identity/users.ts';
import type { ToolTokens } from '../identity/tool-tokens.ts';
import type { Logger } from '../logger.ts';
import type { StorageProvider } from '../storage/port.ts';
import type { Audit, AuditListQuery, AuditPage, CheckpointOptions } from '../audit/log.ts';
import type { AuditSigner } from '../audit/signer.ts';
import type { StoredCheckpoint } from '../storage/port.ts';
import type { ChainVerdict } from '../audit/verify.ts';
import type { TenantRegistry } from '../tenancy/tenants.ts';
import type { AlarmService } from './alarms.ts';
import type { AuditEvent, AuditSink } from './audit-sink.ts';
import type { CommandService } from './commands.ts';
import type { Scopes } from './scopes.ts';
import type { SeriesService } from './series.ts';
import type { BackupSchedules } from '../backup/schedules.ts';
import type { RetentionJob } from './retention.ts';
import type { NotificationService } from '../notify/service.ts';

/** The audit log as services and routes use it: platform/audit plus rate-limited recording.
 *  Reading, checkpointing and verifying serve the chain of the tenant in context; any chain by
 *  name (another tenant's, the platform's) only through `admin`. */
export interface AuditService extends AuditSink, Pick<Audit, 'close'> {
  /** Rate-limited recording for events an abusive client could repeat without end. */
  recordLimited(scope: string, key: string, event: AuditEvent): void;
  /** Entries of the current tenant's chain. */
  list(query?: AuditListQuery): Promise<AuditPage>;
  /** Signs the current tenant's head (null when it is signed already). */
  checkpoint(opts?: CheckpointOptions): Promise<StoredCheckpoint | null>;
  /** Verifies the current tenant's chain. */
  verify(): Promise<ChainVerdict>;
  /** Any chain by scope (a tenant id or `_platform`), for the platform operator and the
   *  platform's jobs and tools; refuses a tenant's principal (`requireAdmin`, 403). */
  admin: AuditAdmin;
}

export type AuditAdmin = Pick<Audit, 'list' | 'checkpoint' | 'verify'>;

export interface PlatformServices {
  config: Config;
  logger: Logger;
  storage: StorageProvider;
  keyring: Keyring;
  /** The master-key provider this build opened (not one passed in); closed at stop (an HSM session). */
  ownedMaster?: MasterKeyProvider;
  scopes: Scopes;
  audit: AuditService;
  /** The platform's Ed25519 identity key (the audit checkpoint signer): signs audit checkpoints,
   *  the attestation statement and the platform's countersignature of agreements, each under its
   *  own domain so no signature passes for another. */
  identityKey: AuditSigner;
  bus: EventBus;
  /** Revocations, suspensions and ended sessions, for whoever holds live connections. */
  identityEvents: IdentityEvents;
  tenants: TenantRegistry;
  users: Users;
  sessions: Sessions;
  loginGuard: LoginGuardPort;
  devices: Devices;
  /** Device client certificates for MQTT over TLS, per-tenant CA (platform/identity/device-certs.ts). */
  deviceCerts: DeviceCertificates;
  toolTokens: ToolTokens;
  series: SeriesService;
  alarms: AlarmService;
  commands: CommandService;
  /** Outbound alarm notifications: webhooks and e-mail (platform/notify/). */
  notifications: NotificationService;
  metrics: Registry;
  /** Scheduled backups, when BACKUP_INTERVAL_MINUTES is set: the default location's and one per
   *  region with backup targets (platform/backup/schedules.ts). */
  backups?: BackupSchedules;
  /** Deletes readings past each tenant's retention period (platform/services/retention.ts). */
  retention?: RetentionJob;
  /** Readiness of the parts /readyz reports on. */
  readiness(): Promise<Record<string, boolean>>;
}
