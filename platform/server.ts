// The composition root: wires storage, keyring, audit, identity, services, the HTTP API,
// realtime, the MQTT broker and the pilots, and stops them in the reverse order.
// `startPlatform` / `stopPlatform` are what `npm start`, the tests and the validation runner use.
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { Router, type Express } from 'express';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApp } from './api/app.ts';
import { answerClientError } from './api/client-error.ts';
import type { Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { startIngest, type Ingest } from './ingest.ts';
import type { NodeView } from './api/routes/nodes.ts';
import type { Pilot, PilotContext, PilotInstance } from './pilot.ts';
import { createPilotContext } from './pilot-context.ts';
import { startRealtime, type Realtime } from './realtime/realtime.ts';
import { buildServices } from './services/build.ts';
import type { PlatformServices } from './services/index.ts';
import { acquireDataLock } from './data-lock.ts';
import { pem } from './pem.ts';
import { PLATFORM_SCOPE } from './storage/port.ts';
import { AgreementService } from './policy/agreement-service.ts';
import { SigningKeys } from './identity/signing-keys.ts';
import { startClusterNode, type ClusterNode, type ClusterTimings } from './cluster/node.ts';
import { attestPlatform, type Attestation } from './attest/attest.ts';
import { ATTESTATION_TOPIC } from './attest/statement.ts';
import { platformVersion } from './api/openapi.ts';
import { asTenantId } from './ids.ts';
import { runInTenant, systemContext } from './tenancy/context.ts';

/** After retention deleted a tenant's readings: each pilot deletes what it derived from them, in
 *  the tenant's context as the pilot (docs/architecture.md "Retention"). */
function pilotRetentionHooks(pilots: readonly Pilot[], instances: ReadonlyMap<string, PilotInstance>) {
  return async (tenantId: string, cutoff: number) => {
    for (const p of pilots) {
      const instance = instances.get(p.id)!;
      if (instance.onRetention) await runInTenant(systemContext(p.id, asTenantId(tenantId)), () => instance.onRetention!(cutoff));
    }
  };
}

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
  /** The code tree the attestation measures (default: this repository). Not an environment
   *  setting: only tests and the validation scenario point it at a copy (docs/attestation.md). */
  attestationRoot?: string;
}

export interface Platform {
  config: Config;
  services: PlatformServices;
  http: HttpServer;
  /** The express app the HTTP server serves (its router is what the API contract is built from). */
  app: Express;
  realtime: Realtime;
  ingest: Ingest;
  /** Set in cluster mode: Redis, the node registry and the leases (platform/cluster/). */
  cluster?: ClusterNode;
  /** The signed statement of this start and how the code tree was measured (docs/attestation.md). */
  attestation: Attestation;
  pilots: Pilot[];
  /** The context a pilot runs with (for provisioning and tests). */
  pilotContext(id: string): PilotContext;
  /** The running instance of a pilot (its `create` result). */
  pilotInstance(id: string): PilotInstance;
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

  let ingest: Ingest | undefined;
  const cluster = config.cluster ? await startClusterNode(config, logger, opts.cluster) : undefined;
  const services = await buildServices({
    config,
    logger,
    now,
    brokerReady: () => ingest?.ready() ?? false,
    ...(cluster ? { loginGuard: cluster.loginGuard, readiness: () => cluster.readiness() } : {}),
  });
  await cluster?.relayIdentity(services.identityEvents);
  const platformRecords = await services.scopes.records(PLATFORM_SCOPE);
  const attestation = await attestPlatform({
    config,
    signer: services.identityKey,
    root: opts.attestationRoot ?? join(import.meta.dirname, '..'),
    version: platformVersion(),
    now,
  }).catch(async (err: unknown) => {
    await services.storage.close().catch(() => undefined);
    throw err;
  });
  const { tree } = attestation;
  logger.info(
    { measurement: attestation.envelope.statement.measurement, files: tree.files, bytes: tree.bytes, cached: tree.cached, ms: tree.ms, absent: tree.absent },
    'platform attestation signed',
  );

