// The composition root: wires storage, keyring, audit, identity, services, the HTTP API,
// realtime, the MQTT broker and the pilots, and stops them in the reverse order.
// `startPlatform` / `stopPlatform` are what `npm start`, the tests and the validation runner use.
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Router } from 'express';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createApp } from './api/app.ts';
import { createAudit } from './audit/log.ts';
import { createAuditLimiter } from './audit/limiter.ts';
import { loadOrCreateAuditSigner } from './audit/signer.ts';
import type { Config } from './config.ts';
import { createKeyring } from './crypto/keyring.ts';
import { createMasterKeyProvider, keyBesideData, masterKeyPath } from './crypto/master-key.ts';
import { EventBus, IdentityEvents } from './events.ts';
import { Devices } from './identity/devices.ts';
import { LoginGuard } from './identity/login-guard.ts';
import { Sessions } from './identity/sessions.ts';
import { Users } from './identity/users.ts';
import { ToolTokens } from './identity/tool-tokens.ts';
import { createLogger, type Logger } from './logger.ts';
import { startIngest, type Ingest } from './ingest.ts';
import type { Pilot, PilotContext } from './pilot.ts';
import { createPilotContext } from './pilot-context.ts';
import { startRealtime, type Realtime } from './realtime/realtime.ts';
import { AlarmService } from './services/alarms.ts';
import { CommandService } from './services/commands.ts';
import type { AuditService, PlatformServices } from './services/index.ts';
import { Scopes } from './services/scopes.ts';
import { SeriesService } from './services/series.ts';
import { createStorage } from './storage/index.ts';
import { acquireDataLock } from './data-lock.ts';
import { pem } from './pem.ts';
import { PLATFORM_SCOPE } from './storage/port.ts';
import { TenantRegistry } from './tenancy/tenants.ts';
import { AgreementService } from './policy/agreement-service.ts';
import { startClusterNode, type ClusterNode, type ClusterTimings } from './cluster/node.ts';

export interface PlatformOptions {
  pilots?: Pilot[];
  logger?: Logger;
  /** Built dashboard to serve (default: dashboard/dist beside this repository's root). */
  dashboardDir?: string;
  /** Clock for services with deadlines (escalations, command expiry); tests accelerate it. */
  now?: () => number;
  /** API requests per minute per principal; 0 disables (load tests). */
  apiRateLimitPerMinute?: number;
  /** Realtime batching interval for readings (ms). */
  realtimeBatchMs?: number;
  /** Interval of escalation and expiry checks (ms). */
  tickMs?: number;
  /** Extra API routers built from the services (mounted under /api/v1 behind authentication). */
  routers?: (services: PlatformServices) => Router[];
  /** Cluster mode timings (tests shorten the lease); used only when `config.cluster` is set. */
  cluster?: ClusterTimings;
}

export interface Platform {
  config: Config;
  services: PlatformServices;
  http: HttpServer;
  realtime: Realtime;
  ingest: Ingest;
  /** Set in cluster mode: Redis, the node registry and the leases (platform/cluster/). */
  cluster?: ClusterNode;
  pilots: Pilot[];
  /** The context a pilot runs with (for provisioning and tests). */
  pilotContext(id: string): PilotContext;
  /** Actual ports (the config may ask for 0 = any free port). */
  httpPort: number;
  mqttPort: number;
  url: string;
  stop(): Promise<void>;
  /** Releases the data directory (done by stop). */
  releaseDataDir(): Promise<void>;
}

export async function startPlatform(config: Config, opts: PlatformOptions = {}): Promise<Platform> {
  const lock = await acquireDataLock(config.dataDir);
  try {
    return await bootPlatform(config, opts, lock);
  } catch (err) {
    await lock.release();
    throw err;
  }
}

