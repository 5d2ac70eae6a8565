// Builds the platform services once, for the composition root (platform/server.ts) and for the
// tests that need the real services without HTTP or MQTT (test/support/services.ts): one wiring,
// so a test cannot drift from what the server runs.
import { buildSchedules, type BackupSchedules } from '../backup/schedules.ts';
import { RetentionJob } from './retention.ts';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createAudit } from '../audit/log.ts';
import { createAuditLimiter } from '../audit/limiter.ts';
import { loadOrCreateAuditSigner } from '../audit/signer.ts';
import type { Config } from '../config.ts';
import { createKeyring } from '../crypto/keyring.ts';
import { createMasterKeyProvider, keyBesideData, masterKeyPath } from '../crypto/master-key.ts';
import type { MasterKeyProvider } from '../crypto/types.ts';
import { EventBus, IdentityEvents } from '../events.ts';
import { Devices } from '../identity/devices.ts';
import { DeviceCertificates } from '../identity/device-certs.ts';
import { LoginGuard, type LoginGuardPort } from '../identity/login-guard.ts';
import { Sessions } from '../identity/sessions.ts';
import { Users } from '../identity/users.ts';
import { ToolTokens } from '../identity/tool-tokens.ts';
import type { Logger } from '../logger.ts';
import { createStorage } from '../storage/index.ts';
import { PLATFORM_SCOPE, type StorageProvider } from '../storage/port.ts';
import { TenantRegistry } from '../tenancy/tenants.ts';
import { currentTenant, requireAdmin } from '../tenancy/context.ts';
import { AlarmService } from './alarms.ts';
import { CommandService } from './commands.ts';
import type { AuditService, PlatformServices } from './index.ts';
import { Scopes } from './scopes.ts';
import { SeriesService } from './series.ts';
import { NotificationService } from '../notify/service.ts';

export interface BuildServicesOptions {
  config: Config;
  logger: Logger;
  /** Clock for services with deadlines (escalations, command expiry, sessions); tests drive it. */
  now?: () => number;
  /** Default: the adapter the configuration selects (platform/storage/index.ts). */
  storage?: StorageProvider;
  /** Default: the master key the configuration names. */
  master?: MasterKeyProvider;
  /** Whether the broker accepts connections, for /readyz (default: not ready). */
  brokerReady?: () => boolean;
  /** Cluster mode: the lock-out shared by every node instead of this process's own. */
  loginGuard?: LoginGuardPort;
  /** Cluster mode: more states for /readyz (Redis, the node registry). */
  readiness?: () => Promise<Record<string, boolean>>;
}