  // Residency: every tenant placed in its region's location before any tenant store is opened;
  // a tenant whose region has no location stops the start with one line.
  await services.tenants.placeAll().catch(async (err: unknown) => {
    await services.storage.close().catch(() => undefined);
    throw err;
  });
  // Deadlines that must survive a restart: escalations and command expiries.
  for (const t of await services.tenants.list()) {
    const tenantId = asTenantId(t.id);
    await services.alarms.loadPendingForTenant(tenantId);
    await services.commands.loadPendingForTenant(tenantId);
  }
  if (cluster) {
    // Once across the cluster: only the holder of the deadlines lease ticks (platform/cluster/jobs.ts).
    cluster.startJobs(services, (err) => logger.error({ err }, 'deadline check failed'));
  } else {
    services.alarms.start(opts.tickMs, (err) => logger.error({ err }, 'alarm escalation check failed'));
    services.commands.start(opts.tickMs, (err) => logger.error({ err }, 'command expiry check failed'));
  }

  const presence = {
    isOnline: (t: string, d: string) => ingest?.isOnline(t, d) ?? false,
    lastSeen: (t: string, d: string) => ingest?.lastSeen(t, d) ?? null,
  };
  // In cluster mode a pilot's once-only jobs are leases of the shared store (pilot-singleton.ts).
  const lease = cluster ? (name: string) => cluster.lease(name) : undefined;
  const contexts = new Map(pilots.map((p) => [p.id, createPilotContext(p.id, services, presence, now, config.deviceClock, lease, p.deviceKinds)]));

  // Each pilot is created once, its context bound for good; its hooks run in the tenant's context.
  const instances = new Map<string, PilotInstance>();
  for (const p of pilots) instances.set(p.id, await p.create(contexts.get(p.id)!));
  services.retention?.afterCutoff(pilotRetentionHooks(pilots, instances));

  const shares = new Map(pilots.flatMap((p) => (p.shares ?? []).map((sp) => [sp.category, { provider: sp, ctx: contexts.get(p.id)! }] as const)));
  // HTTPS on the API/dashboard listener when a certificate is configured (ASVS 9.1.1, ETSI 5.5-1);
  // otherwise plain HTTP for loopback or behind a TLS-terminating proxy (docs/security.md).
  const http: HttpServer = config.https
    ? createHttpsServer({ cert: pem(config.https.cert), key: pem(config.https.key), minVersion: 'TLSv1.2' })
    : createServer();
  const app = createApp(services, {
    agreements: new AgreementService(platformRecords, services.audit, new SigningKeys(services.scopes, now), services.identityKey, now, async (id) => Boolean(await services.tenants.get(id))),
    shares: {
      get: (c) => shares.get(c),
      list: () => pilots.flatMap((p) => (p.shares ?? []).map((sp) => ({ category: sp.category, description: sp.description, ...(sp.sensitivity ? { sensitivity: sp.sensitivity } : {}), pilot: p.id }))),
    },
    processingPilots: pilots.map((p) => ({ id: p.id, title: p.title, deviceKinds: p.deviceKinds.map((k) => k.kind), shares: (p.shares ?? []).map((sp) => ({ category: sp.category, description: sp.description, ...(sp.sensitivity ? { sensitivity: sp.sensitivity } : {}) })) })),
    pilotRouters: pilots.map((p) => ({ id: p.id, router: instances.get(p.id)!.routes ?? Router() })),
    pilotMounts: pilots.flatMap((p) => (instances.get(p.id)!.mounts ?? []).map((m) => ({ ...m, pilotId: p.id }))),
    extraRouters: opts.routers?.(services) ?? [],
    knownDeviceKinds: () => pilots.flatMap((p) => p.deviceKinds.map((k) => k.kind)),
    presence,
    dashboardDir: opts.dashboardDir ?? join(import.meta.dirname, '..', 'dashboard', 'dist'),
    ...(opts.apiRateLimitPerMinute !== undefined ? { apiRateLimitPerMinute: opts.apiRateLimitPerMinute } : {}),
    ...(cluster && opts.apiRateLimitPerMinute !== 0 ? { sharedApiLimit: cluster.apiLimit(opts.apiRateLimitPerMinute ?? 6000) } : {}),
    attestation: () => attestation.envelope,
    nodes: async () => {
      if (cluster) return (await cluster.store.liveNodes()).map((n) => nodeView(n.id, n.startedAt, n.heartbeatAt, n.info));
      return ingest ? [nodeView('local', null, Date.now(), localFigures())] : [];
    },
  });
  http.on('request', app);
  http.on('clientError', answerClientError);
  const realtime = startRealtime(http, services, {
    batchMs: opts.realtimeBatchMs ?? 250,
    ...(cluster ? { adapter: cluster.realtimeAdapter } : {}),
  });
  let localFigures: () => Record<string, unknown> = () => ({});
  ingest = await startIngest({ config, services, pilots, instances, http, ...(cluster ? { cluster: cluster.ingest } : {}) });
  await cluster?.routeCommands(services.commands, ingest.broker);
  // Retained: a device that subscribes later still receives the statement of this start.
  await ingest.broker.publishRetained(ATTESTATION_TOPIC, Buffer.from(JSON.stringify(attestation.envelope)));
  if (cluster) cluster.observe(nodeFigures(ingest.broker));
  else localFigures = nodeFigures(ingest.broker);

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.http.port, config.http.host, () => resolve());
  });
  const httpPort = (http.address() as AddressInfo).port;
  services.backups?.start();
  services.retention?.start();
  void services.retention?.runOnce().catch((err: unknown) => logger.error({ err }, 'retention job failed'));
  cluster?.describe({ http: httpPort, mqtt: ingest.port });
  logger.info({ http: httpPort, mqtt: ingest.port, dataDir: config.dataDir, store: services.storage.kind }, 'custodia platform started');

  let stopping: Promise<void> | undefined;
  const platform: Platform = {
    config,
    services,
    http,
    app,
    realtime,
    ingest,
    ...(cluster ? { cluster } : {}),
    attestation,
    pilots,
    pilotContext: (id) => {
      const ctx = contexts.get(id);
      if (!ctx) throw new Error(`no pilot ${id}`);
      return ctx;
    },
    pilotInstance: (id) => {
      const instance = instances.get(id);
      if (!instance) throw new Error(`no pilot ${id}`);
      return instance;
    },
    httpPort,
    mqttPort: ingest.port,
    url: `${config.https ? 'https' : 'http'}://${config.http.host}:${httpPort}`,
    stop: () => (stopping ??= stopPlatform(platform)),
    releaseDataDir: () => lock.release(),
  };
  return platform;
}

