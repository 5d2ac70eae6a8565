// What a platform node adds in cluster mode (docs/architecture.md "Cluster mode"): its Redis
// connection, its entry in the node registry, the deadlines lease and the jobs it guards, the
// cluster-wide login guard and socket.io's Redis streams adapter. The composition root starts
// it when `config.cluster` is set; without it nothing here runs.
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { IdentityEvents } from '../events.ts';
import type { Logger } from '../logger.ts';
import type { PlatformServices } from '../services/index.ts';
import type { RealtimeOptions } from '../realtime/realtime.ts';
import { routeCommandsAcrossNodes } from './command-router.ts';
import { relayIdentityChanges } from './identity-relay.ts';
import type { Broker } from '../broker/broker.ts';
import type { CommandService } from '../services/commands.ts';
import { startCheckpointJob, startClusterJobs, type ClusterJobs } from './jobs.ts';
import { LeaseKeeper } from './lease-keeper.ts';
import { ClusterStore } from './leases.ts';
import { PresenceDirectory } from './presence-directory.ts';
import { RedisLoginGuard, redisFailureCounter, redisIngestQuota, sharedApiLimit } from './redis-limits.ts';
import { sharedBrokerParts } from './shared-broker.ts';
import { DEFAULT_AUTH_THROTTLE } from '../broker/index.ts';
import type { IngestCluster } from '../ingest.ts';

/** The lease the escalation and command-expiry ticker runs under. */
export const DEADLINES_LEASE = 'platform.deadlines';
/** The lease the interval audit checkpoints run under. */
export const CHECKPOINTS_LEASE = 'platform.audit-checkpoints';

export interface ClusterTimings {
  /** Lease lifetime: a dead holder is replaced within about this long (default 10 s). */
  leaseTtlMs?: number;
  /** Node registry heartbeat (default 5 s; a node is dropped after 3 missed beats). */
  heartbeatMs?: number;
  /** Deadline ticker interval (default 1 s). */
  tickMs?: number;
  /** Interval audit checkpoints (default 60 s, as on a single node). */
  checkpointMs?: number;
}

export interface ClusterNode {
  nodeId: string;
  redis: Redis;
  store: ClusterStore;
  /** The deadlines lease; a pilot scheduler that must run once per cluster may guard its steps
   *  with a keeper of its own (`lease(name)`), fencing each write with `fence()`. */
  deadlines: LeaseKeeper;
  /** The audit checkpoint lease (./jobs.ts `startCheckpointJob`). */
  checkpoints: LeaseKeeper;
  /** The checkpoint job, once started (tests run a pass with `tick`). */
  checkpointJob(): ClusterJobs | undefined;
  lease(name: string): LeaseKeeper;
  loginGuard: RedisLoginGuard;
  /** The API's per-principal limit across nodes, for `createApp`'s `sharedApiLimit`. */
  apiLimit(perMinute: number): (principalId: string) => Promise<number | null>;
  realtimeAdapter: NonNullable<RealtimeOptions['adapter']>;
  /** Starts the deadlines ticker over the services (after they loaded). */
  startJobs(services: Pick<PlatformServices, 'tenants' | 'alarms' | 'commands' | 'audit'>, onError: (err: unknown) => void): ClusterJobs;
  /** Relays identity changes between this node and the others (./identity-relay.ts). */
  relayIdentity(events: IdentityEvents): Promise<void>;
  /** What the node's broker and ingest share with the other nodes: the aedes emitter and
   *  persistence, presence, the connect throttle and the ingest quota (../ingest.ts). */
  ingest: IngestCluster;
  /** Commands issued here reach devices connected to other nodes (./command-router.ts). */
  routeCommands(commands: CommandService, broker: Pick<Broker, 'deliver' | 'isOnline' | 'deliverPendingToAll'>): Promise<void>;
  readiness(): Promise<{ redis: boolean; cluster: boolean }>;
  /** Extra facts for the registry row (ports), refreshed on each heartbeat. */
  describe(info: Record<string, unknown>): void;
  /** Live figures for the registry row (connections, throughput), sampled on each heartbeat. */
  observe(sample: () => Record<string, unknown>): void;
  stop(): Promise<void>;
}