export async function buildServices(opts: BuildServicesOptions): Promise<PlatformServices> {
  const { config, logger } = opts;
  const now = opts.now ?? Date.now;
  const storage = opts.storage ?? (await createStorage(config));
  const master = opts.master ?? (await createMasterKeyProvider(config));
  if (!opts.master && !config.masterKeyHex && !config.hsm && keyBesideData(masterKeyPath(config), config.dataDir)) {
    logger.warn(
      { keyFile: masterKeyPath(config) },
      'the master key file sits in the data directory it protects: a copy of the directory opens its data; set CUSTODIA_MASTER_KEY_FILE to a path on another volume (or CUSTODIA_MASTER_KEY)',
    );
  }
  const scopes: Scopes = new Scopes(
    storage,
    createKeyring({ master, storeFor: (scope) => scopes.store(scope), now }),
  );
  const keyring = scopes.keyring;
  await keyring.ensureTenant(PLATFORM_SCOPE);
  const platformStore = await storage.platform();
  const signer = await loadOrCreateAuditSigner({ master, store: platformStore });
  await signer.exportPublicKey(config.dataDir);
  const audit = createAudit({
    storeFor: (scope) => scopes.store(scope),
    signer,
    checkpointEvery: config.audit.checkpointEvery,
    // Cluster mode: interval checkpoints only on the lease holder (platform/cluster/jobs.ts).
    ...(config.cluster ? { checkpointIntervalMs: 0 } : {}),
    onError: (err, scope) => logger.error({ err, scope }, 'audit checkpoint failed'),
  });
  const limiter = createAuditLimiter(audit);
  const auditService: AuditService = {
    record: (scope, event) => audit.record(scope, event),
    list: async (q) => audit.list(currentTenant('audit.list').tenantId, q),
    checkpoint: async (opts) => audit.checkpoint(currentTenant('audit.checkpoint').tenantId, opts),
    verify: async () => audit.verify(currentTenant('audit.verify').tenantId),
    admin: {
      list: async (scope, q) => {
        requireAdmin(scope, 'audit.admin.list');
        return audit.list(scope, q);
      },
      checkpoint: async (scope, opts) => {
        requireAdmin(scope, 'audit.admin.checkpoint');
        return audit.checkpoint(scope, opts);
      },
      verify: async (scope) => {
        requireAdmin(scope, 'audit.admin.verify');
        return audit.verify(scope);
      },
    },
    close: async () => {
      // The limiter's last summaries go in before the final checkpoints cover them.
      await limiter.close();
      await audit.close();
    },
    recordLimited: (scope, key, event) => {
      void limiter.record(scope, key, event).catch((err: unknown) => logger.error({ err }, 'audit record failed'));
    },
  };

  const platformRecords = await scopes.records(PLATFORM_SCOPE);
  let backups: BackupSchedules | undefined;
  try {
    backups = buildSchedules({ config, storage, master, audit: auditService, records: platformRecords, now, onError: (err) => logger.error({ err }, 'scheduled backup failed') }) ?? undefined;
    // The last runs saved before a restart are shown at once (GET /api/v1/backups/last).
    await backups?.loadLast();
  } catch (err) {
    await storage.close().catch(() => undefined);
    throw err;
  }
  const bus = new EventBus();
  const identityEvents = new IdentityEvents();
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const brokerReady = opts.brokerReady ?? (() => false);
  const tenants = new TenantRegistry(platformRecords, storage, keyring, identityEvents);
  const alarms = new AlarmService(scopes, auditService, bus, now);
  const notifications = new NotificationService({
    scopes,
    audit: auditService,
    logger,
    config: config.notify,
    now,
  });
  alarms.setNotifier(notifications);
  return {
    config,
    logger,
    storage,
    keyring,
    ...(opts.master ? {} : { ownedMaster: master }),
    scopes,
    audit: auditService,
    identityKey: signer,
    bus,
    identityEvents,
    tenants,
    users: new Users(platformRecords),
    sessions: new Sessions(platformRecords, config.session.ttlMs, now, identityEvents),
    loginGuard: opts.loginGuard ?? new LoginGuard({
      maxFailures: config.login.maxFailures,
      lockoutMs: config.login.lockoutMs,
      perAddressPerMinute: config.login.rateLimitPerMinute,
      now,
    }),
    devices: new Devices(platformRecords, identityEvents),
    deviceCerts: new DeviceCertificates(scopes, identityEvents, now),
    toolTokens: new ToolTokens(platformRecords, now, identityEvents),
    series: new SeriesService(scopes, keyring),
    alarms,
    notifications,
    commands: new CommandService(scopes, auditService, bus, now, logger),
    ...(backups ? { backups } : {}),
    retention: new RetentionJob({
      tenants,
      storeFor: (t) => scopes.store(t),
      audit: auditService,
      intervalMs: config.retention?.checkMs ?? 3_600_000,
      now,
      onError: (err, tenant) => logger.error({ err, tenant }, 'retention job failed'),
    }),
    metrics,
    readiness: async () => ({
      storage: await platformStore.ping().catch(() => false),
      broker: brokerReady(),
      ...(opts.readiness ? await opts.readiness() : {}),
    }),
  };
}
