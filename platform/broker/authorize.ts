// Authorisation, a named step before any handler runs: which principal may publish, subscribe
// or receive what (rules in ./topics.ts, deny by default), and an audit entry for every denial.
import type { AedesOptions, Client, PublishPacket } from 'aedes';
import { PLATFORM_SCOPE } from '../storage/port.ts';
import type { BrokerState } from './state.ts';
import {
  authorizePublishTopic,
  authorizeSubscribeTopic,
  authorizeToolSubscribe,
  mayForward,
  type BrokerPrincipal,
  type DeviceTopic,
} from './topics.ts';
import type { DeviceIdentity } from './types.ts';

type SubscribeHook = NonNullable<AedesOptions['authorizeSubscribe']>;
type ForwardHook = NonNullable<AedesOptions['authorizeForward']>;

/** A publish that passed the topic ACL, or the error that refuses it (and closes the connection). */
export type PublishDecision = { allow: true; identity: DeviceIdentity; topic: DeviceTopic } | { allow: false; error: Error };

export interface Authorization {
  publish(client: Client | null, packet: PublishPacket): PublishDecision;
  subscribe: SubscribeHook;
  forward: ForwardHook;
}

export function createAuthorization(state: BrokerState): Authorization {
  const { metrics, counts, principals, sessions, refusedPayloads } = state;

  const deny = (
    action: 'publish' | 'subscribe',
    principal: BrokerPrincipal | undefined,
    topic: string,
    reason: string,
  ) => {
    counts.denied++;
    metrics.denied.inc({ action });
    const scope = !principal
      ? PLATFORM_SCOPE
      : principal.kind === 'device'
        ? principal.identity.tenantId
        : principal.tool.tenantId;
    const actor = !principal
      ? 'mqtt:unauthenticated'
      : principal.kind === 'device'
        ? `device:${principal.identity.deviceId}`
        : principal.tool.label;
    state.audit(
      scope,
      { actor, action: `mqtt.${action}`, target: topic.slice(0, 256), outcome: 'denied', details: { reason } },
      `mqtt-acl:${scope}:${actor}`,
    );
  };

  const publish = (client: Client | null, packet: PublishPacket): PublishDecision => {
    const principal = client ? principals.get(client) : undefined;
    // No client: a stale will replayed from persistence; with no principal nothing is allowed.
    if (!client || !principal) return { allow: false, error: new Error('not authenticated') };
    if (principal.kind === 'tool') {
      deny('publish', principal, packet.topic, 'read-only-token');
      return { allow: false, error: new Error('operator tools do not publish') };
    }
    const { identity } = principal;
    const d = authorizePublishTopic(identity, packet.topic);
    if (!d.allow) {
      // Real abuse: the error closes the connection (aedes: no negative PUBACK in MQTT 3.1.1).
      deny('publish', principal, packet.topic, d.reason);
      return { allow: false, error: new Error('publish not allowed') };
    }
    return { allow: true, identity, topic: d.topic };
  };

  const subscribe: SubscribeHook = (client, sub, callback) => {
    const principal = principals.get(client);
    if (principal?.kind === 'device') {
      const d = authorizeSubscribeTopic(principal.identity, sub.topic);
      if (!d.allow) {
        deny('subscribe', principal, sub.topic, d.reason);
        return callback(null, null); // SUBACK 0x80 (MQTT 3.1.1 section 3.9.3)
      }
      const session = sessions.get(client);
      // Commands go at most at QoS 1: its PUBACK is the delivery receipt.
      if (d.kind === 'commands' && session) session.commandsQos = sub.qos >= 1 ? 1 : 0;
      return callback(null, sub);
    }
    if (principal?.kind === 'tool') {
      const d = authorizeToolSubscribe(principal.tool, sub.topic);
      if (!d.allow) {
        deny('subscribe', principal, sub.topic, d.reason);
        return callback(null, null);
      }
      return callback(null, sub);
    }
    deny('subscribe', undefined, sub.topic, 'unauthenticated');
    callback(null, null);
  };

  /** The last check before anything reaches a subscriber; refused messages never do. */
  const forward: ForwardHook = (client, packet) => {
    const principal = principals.get(client);
    if (!principal || refusedPayloads.has(packet.payload as object)) return null;
    if (!mayForward(principal, packet.topic)) return null;
    return packet;
  };

  return { publish, subscribe, forward };
}