export async function startClusterNode(
  config: Config,
  logger: Logger,
  timings: ClusterTimings = {},
): Promise<ClusterNode> {
  if (!config.cluster || !config.storeUrl) throw new Error('cluster mode needs CUSTODIA_REDIS_URL and a PostgreSQL CUSTODIA_STORE_URL');
  const { nodeId, redisUrl } = config.cluster;
  const leaseTtlMs = timings.leaseTtlMs ?? 10_000;
  const heartbeatMs = timings.heartbeatMs ?? 5_000;

  // Commands fail at once while Redis is away (no unbounded offline queue); the limiters then
  // use their in-memory insurance and the adapter resumes from its stream offset on reconnect.
  const redis = new Redis(redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
  await redis.connect();
  const adapterClient = new Redis(redisUrl, { lazyConnect: true });
  adapterClient.on('error', () => undefined); // reported once above
  await adapterClient.connect();
  let store: ClusterStore;
  try {
    store = await ClusterStore.open(config.storeUrl);
  } catch (err) {
    redis.disconnect();
    adapterClient.disconnect();
    throw err;
  }

  const onLeaseError = (err: unknown) => logger.warn({ err }, 'cluster lease renewal failed');
  const keepers: LeaseKeeper[] = [];
  const lease = (name: string) => {
    const k = new LeaseKeeper({ store, name, holder: nodeId, ttlMs: leaseTtlMs, onError: onLeaseError });
    keepers.push(k);
    k.start();
    return k;
  };
  const deadlines = lease(DEADLINES_LEASE);
  const checkpoints = lease(CHECKPOINTS_LEASE);

  const onError = (what: string) => (err: unknown) => logger.warn({ err }, what);
  const shared = sharedBrokerParts(redisUrl, nodeId, onError('shared broker emitter or persistence failed'));
  const presenceClient = new Redis(redisUrl, { lazyConnect: true });
  presenceClient.on('error', () => undefined); // reported once above
  await presenceClient.connect();
  const presence = new PresenceDirectory(redis, presenceClient, nodeId, onError('cluster presence failed'));
  await presence.start();

  let info: Record<string, unknown> = {};
  let sample: () => Record<string, unknown> = () => ({});
  const beat = async () => {
    try {
      await store.heartbeat(nodeId, heartbeatMs * 3, { ...info, ...sample() });
      presence.setLiveNodes((await store.liveNodes()).map((n) => n.id));
    } catch (err) {
      logger.warn({ err }, 'cluster heartbeat failed');
    }
  };
  await beat();
  const heartbeat = setInterval(() => void beat(), heartbeatMs);
  heartbeat.unref();

  let jobs: ClusterJobs | undefined;
  let checkpointJob: ClusterJobs | undefined;
  let stopRelay: (() => Promise<void>) | undefined;
  let stopRouting: (() => Promise<void>) | undefined;
  const relayClient = new Redis(redisUrl, { lazyConnect: true });
  relayClient.on('error', () => undefined); // reported once above
  logger.info({ nodeId }, 'cluster mode: node registered');
  return {
    nodeId,
    redis,
    store,
    deadlines,
    checkpoints,
    checkpointJob: () => checkpointJob,
    lease,
    loginGuard: new RedisLoginGuard(redis, {
      maxFailures: config.login.maxFailures,
      lockoutMs: config.login.lockoutMs,
      perAddressPerMinute: config.login.rateLimitPerMinute,
    }),
    apiLimit: (perMinute) => sharedApiLimit(redis, perMinute),
    ingest: {
      shared,
      presence,
      connectFailures: redisFailureCounter(redis, DEFAULT_AUTH_THROTTLE.maxFailures, DEFAULT_AUTH_THROTTLE.windowMs),
      quota: redisIngestQuota(redis),
    },
    realtimeAdapter: createAdapter(adapterClient),
    startJobs(services, onError) {
      jobs = startClusterJobs(deadlines, services, { ...(timings.tickMs ? { tickMs: timings.tickMs } : {}), onError });
      checkpointJob = startCheckpointJob(checkpoints, services, { ...(timings.checkpointMs ? { everyMs: timings.checkpointMs } : {}), onError });
      return jobs;
    },
    async relayIdentity(events) {
      await relayClient.connect();
      stopRelay = await relayIdentityChanges({
        events,
        publisher: redis,
        subscriber: relayClient,
        nodeId,
        onError: (err) => logger.warn({ err }, 'identity change relay failed'),
      });
    },
    async routeCommands(commands, broker) {
      stopRouting = await routeCommandsAcrossNodes({
        mq: shared.mq,
        onResubscribed: shared.onResubscribed,
        nodeId,
        commands,
        broker,
        onError: (err) => logger.warn({ err }, 'cross-node command routing failed'),
      });
    },
    async readiness() {
      return { redis: redis.status === 'ready', cluster: await store.ping() };
    },
    describe(next) {
      info = next;
      void beat();
    },
    observe(next) {
      sample = next;
    },
    async stop() {
      jobs?.stop();
      checkpointJob?.stop();
      await stopRelay?.();
      await stopRouting?.();
      relayClient.disconnect();
      presenceClient.disconnect();
      shared.close();
      clearInterval(heartbeat);
      // Hand the leases over at once rather than making the next holder wait for their expiry.
      for (const k of keepers) await k.release();
      await store.leave(nodeId).catch(() => undefined);
      await store.close().catch(() => undefined);
      redis.disconnect();
      adapterClient.disconnect();
    },
  };
}
