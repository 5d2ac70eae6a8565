// The device-connectivity layer: an embedded aedes broker on TCP (and TLS, and WebSocket on the
// platform's HTTP server) that authenticates devices with their own credentials, confines each
// to its topic prefix, validates what it publishes, and acknowledges a reading only once it is
// durably committed (docs/architecture.md "Data path of one reading"). Pending commands are pushed to a
// device when it subscribes to its commands topic.
//
// This file is the composition and the lifecycle; each step lives in its own module, all working
// on one per-broker state (./state.ts). The extension points of aedes, all set below:
//   preConnect / authenticate   → ./authenticate.ts: credentials, client id, throttling
//   authorizeSubscribe          → ./authorize.ts: topic ACL (./topics.ts), refused as SUBACK 0x80
//   authorizePublish            → ./handlers/index.ts: topic ACL, then one handler per topic family
//                                 (readings, status, command acks)
//   authorizeForward            → ./authorize.ts: last check before anything reaches a subscriber;
//                                 ./commands.ts numbers QoS 1 commands to track their PUBACK
// and the broker's events feed ./presence.ts (online/offline) and ./commands.ts (delivery).
import type { EventEmitter } from 'node:events';
import type { Server as HttpServer } from 'node:http';
import { Aedes } from 'aedes';
import { createAuthentication } from './authenticate.ts';
import { createAuthorization } from './authorize.ts';
import { createCommands } from './commands.ts';
import { createRevocations, type DisconnectMatch } from './disconnect.ts';
import { createPublishDispatcher } from './handlers/index.ts';
import { createRefusal, type DeviceNotice } from './handlers/refuse.ts';
import { startListeners } from './listeners.ts';
import { onClientRegisteredElsewhere } from './aedes-adapter.ts';
import { createPresence } from './presence.ts';
import { createBrokerState } from './state.ts';
import type { BrokerDeps, BrokerStats, CommandWire } from './types.ts';

export { TOKEN_USERNAME } from './authenticate.ts';
export type { DisconnectMatch } from './disconnect.ts';

export interface Broker {
  aedes: Aedes;
  /** Bound TCP port (useful with port 0). */
  port: number;
  /** Bound TLS port, or null when TLS is not configured. */
  tlsPort: number | null;
  /** Serves MQTT over WebSocket on `path` of an HTTP server; returns a detach function. */
  attachWebSocket(server: HttpServer, path?: string): () => void;
  /** Publishes a command to the device when it is online and subscribed; false otherwise. */
  deliver(tenantId: string, deviceId: string, command: CommandWire): Promise<boolean>;
  isOnline(tenantId: string, deviceId: string): boolean;
  /** Pushes to every device online here the commands the store holds pending for it (those
   *  already sent on its connection are skipped). */
  deliverPendingToAll(): Promise<void>;
  /** False once the broker stops accepting connections (for /readyz). */
  accepting(): boolean;
  /** Tells a device on its `…/errors` topic why something it sent was refused (QoS 0). */
  tellDevice(tenantId: string, deviceId: string, notice: DeviceNotice): void;
  /** Closes every live connection that matches, at once (revocation, rotation, suspension);
   *  returns how many. Reconnects are refused by authentication itself. */
  disconnect(match: DisconnectMatch): number;
  /** Publishes a retained platform message (QoS 1), e.g. the attestation statement; only what
   *  the ACL lets a principal receive reaches it (./topics.ts mayForward). */
  publishRetained(topic: string, payload: Buffer): Promise<void>;
  stats(): BrokerStats;
  stop(): Promise<void>;
}

export async function startBroker(deps: BrokerDeps): Promise<Broker> {
  const state = createBrokerState(deps);
  const { cfg, log } = state;

  const authentication = createAuthentication(state);
  const authorization = createAuthorization(state);
  const refusal = createRefusal(state);
  const dispatcher = createPublishDispatcher(state, authorization, refusal);
  const commands = createCommands(state);
  const presence = createPresence(state, commands);

  const shared = deps.shared;
  const aedes = new Aedes({
    // Cluster mode: one emitter and one persistence for all nodes (docs/architecture.md "Cluster mode").
    ...(shared ? { id: shared.brokerId, mq: shared.mq, persistence: shared.persistence } : {}),
    concurrency: cfg.concurrency ?? 1000,
    drainTimeout: cfg.drainTimeoutMs ?? 30_000,
    connectTimeout: cfg.connectTimeoutMs ?? 10_000,
    maxClientsIdLength: 128,
    maxTopicLevels: 16, // the device scheme has at most 7 levels
    preConnect: authentication.preConnect,
    authenticate: authentication.authenticate,
    authorizePublish: dispatcher.authorizePublish,
    authorizeSubscribe: authorization.subscribe,
    authorizeForward: (client, packet) => {
      const allowed = authorization.forward(client, packet);
      if (allowed) commands.numberCommandPacket(client, allowed);
      return allowed;
    },
  });
  state.aedes = aedes;
  // The newer connection of a client id wins across the cluster: aedes closes the older one when
  // another node registers the id; the session learns why before it goes (./presence.ts audits).
  if (shared) onClientRegisteredElsewhere(shared.mq, shared.brokerId, (clientId, other) => presence.replacedElsewhere(clientId, other));
  await aedes.listen();

  // aedes emits 'error' when its persistence fails; an unlistened 'error' would crash the process.
  (aedes as EventEmitter).on('error', (err: Error) => log.error({ err }, 'broker error'));
  aedes.on('connectionError', (_client, err) => log.debug({ err: err.message }, 'connection error'));
  presence.attach(aedes);
  commands.attach(aedes);
  const revocations = createRevocations(state);
  aedes.on('client', (client) => revocations.closeIfRevokedMeanwhile(client));

  const listeners = await startListeners(state, aedes);
  const { port, tlsPort } = listeners;

  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      state.stopping = true;
      const closed = listeners.stopAccepting();
      // Readings already in the pipeline are committed and acknowledged before clients go.
      await dispatcher.readings.drain();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      listeners.destroyConnections();
      await closed;
      log.info('mqtt broker stopped');
    })();
    return stopped;
  };

  log.info({ port, tlsPort }, 'mqtt broker listening');

  return {
    aedes,
    port,
    tlsPort,
    attachWebSocket: listeners.attachWebSocket,
    deliver: commands.deliver,
    deliverPendingToAll: commands.deliverPendingToAll,
    isOnline: presence.isOnline,
    accepting: () => !state.stopping,
    tellDevice: refusal.tellDevice,
    disconnect: revocations.disconnect,
    publishRetained: (topic, payload) =>
      new Promise<void>((resolve, reject) =>
        aedes.publish({ cmd: 'publish', topic, payload, qos: 1, retain: true, dup: false }, (err) => (err ? reject(err) : resolve())),
      ),
    stats: () => ({
      ...state.counts,
      connected: aedes.connectedClients,
      devicesOnline: state.online.size,
      ingestPending: dispatcher.readings.pending(),
    }),
    stop,
  };
}

export function stopBroker(broker: Broker): Promise<void> {
  return broker.stop();
}
