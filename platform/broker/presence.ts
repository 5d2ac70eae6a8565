// Online/offline bookkeeping of devices, with the reason a device went offline. Presence follows
// the connection, not the device's own `status` messages (./handlers/status.ts).
import type { Aedes } from 'aedes';
import { clientById, disconnectedCleanly } from './aedes-adapter.ts';
import type { Commands } from './commands.ts';
import { keyOf, sessionKey, type BrokerState } from './state.ts';
import type { OfflineReason } from './types.ts';

export interface Presence {
  isOnline(tenantId: string, deviceId: string): boolean;
  attach(aedes: Aedes): void;
  /** A newer connection of `clientId` registered on broker `other`: the local one is about to close. */
  replacedElsewhere(clientId: string, other: string): void;
}

export function createPresence(state: BrokerState, commands: Pick<Commands, 'deliverPending'>): Presence {
  const { deps, log, metrics, sessions, online, safe } = state;

  const attach = (aedes: Aedes) => {
    aedes.on('clientError', (client, err) => {
      const s = sessions.get(client);
      if (s) s.offlineReason ??= 'error';
      log.debug({ clientId: client.id, err: err.message }, 'client error');
    });
    aedes.on('keepaliveTimeout', (client) => {
      const s = sessions.get(client);
      if (s) s.offlineReason ??= 'keepalive-timeout';
    });

    // Online from registration (just before the CONNACK is written), so that a device that has
    // its CONNACK is already seen online; ready (may receive publishes) once aedes says so.
    aedes.on('client', (client) => {
      metrics.connected.set(aedes.connectedClients);
      const s = sessions.get(client);
      if (!s) return;
      s.online = true;
      online.set(sessionKey(s), s);
      safe('presence.online', () => deps.presence.online(s.identity, Date.now()));
    });

    aedes.on('clientReady', (client) => {
      const s = sessions.get(client);
      if (!s) return;
      s.ready = true;
      // A persistent session restored its subscription without a SUBSCRIBE: deliver now.
      if (s.commandsQos !== null) void commands.deliverPending(s);
    });

    aedes.on('clientDisconnect', (client) => {
      metrics.connected.set(aedes.connectedClients);
      const s = sessions.get(client);
      if (!s || !s.online) return;
      s.online = false;
      s.ready = false;
      const key = sessionKey(s);
      if (online.get(key) === s) online.delete(key);
      const cleanly = disconnectedCleanly(client);
      const reason: OfflineReason = state.stopping
        ? 'shutdown'
        : (s.offlineReason ?? (cleanly ? 'disconnect' : 'connection-lost'));
      if (reason === 'takeover') {
        // One device, one live connection (MQTT-3.1.4-2), across the cluster too: the closed
        // older connection is on the tenant's record, with the node that took it over.
        state.audit(s.identity.tenantId, {
          actor: `device:${s.identity.deviceId}`,
          action: 'mqtt.session.replaced',
          target: `device:${s.identity.deviceId}`,
          outcome: 'success',
          details: { ...(s.replacedOn ? { byNode: s.replacedOn } : { byNode: 'same' }) },
        });
      }
      safe('presence.offline', () => deps.presence.offline(s.identity, Date.now(), reason));
    });
  };

  const replacedElsewhere = (clientId: string, other: string) => {
    const client = state.aedes ? clientById(state.aedes, clientId) : undefined;
    const s = client && sessions.get(client);
    if (!s) return;
    s.offlineReason ??= 'takeover';
    s.replacedOn = other;
  };

  return {
    isOnline: (tenantId, deviceId) => online.get(keyOf(tenantId, deviceId))?.online === true,
    attach,
    replacedElsewhere,
  };
}