/** What a node's registry row carries for the platform-admin's node view, sampled per heartbeat. */
function nodeFigures(broker: Ingest['broker']): () => Record<string, unknown> {
  let last = { at: Date.now(), accepted: broker.stats().accepted };
  return () => {
    const stats = broker.stats();
    const at = Date.now();
    const readingsPerSecond = at > last.at ? Math.round(((stats.accepted - last.accepted) * 1000) / (at - last.at)) : 0;
    last = { at, accepted: stats.accepted };
    return { mqttConnections: stats.connected, devicesOnline: stats.devicesOnline, readingsPerSecond, accepted: stats.accepted };
  };
}

const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
function nodeView(id: string, startedAt: number | null, heartbeatAt: number, info: Record<string, unknown>): NodeView {
  return {
    id,
    startedAt,
    heartbeatAt,
    mqttConnections: count(info.mqttConnections),
    devicesOnline: count(info.devicesOnline),
    readingsPerSecond: count(info.readingsPerSecond),
  };
}

/** Stops in reverse order: devices first (their last readings commit), then readers, then the store. */
export async function stopPlatform(p: Platform): Promise<void> {
  const { services } = p;
  for (const pilot of [...p.pilots].reverse()) {
    // One pilot failing to stop must not keep the others, the broker and the stores running.
    try {
      await p.pilotInstance(pilot.id).stop?.();
    } catch (err) {
      services.logger.error({ err, pilot: pilot.id }, 'pilot failed to stop');
    }
  }
  await p.ingest.stop();
  services.alarms.stop();
  services.commands.stop();
  await services.notifications.stop();
  await services.backups?.stop();
  await services.retention?.stop();
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
  await services.ownedMaster?.close?.();
  await p.releaseDataDir();
  services.logger.info('custodia platform stopped');
}