async function bootPlatform(config: Config, opts: PlatformOptions, lock: { release(): Promise<void> }): Promise<Platform> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const now = opts.now ?? Date.now;
  const pilots = opts.pilots ?? [];

  const storage = await createStorage(config);
  const cluster = config.cluster ? await startClusterNode(config, logger, opts.cluster) : undefined;
  const master = await createMasterKeyProvider(config);
  if (!config.masterKeyHex && keyBesideData(masterKeyPath(config), config.dataDir)) {
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
    onError: (err, scope) => logger.error({ err, scope }, 'audit checkpoint failed'),
  });
  const limiter = createAuditLimiter(audit);
  const auditService: AuditService = {
    record: (scope, event) => audit.record(scope, event),
    checkpoint: (scope) => audit.checkpoint(scope),
    list: (scope, q) => audit.list(scope, q),
    verify: (scope) => audit.verify(scope),
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
  const bus = new EventBus();
  const identityEvents = new IdentityEvents();
  await cluster?.relayIdentity(identityEvents);
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const services: PlatformServices = {
    config,
    logger,
    storage,
    keyring,
    scopes,
    audit: auditService,
    bus,
    identityEvents,
    tenants: new TenantRegistry(platformRecords, storage, keyring, identityEvents),
    users: new Users(platformRecords),
    sessions: new Sessions(platformRecords, config.session.ttlMs, now, identityEvents),
    loginGuard: cluster?.loginGuard ?? new LoginGuard({
      maxFailures: config.login.maxFailures,
      lockoutMs: config.login.lockoutMs,
      perAddressPerMinute: config.login.rateLimitPerMinute,
      now,
    }),
    devices: new Devices(platformRecords, identityEvents),
    toolTokens: new ToolTokens(platformRecords, now, identityEvents),
    series: new SeriesService(scopes, keyring),
    alarms: new AlarmService(scopes, auditService, bus, now),
    commands: new CommandService(scopes, auditService, bus, now),
    metrics,
    readiness: async () => ({
      storage: await platformStore.ping().catch(() => false),
      broker: ingest?.ready() ?? false,
      ...(cluster ? await cluster.readiness() : {}),
    }),
  };

  // Deadlines that must survive a restart: escalations and command expiries.
  for (const t of await services.tenants.list()) {
    await services.alarms.loadPending(t.id);
    await services.commands.loadPending(t.id);
  }
  if (cluster) {
    // Once across the cluster: only the holder of the deadlines lease ticks (platform/cluster/jobs.ts).
    cluster.startJobs(services, (err) => logger.error({ err }, 'deadline check failed'));
  } else {
    services.alarms.start(opts.tickMs, (err) => logger.error({ err }, 'alarm escalation check failed'));
    services.commands.start(opts.tickMs, (err) => logger.error({ err }, 'command expiry check failed'));
  }

  let ingest: Ingest | undefined;
  const presence = {
    isOnline: (t: string, d: string) => ingest?.isOnline(t, d) ?? false,
    lastSeen: (t: string, d: string) => ingest?.lastSeen(t, d) ?? null,
  };
  const contexts = new Map(pilots.map((p) => [p.id, createPilotContext(p.id, services, presence, now, config.deviceClock)]));

  const shares = new Map(pilots.flatMap((p) => (p.shares ?? []).map((sp) => [sp.category, { provider: sp, ctx: contexts.get(p.id)! }] as const)));
  // HTTPS on the API/dashboard listener when a certificate is configured (ASVS 9.1.1, ETSI 5.5-1);
  // otherwise plain HTTP for loopback or behind a TLS-terminating proxy (docs/security.md).
  const http: HttpServer = config.https
    ? createHttpsServer({ cert: pem(config.https.cert), key: pem(config.https.key), minVersion: 'TLSv1.2' })
    : createServer();
  const app = createApp(services, {
    agreements: new AgreementService(platformRecords, auditService, now, async (id) => Boolean(await services.tenants.get(id))),
    shares: { get: (c) => shares.get(c) },
    pilotRouters: pilots.map((p) => ({ id: p.id, router: p.routes(contexts.get(p.id)!) })),
    extraRouters: opts.routers?.(services) ?? [],
    knownDeviceKinds: () => pilots.flatMap((p) => p.deviceKinds.map((k) => k.kind)),
    dashboardDir: opts.dashboardDir ?? join(import.meta.dirname, '..', 'dashboard', 'dist'),
    ...(opts.apiRateLimitPerMinute !== undefined ? { apiRateLimitPerMinute: opts.apiRateLimitPerMinute } : {}),
    ...(cluster && opts.apiRateLimitPerMinute !== 0 ? { sharedApiLimit: cluster.apiLimit(opts.apiRateLimitPerMinute ?? 6000) } : {}),
  });
  http.on('request', app);
  const realtime = startRealtime(http, services, {
    batchMs: opts.realtimeBatchMs ?? 250,
    ...(cluster ? { adapter: cluster.realtimeAdapter } : {}),
  });
  ingest = await startIngest({ config, services, pilots, contexts, http });
  await cluster?.routeCommands(services.commands, ingest.broker);

  for (const p of pilots) await p.start?.(contexts.get(p.id)!);

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.http.port, config.http.host, () => resolve());
  });
  const httpPort = (http.address() as AddressInfo).port;
  cluster?.describe({ http: httpPort, mqtt: ingest.port });
  logger.info({ http: httpPort, mqtt: ingest.port, dataDir: config.dataDir, store: storage.kind }, 'custodia platform started');

  let stopping: Promise<void> | undefined;
  const platform: Platform = {
    config,
    services,
    http,
    realtime,
    ingest,
    ...(cluster ? { cluster } : {}),
    pilots,
    pilotContext: (id) => {
      const ctx = contexts.get(id);
      if (!ctx) throw new Error(`no pilot ${id}`);
      return ctx;
    },
    httpPort,
    mqttPort: ingest.port,
    url: `${config.https ? 'https' : 'http'}://${config.http.host}:${httpPort}`,
    stop: () => (stopping ??= stopPlatform(platform)),
    releaseDataDir: () => lock.release(),
  };
  return platform;
}

/** Stops in reverse order: devices first (their last readings commit), then readers, then the store. */
export async function stopPlatform(p: Platform): Promise<void> {
  const { services } = p;
  for (const pilot of [...p.pilots].reverse()) await pilot.stop?.().catch(() => undefined);
  await p.ingest.stop();
  services.alarms.stop();
  services.commands.stop();
  await p.realtime.close();
  await p.cluster?.stop();
  await new Promise<void>((resolve) => {
    if (!p.http.listening) return resolve();
    p.http.close(() => resolve());
    p.http.closeAllConnections();
  });
  await services.audit.close();
  services.keyring.clearCache();
  await services.storage.close();
  await p.releaseDataDir();
  services.logger.info('custodia platform stopped');
}
